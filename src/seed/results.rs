//! The demo's results of joint work: a patent of the tantalum-powder project, held by its lead
//! enterprise and a university, funded by the regional R&D programme and in production; the
//! group standard the quartz-crucible project produced. Titles are fictional and carry no
//! patent or standard number.

use chrono::NaiveDate;
use entity::{
    enums::ResultKind, joint_result, organization, project, result_funding, result_holder,
    support_measure,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::{Seeder, date};
use crate::error::{Error, Result};

/// One result to record.
struct Demo<'a> {
    project: &'a str,
    kind: ResultKind,
    title: &'a str,
    achieved: NaiveDate,
    holders: Vec<(i64, i32)>,
    funded_by: Option<&'a str>,
    /// In production from that day, in the lead holder's park.
    in_production: Option<NaiveDate>,
}

impl Seeder<'_> {
    pub(super) async fn results(&mut self) -> Result<()> {
        let rare = self.leader("NMAT-02")?.id;
        let crystal = self.leader("NMAT-04")?.id;
        let partner = self.nth_of("NMAT-05", 0)?.id;
        let nxu = self.institution("NXU")?;
        for demo in [
            Demo {
                project: "YMA-NMAT-P001",
                kind: ResultKind::Patent,
                title: "一种高纯钽粉的制备方法（示例）",
                achieved: date(2023, 9, 12),
                holders: vec![(rare, 60), (nxu, 40)],
                funded_by: Some("自治区重点研发计划：高纯钽粉制备关键技术"),
                in_production: Some(date(2025, 3, 1)),
            },
            Demo {
                project: "YMA-NMAT-P002",
                kind: ResultKind::Standard,
                title: "《光伏用石英坩埚》团体标准（示例）",
                achieved: date(2024, 5, 30),
                holders: vec![(crystal, 70), (partner, 30)],
                funded_by: None,
                in_production: None,
            },
        ] {
            self.result(demo).await?;
        }
        Ok(())
    }

    async fn result(&self, demo: Demo<'_>) -> Result<()> {
        let project = project::Entity::find()
            .filter(project::Column::Code.eq(demo.project))
            .one(self.db)
            .await?
            .ok_or_else(|| Error::internal("seed: no project for a result"))?;
        let park = match demo.in_production {
            Some(_) => organization::Entity::find_by_id(demo.holders[0].0)
                .one(self.db)
                .await?
                .and_then(|o| o.park_id),
            None => None,
        };
        let row = self
            .insert(joint_result::ActiveModel {
                alliance_id: Set(project.alliance_id),
                project_id: Set(Some(project.id)),
                kind: Set(demo.kind),
                title: Set(demo.title.into()),
                reference: Set(None),
                achieved_on: Set(demo.achieved),
                shared_with_members: Set(true),
                park_id: Set(park),
                in_production_on: Set(demo.in_production.filter(|_| park.is_some())),
                version: Set(1),
                created_at: Set(self.stamp),
                updated_at: Set(self.stamp),
                ..Default::default()
            })
            .await?;
        for (unit, share) in demo.holders {
            self.insert(result_holder::ActiveModel {
                result_id: Set(row.id),
                alliance_id: Set(project.alliance_id),
                organization_id: Set(unit),
                share_percent: Set(share),
                created_at: Set(self.stamp),
                ..Default::default()
            })
            .await?;
        }
        if let Some(title) = demo.funded_by {
            let measure = support_measure::Entity::find()
                .filter(support_measure::Column::Title.eq(title))
                .one(self.db)
                .await?
                .ok_or_else(|| Error::internal("seed: no support measure for a result"))?;
            self.insert(result_funding::ActiveModel {
                result_id: Set(row.id),
                alliance_id: Set(project.alliance_id),
                support_measure_id: Set(measure.id),
                created_at: Set(self.stamp),
                ..Default::default()
            })
            .await?;
        }
        Ok(())
    }
}
