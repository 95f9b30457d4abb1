//! Results of joint work (plan §二 二是, §四(三)): patents and other intellectual property with
//! their holders' shares, standards and new products, linked to the project and the support
//! measures that funded them, and put into production in a park; and their statistics.

use std::collections::HashSet;

use chrono::NaiveDate;
use entity::{
    enums::{AllianceStage, ProjectStage, ResultKind, SupportStatus},
    industrial_park, joint_result, project, project_participant, result_funding, result_holder,
    support_measure,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};

use super::{
    access::Viewer,
    directory::{optional_text, text},
    rules,
    stats::{Group, counted_groups, year_of},
    write::{Tx, Writer, check_version},
};
use crate::{
    database::Store,
    error::{Error, Result},
};

/// A result to record.
#[derive(Debug, Clone)]
pub struct NewResult {
    pub project: Option<i64>,
    pub kind: ResultKind,
    pub title: String,
    pub reference: Option<String>,
    pub achieved_on: NaiveDate,
    pub shared_with_members: bool,
    /// (unit, share in percent); the shares add up to 100.
    pub holders: Vec<(i64, i32)>,
    pub funded_by: Vec<i64>,
}

/// What result statistics are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultDimension {
    Alliance,
    Kind,
    /// The year achieved.
    Year,
    /// The city or base of the park where it is in production.
    Municipality,
}

impl Tx<'_> {
    /// The holders a result may have: a project's participants, or else the active members.
    async fn check_holders(
        &self,
        alliance: i64,
        project: Option<&project::Model>,
        holders: &[(i64, i32)],
    ) -> Result<()> {
        let units: HashSet<i64> = holders.iter().map(|(unit, _)| *unit).collect();
        if holders.is_empty() || units.len() != holders.len() {
            return Err(Error::bad_input("list each holder once, at least one"));
        }
        if holders.iter().any(|(_, share)| !(1..=100).contains(share))
            || holders.iter().map(|(_, share)| share).sum::<i32>() != 100
        {
            return Err(Error::bad_input(
                "each holder's share is 1–100 percent, and the shares add up to 100",
            ));
        }
        let allowed: HashSet<i64> = match project {
            Some(project) => project_participant::Entity::find()
                .filter(project_participant::Column::ProjectId.eq(project.id))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|p| p.organization_id)
                .collect(),
            None => {
                let mut members = HashSet::new();
                for unit in &units {
                    if self.is_active_member(alliance, *unit).await? {
                        members.insert(*unit);
                    }
                }
                members
            }
        };
        if !units.is_subset(&allowed) {
            return Err(Error::bad_input(if project.is_some() {
                "a project's result is held by the project's participants"
            } else {
                "a result is held by active members of the alliance"
            }));
        }
        Ok(())
    }

    /// Support measures that may have funded a result: live, benefiting the alliance or a holder.
    async fn check_funding(
        &self,
        alliance: i64,
        holders: &[(i64, i32)],
        measures: &[i64],
    ) -> Result<()> {
        for id in measures {
            let measure = self
                .find::<support_measure::Entity>(*id, "support measure")
                .await?;
            let benefits = measure.beneficiary_alliance_id == Some(alliance)
                || holders
                    .iter()
                    .any(|(unit, _)| measure.beneficiary_organization_id == Some(*unit));
            if measure.status == SupportStatus::Revoked || !benefits {
                return Err(Error::bad_input(format!(
                    "support measure {} did not fund this work: it must be live and benefit the alliance or a holder",
                    measure.title
                )));
            }
        }
        Ok(())
    }
}

impl Writer<'_> {
    /// Records a result of the alliance's joint work, with its holders and funding.
    pub async fn record_result(
        self,
        alliance_id: i64,
        new: NewResult,
    ) -> Result<joint_result::Model> {
        let mut tx = self.begin("recordResult").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let alliance = tx.governed(alliance_id).await?;
            rules::not_dissolved(alliance.stage)?;
            if alliance.stage != AllianceStage::Founded {
                return Err(Error::bad_input(
                    "results come from the joint work of a founded alliance",
                ));
            }
            let project = match new.project {
                Some(id) => {
                    let project = tx.find::<project::Entity>(id, "project").await?;
                    if project.alliance_id != alliance_id {
                        return Err(Error::bad_input("the project belongs to another alliance"));
                    }
                    if !matches!(
                        project.stage,
                        ProjectStage::InProgress | ProjectStage::Completed
                    ) {
                        return Err(Error::bad_input(
                            "results come from a project under way or completed",
                        ));
                    }
                    Some(project)
                }
                None => None,
            };
            tx.check_holders(alliance_id, project.as_ref(), &new.holders)
                .await?;
            let mut funded_by = new.funded_by.clone();
            funded_by.sort_unstable();
            funded_by.dedup();
            tx.check_funding(alliance_id, &new.holders, &funded_by)
                .await?;
            let row = joint_result::ActiveModel {
                alliance_id: Set(alliance_id),
                project_id: Set(new.project),
                kind: Set(new.kind),
                title: Set(text(&new.title, "title", 300)?),
                reference: Set(optional_text(new.reference.as_deref(), "reference", 100)?),
                achieved_on: Set(new.achieved_on),
                shared_with_members: Set(new.shared_with_members),
                version: Set(1),
                created_at: Set(tx.now),
                updated_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            tx.record("joint_result", row.id, Some(alliance_id), None, Some(&row))
                .await?;
            for (unit, share) in &new.holders {
                let holder = result_holder::ActiveModel {
                    result_id: Set(row.id),
                    alliance_id: Set(alliance_id),
                    organization_id: Set(*unit),
                    share_percent: Set(*share),
                    created_at: Set(tx.now),
                    ..Default::default()
                }
                .insert(&tx.db)
                .await?;
                // Audited under the result's id: the holders are part of the result.
                tx.record(
                    "result_holder",
                    row.id,
                    Some(alliance_id),
                    None,
                    Some(&holder),
                )
                .await?;
            }
            for measure in funded_by {
                let funding = result_funding::ActiveModel {
                    result_id: Set(row.id),
                    alliance_id: Set(alliance_id),
                    support_measure_id: Set(measure),
                    created_at: Set(tx.now),
                    ..Default::default()
                }
                .insert(&tx.db)
                .await?;
                tx.record(
                    "result_funding",
                    row.id,
                    Some(alliance_id),
                    None,
                    Some(&funding),
                )
                .await?;
            }
            Ok(row)
        }
        .await;
        tx.finish(outcome).await
    }

    /// A result is put into production (落地) in a park of the metro area.
    pub async fn put_result_into_production(
        self,
        result_id: i64,
        expected_version: i32,
        park: i64,
        date: Option<NaiveDate>,
    ) -> Result<joint_result::Model> {
        let mut tx = self.begin("putResultIntoProduction").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.find::<joint_result::Entity>(result_id, "result").await?;
            tx.governed(before.alliance_id).await?;
            check_version(before.version, expected_version, "result")?;
            if before.in_production_on.is_some() {
                return Err(Error::Conflict(
                    "the result is already in production".into(),
                ));
            }
            let park = tx.find::<industrial_park::Entity>(park, "park").await?;
            if park.archived_at.is_some() {
                return Err(Error::bad_input(format!("{} is archived", park.name_zh)));
            }
            let on = date.unwrap_or(tx.today());
            if on < before.achieved_on {
                return Err(Error::bad_input(
                    "a result goes into production after it is achieved",
                ));
            }
            let mut row = before.clone().into_active_model();
            row.park_id = Set(Some(park.id));
            row.in_production_on = Set(Some(on));
            tx.save(
                "joint_result",
                result_id,
                Some(before.alliance_id),
                &before,
                row,
            )
            .await
        }
        .await;
        tx.finish(outcome).await
    }
}

/// Results grouped by one to three dimensions. Results are not
/// confidential: the counts are exact for every signed-in role.
pub async fn result_stats(
    db: &Store,
    viewer: &Viewer,
    dimensions: &[ResultDimension],
) -> Result<Vec<Group>> {
    viewer.require_signed_in("statistics")?;
    if dimensions.is_empty() || dimensions.len() > 3 {
        return Err(Error::bad_input("group by one to three dimensions"));
    }
    let backend = db.get_database_backend();
    let year = year_of(backend, "r.achieved_on");
    let columns: Vec<String> = dimensions
        .iter()
        .map(|d| match d {
            ResultDimension::Alliance => "CAST(r.alliance_id AS VARCHAR(20))".to_owned(),
            ResultDimension::Kind => "r.kind".to_owned(),
            ResultDimension::Year => format!("CAST({year} AS VARCHAR(20))"),
            ResultDimension::Municipality => "CAST(p.municipality_id AS VARCHAR(20))".to_owned(),
        })
        .collect();
    Ok(counted_groups(
        db,
        &columns,
        "",
        "joint_result r LEFT JOIN industrial_park p ON p.id = r.park_id",
    )
    .await?
    .into_iter()
    .map(|(group, _)| group)
    .collect())
}
