//! The deterministic demo dataset.

use sea_orm::DatabaseConnection;

use crate::error::Result;

/// Loads the demo dataset, all or nothing.
pub async fn load_demo(_db: &DatabaseConnection) -> Result<()> {
    Ok(())
}
