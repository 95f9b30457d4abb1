//! Coordination mechanisms (协调机制, plan §四(一)): the arrangements the three cities and the
//! Ningdong base set up to push the alliances forward, and which of them take part. The office
//! records any; a municipality records those it leads and joins them itself.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use entity::{coordination_mechanism, enums::MunicipalityCode, mechanism_member, municipality};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

use super::{
    directory::{optional_text, text},
    write::{Tx, Writer},
};
use crate::{
    database::Store,
    error::{Error, Result},
};

/// A mechanism to record.
#[derive(Debug, Clone)]
pub struct NewMechanism {
    pub name_zh: String,
    pub name_en: Option<String>,
    pub purpose: Option<String>,
    pub established_on: NaiveDate,
    /// The city or base that convenes it (one of the members).
    pub lead: MunicipalityCode,
    pub members: Vec<MunicipalityCode>,
}

/// Every mechanism, oldest first: public, like the reference data.
pub async fn mechanisms(db: &Store) -> Result<Vec<coordination_mechanism::Model>> {
    Ok(coordination_mechanism::Entity::find()
        .order_by_asc(coordination_mechanism::Column::EstablishedOn)
        .order_by_asc(coordination_mechanism::Column::Id)
        .all(db)
        .await?)
}

impl Tx<'_> {
    /// The id of a city or the base, by code.
    pub(super) async fn municipality_of(&self, code: MunicipalityCode) -> Result<i64> {
        Ok(municipality::Entity::find()
            .filter(municipality::Column::Code.eq(code))
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::not_found("no such municipality"))?
            .id)
    }

    async fn add_member(
        &mut self,
        mechanism: i64,
        municipality: i64,
        on: NaiveDate,
    ) -> Result<mechanism_member::Model> {
        let row = mechanism_member::ActiveModel {
            mechanism_id: Set(mechanism),
            municipality_id: Set(municipality),
            joined_on: Set(on),
            created_at: Set(self.now),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        // Audited under the mechanism's id: its members are part of it.
        self.record("mechanism_member", mechanism, None, None, Some(&row))
            .await?;
        Ok(row)
    }
}

impl Writer<'_> {
    /// Records a coordination mechanism between cities (the lead and at least one other).
    pub async fn establish_coordination_mechanism(
        self,
        new: NewMechanism,
    ) -> Result<coordination_mechanism::Model> {
        let mut tx = self.begin("establishCoordinationMechanism").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let lead = tx.municipality_of(new.lead).await?;
            tx.authorize(
                tx.viewer.may_manage_territory(Some(lead)),
                "coordination_mechanism",
                None,
                "the office records a coordination mechanism, or the municipality that leads it",
            )?;
            let members: BTreeSet<MunicipalityCode> =
                new.members.iter().copied().chain([new.lead]).collect();
            if members.len() < 2 {
                return Err(Error::bad_input(
                    "a coordination mechanism joins the lead with at least one other city or the base",
                ));
            }
            let row = coordination_mechanism::ActiveModel {
                name_zh: Set(text(&new.name_zh, "nameZh", 200)?),
                name_en: Set(optional_text(new.name_en.as_deref(), "nameEn", 300)?),
                purpose: Set(optional_text(new.purpose.as_deref(), "purpose", 2000)?),
                established_on: Set(new.established_on),
                lead_municipality_id: Set(lead),
                version: Set(1),
                created_at: Set(tx.now),
                updated_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            tx.record("coordination_mechanism", row.id, None, None, Some(&row))
                .await?;
            for code in members {
                let id = tx.municipality_of(code).await?;
                tx.add_member(row.id, id, new.established_on).await?;
            }
            Ok(row)
        }
        .await;
        tx.finish(outcome).await
    }

    /// A city or the base joins a mechanism (the office, or that municipality itself).
    pub async fn join_coordination_mechanism(
        self,
        mechanism_id: i64,
        code: MunicipalityCode,
        date: Option<NaiveDate>,
    ) -> Result<mechanism_member::Model> {
        let mut tx = self.begin("joinCoordinationMechanism").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let mechanism = tx
                .find::<coordination_mechanism::Entity>(mechanism_id, "coordination mechanism")
                .await?;
            let joining = tx.municipality_of(code).await?;
            tx.authorize(
                tx.viewer.may_manage_territory(Some(joining)),
                "coordination_mechanism",
                Some(mechanism_id),
                "a municipality joins a coordination mechanism itself (or the office records it)",
            )?;
            let already = mechanism_member::Entity::find()
                .filter(mechanism_member::Column::MechanismId.eq(mechanism_id))
                .filter(mechanism_member::Column::MunicipalityId.eq(joining))
                .count(&tx.db)
                .await?;
            if already > 0 {
                return Err(Error::Conflict(format!(
                    "{code:?} already takes part in {}",
                    mechanism.name_zh
                )));
            }
            let on = date.unwrap_or(tx.today());
            if on < mechanism.established_on {
                return Err(Error::bad_input(format!(
                    "the mechanism was established on {}",
                    mechanism.established_on
                )));
            }
            tx.add_member(mechanism_id, joining, on).await
        }
        .await;
        tx.finish(outcome).await
    }
}
