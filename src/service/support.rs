//! Writes to support measures: each department, and each city and the base (plan §四(一)),
//! manages its own.

use chrono::NaiveDate;
use entity::{
    alliance, department,
    enums::{DepartmentCode, MunicipalityCode, SupportKind, SupportStatus},
    organization, support_measure,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};

use super::{
    access::MeasureOwner,
    directory::text,
    write::{Tx, Writer, check_version},
};
use crate::error::{Error, Result};

/// Who grants a measure, by code.
#[derive(Debug, Clone, Copy)]
pub enum Grantor {
    Department(DepartmentCode),
    /// A city's or the Ningdong base's own measure.
    Municipality(MunicipalityCode),
}

/// A new support measure.
#[derive(Debug, Clone)]
pub struct NewSupport {
    pub grantor: Grantor,
    pub kind: SupportKind,
    pub title: String,
    pub beneficiary_organization: Option<i64>,
    pub beneficiary_alliance: Option<i64>,
    pub amount: i64,
    pub granted_on: NaiveDate,
    pub status: SupportStatus,
}

/// Changes to a support measure.
#[derive(Debug, Clone, Default)]
pub struct SupportChanges {
    pub expected_version: i32,
    pub title: Option<String>,
    pub amount: Option<i64>,
    pub granted_on: Option<NaiveDate>,
    pub status: Option<SupportStatus>,
}

impl Writer<'_> {
    pub async fn create_support_measure(self, new: NewSupport) -> Result<support_measure::Model> {
        let mut tx = self.begin("createSupportMeasure").await?;
        let outcome = tx.create_support_measure(new).await;
        tx.finish(outcome).await
    }

    /// Changes a measure; `revoke` marks it REVOKED (measures are never deleted).
    pub async fn update_support_measure(
        self,
        id: i64,
        changes: SupportChanges,
        revoke: bool,
    ) -> Result<support_measure::Model> {
        let mut tx = self
            .begin(if revoke {
                "revokeSupportMeasure"
            } else {
                "updateSupportMeasure"
            })
            .await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx
                .find::<support_measure::Entity>(id, "support measure")
                .await?;
            let owner = MeasureOwner::of(&before)
                .ok_or_else(|| Error::internal("a support measure without an owner"))?;
            tx.authorize(
                tx.viewer.may_manage_support(owner),
                "support_measure",
                Some(id),
                "a department, city or base changes its own support measures only",
            )?;
            check_version(before.version, changes.expected_version, "support measure")?;
            if before.status == SupportStatus::Revoked {
                return Err(Error::Conflict("the measure is revoked".into()));
            }
            let mut row = before.clone().into_active_model();
            if let Some(v) = &changes.title {
                row.title = Set(text(v, "title", 200)?);
            }
            if let Some(v) = changes.amount {
                if v < 0 {
                    return Err(Error::bad_input("`amount` must not be negative"));
                }
                row.amount = Set(v);
            }
            if let Some(v) = changes.granted_on {
                row.granted_on = Set(v);
            }
            if let Some(v) = changes.status {
                row.status = Set(v);
            }
            if revoke {
                row.status = Set(SupportStatus::Revoked);
            }
            let after = tx
                .save(
                    "support_measure",
                    id,
                    before.beneficiary_alliance_id,
                    &before,
                    row,
                )
                .await?;
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }
}

/// The department, or the city or base, that grants a new measure.
async fn owner_of(tx: &Tx<'_>, grantor: Grantor) -> Result<MeasureOwner> {
    Ok(match grantor {
        Grantor::Department(code) => MeasureOwner::Department(
            department::Entity::find()
                .filter(department::Column::Code.eq(code))
                .one(&tx.db)
                .await?
                .ok_or_else(|| Error::not_found("no such department"))?
                .id,
        ),
        Grantor::Municipality(code) => MeasureOwner::Municipality(tx.municipality_of(code).await?),
    })
}

/// The bodies of the mutations above, for a caller that runs several in one transaction (an
/// import).
impl Tx<'_> {
    pub async fn create_support_measure(
        &mut self,
        new: NewSupport,
    ) -> Result<support_measure::Model> {
        let tx = self;
        let owner = owner_of(tx, new.grantor).await?;
        tx.authorize(
            tx.viewer.may_manage_support(owner),
            "support_measure",
            None,
            "a department, city or base records its own support measures only",
        )?;
        if new.beneficiary_organization.is_none() && new.beneficiary_alliance.is_none() {
            return Err(Error::bad_input(
                "a support measure benefits an organization, an alliance, or both",
            ));
        }
        if let Some(id) = new.beneficiary_organization {
            tx.find::<organization::Entity>(id, "organization").await?;
        }
        if let Some(id) = new.beneficiary_alliance {
            tx.find::<alliance::Entity>(id, "alliance").await?;
        }
        if new.amount < 0 {
            return Err(Error::bad_input("`amount` must not be negative"));
        }
        let row = support_measure::ActiveModel {
            department_id: Set(match owner {
                MeasureOwner::Department(id) => Some(id),
                MeasureOwner::Municipality(_) => None,
            }),
            municipality_id: Set(match owner {
                MeasureOwner::Municipality(id) => Some(id),
                MeasureOwner::Department(_) => None,
            }),
            kind: Set(new.kind),
            title: Set(text(&new.title, "title", 200)?),
            beneficiary_organization_id: Set(new.beneficiary_organization),
            beneficiary_alliance_id: Set(new.beneficiary_alliance),
            amount: Set(new.amount),
            granted_on: Set(new.granted_on),
            status: Set(new.status),
            is_demo: Set(false),
            version: Set(1),
            created_at: Set(tx.now),
            updated_at: Set(tx.now),
            ..Default::default()
        }
        .insert(&tx.db)
        .await?;
        tx.record(
            "support_measure",
            row.id,
            row.beneficiary_alliance_id,
            None,
            Some(&row),
        )
        .await?;
        Ok(row)
    }
}
