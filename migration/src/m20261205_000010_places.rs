//! Places on a map (issue 12): WGS-84 coordinates of the municipalities (their centres), the
//! parks and the units. Stored in WGS-84, the datum of GeoJSON; the API converts to GCJ-02, the
//! datum Chinese map SDKs (AMap, Tencent) draw in, on the way out and in.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const PLACED: &[&str] = &["municipality", "industrial_park", "organization"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in PLACED {
            for column in ["longitude", "latitude"] {
                manager
                    .alter_table(
                        Table::alter()
                            .table(*table)
                            .add_column(ColumnDef::new(column).double().null())
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in PLACED {
            for column in ["longitude", "latitude"] {
                manager
                    .alter_table(Table::alter().table(*table).drop_column(column).to_owned())
                    .await?;
            }
        }
        Ok(())
    }
}
