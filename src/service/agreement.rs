//! The alliance agreement (联盟协议, Annex 1 §4): legally binding among the members, it fixes each
//! party's rights, duties and tasks and names the body bearing the alliance's external liability.
//! Versions are signed by the members; a member admitted later accedes to the version in force.

use std::collections::HashSet;

use chrono::NaiveDate;
use entity::{agreement, agreement_party, membership};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::{
    directory::{optional_text, text},
    governance::member_on,
    rules,
    write::{Tx, Writer},
};
use crate::error::{Error, Result};

/// What one party undertakes (each may be left to the agreement's general terms).
#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub rights: Option<String>,
    pub duties: Option<String>,
    pub tasks: Option<String>,
}

/// A version of the agreement to sign.
#[derive(Debug, Clone)]
pub struct NewAgreement {
    pub agreement_version: String,
    pub signed_on: NaiveDate,
    pub liable_unit: i64,
    pub summary: Option<String>,
    pub parties: Vec<(i64, Terms)>,
}

/// The version in force on `day`: the latest signed by then.
pub fn in_force(versions: &[agreement::Model], day: NaiveDate) -> Option<&agreement::Model> {
    versions
        .iter()
        .filter(|a| a.signed_on <= day)
        .max_by_key(|a| (a.signed_on, a.id))
}

impl Tx<'_> {
    /// Whether `unit` was a member of the alliance on `day`.
    async fn member_on_day(&self, alliance: i64, unit: i64, day: NaiveDate) -> Result<bool> {
        Ok(membership::Entity::find()
            .filter(membership::Column::AllianceId.eq(alliance))
            .filter(membership::Column::OrganizationId.eq(unit))
            .all(&self.db)
            .await?
            .iter()
            .any(|m| member_on(m, day)))
    }

    async fn add_party(
        &mut self,
        agreement: &agreement::Model,
        unit: i64,
        terms: &Terms,
        on: NaiveDate,
        membership: Option<i64>,
    ) -> Result<agreement_party::Model> {
        let row = agreement_party::ActiveModel {
            agreement_id: Set(agreement.id),
            alliance_id: Set(agreement.alliance_id),
            organization_id: Set(unit),
            rights: Set(optional_text(terms.rights.as_deref(), "rights", 2000)?),
            duties: Set(optional_text(terms.duties.as_deref(), "duties", 2000)?),
            tasks: Set(optional_text(terms.tasks.as_deref(), "tasks", 2000)?),
            acceded_on: Set(on),
            membership_id: Set(membership),
            version: Set(1),
            created_at: Set(self.now),
            updated_at: Set(self.now),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        self.record(
            "agreement_party",
            row.id,
            Some(agreement.alliance_id),
            None,
            Some(&row),
        )
        .await?;
        Ok(row)
    }

    /// A unit accedes to the agreement in force on `on`, if there is one and it is not a party.
    pub(crate) async fn accede(
        &mut self,
        alliance: i64,
        unit: i64,
        terms: &Terms,
        on: NaiveDate,
        membership: Option<i64>,
    ) -> Result<Option<agreement_party::Model>> {
        let versions = agreement::Entity::find()
            .filter(agreement::Column::AllianceId.eq(alliance))
            .all(&self.db)
            .await?;
        let Some(current) = in_force(&versions, on) else {
            return Ok(None);
        };
        let already = agreement_party::Entity::find()
            .filter(agreement_party::Column::AgreementId.eq(current.id))
            .filter(agreement_party::Column::OrganizationId.eq(unit))
            .count(&self.db)
            .await?;
        if already > 0 {
            return Err(Error::Conflict(format!(
                "the unit is already a party to agreement {}",
                current.agreement_version
            )));
        }
        let current = current.clone();
        Ok(Some(
            self.add_party(&current, unit, terms, on, membership)
                .await?,
        ))
    }
}

impl Writer<'_> {
    /// The members sign a version of the agreement: every party an active member that day, the
    /// liable unit one of them (and the unit the assembly named, where it named one).
    pub async fn sign_agreement(
        self,
        alliance_id: i64,
        new: NewAgreement,
    ) -> Result<agreement::Model> {
        let mut tx = self.begin("signAgreement").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let alliance = tx.governed(alliance_id).await?;
            rules::not_dissolved(alliance.stage)?;
            if alliance.charter_adopted_on.is_none() {
                return Err(Error::bad_input(
                    "the agreement is concluded under the charter: adopt the charter first",
                ));
            }
            let label = text(&new.agreement_version, "agreementVersion", 40)?;
            let taken = agreement::Entity::find()
                .filter(agreement::Column::AllianceId.eq(alliance_id))
                .filter(agreement::Column::AgreementVersion.eq(&label))
                .count(&tx.db)
                .await?;
            if taken > 0 {
                return Err(Error::Conflict(format!(
                    "the alliance already has an agreement {label}"
                )));
            }
            let mut seen = HashSet::new();
            let mut outsiders = Vec::new();
            for (unit, _) in &new.parties {
                let name = tx
                    .find::<entity::organization::Entity>(*unit, "organization")
                    .await?
                    .name_zh;
                if !seen.insert(*unit) {
                    return Err(Error::bad_input(format!("{name} is listed twice")));
                }
                if !tx.member_on_day(alliance_id, *unit, new.signed_on).await? {
                    outsiders.push(name);
                }
            }
            rules::agreement_among_members(new.parties.len(), &outsiders)?;
            rules::agreement_names_liable_unit(
                seen.contains(&new.liable_unit),
                alliance
                    .liability_unit_id
                    .is_none_or(|named| named == new.liable_unit),
            )?;
            let row = agreement::ActiveModel {
                alliance_id: Set(alliance_id),
                agreement_version: Set(label),
                signed_on: Set(new.signed_on),
                liable_unit_id: Set(new.liable_unit),
                summary: Set(optional_text(new.summary.as_deref(), "summary", 4000)?),
                version: Set(1),
                created_at: Set(tx.now),
                updated_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            tx.record("agreement", row.id, Some(alliance_id), None, Some(&row))
                .await?;
            for (unit, terms) in &new.parties {
                tx.add_party(&row, *unit, terms, new.signed_on, None)
                    .await?;
            }
            Ok(row)
        }
        .await;
        tx.finish(outcome).await
    }

    /// A member accedes to the agreement in force (admission does this by itself; this records
    /// the rights, duties and tasks of a member that accedes on its own terms).
    pub async fn accede_to_agreement(
        self,
        alliance_id: i64,
        unit: i64,
        terms: Terms,
        date: Option<NaiveDate>,
    ) -> Result<agreement_party::Model> {
        let mut tx = self.begin("accedeToAgreement").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let alliance = tx.governed(alliance_id).await?;
            rules::not_dissolved(alliance.stage)?;
            let on = date.unwrap_or(tx.today());
            if !tx.member_on_day(alliance_id, unit, on).await? {
                let name = tx
                    .find::<entity::organization::Entity>(unit, "organization")
                    .await?
                    .name_zh;
                rules::agreement_among_members(2, &[name])?;
            }
            tx.accede(alliance_id, unit, &terms, on, None)
                .await?
                .ok_or_else(|| Error::bad_input("the alliance has no agreement in force that day"))
        }
        .await;
        tx.finish(outcome).await
    }
}
