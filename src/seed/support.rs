//! The demo's support (plan §四): every department's measures (§四(二), §四(三)), and the cities'
//! and the base's own measures and coordination mechanism (§四(一)). Amounts and names are
//! fictional.

use chrono::NaiveDate;
use entity::{
    coordination_mechanism,
    enums::{DepartmentCode as Dept, MunicipalityCode as City, SupportKind, SupportStatus},
    mechanism_member, support_measure,
};
use sea_orm::ActiveValue::Set;

use super::{Seeder, date};
use crate::error::{Error, Result};

/// Who grants a demo measure.
enum By {
    Department(Dept),
    City(City),
    /// The city or base where a unit is located.
    CityOf(i64),
}

impl Seeder<'_> {
    /// Support from every department (plan §四(二), §四(三)) and the cities' and the base's own
    /// (§四(一)), to member units and to the alliance itself.
    pub(super) async fn support_measures(&mut self) -> Result<()> {
        let alliance = self.alliance_id("YMA-NMAT").await?;
        let rare = self.leader("NMAT-02")?.id;
        let crystal = self.leader("NMAT-04")?.id;
        let battery = self.leader("NMAT-07")?.id;
        let ctl = self.leader("CHEM-03")?.id;
        let bearings = self.leader("EQUIP-02")?.id;
        let nxu = self.institution("NXU")?;
        type Row = (
            By,
            SupportKind,
            &'static str,
            Option<i64>,
            bool,
            i64,
            NaiveDate,
            SupportStatus,
        );
        let rows: Vec<Row> = vec![
            (
                By::Department(Dept::Dst),
                SupportKind::RndFund,
                "自治区重点研发计划：高纯钽粉制备关键技术",
                Some(rare),
                false,
                5_000_000,
                date(2021, 6, 15),
                SupportStatus::Disbursed,
            ),
            (
                By::Department(Dept::Dst),
                SupportKind::RndFund,
                "自治区自然科学基金：煤基新材料",
                Some(nxu),
                false,
                3_000_000,
                date(2022, 3, 10),
                SupportStatus::Disbursed,
            ),
            (
                By::Department(Dept::Dst),
                SupportKind::RndFund,
                "费托合成催化剂国产化攻关",
                Some(ctl),
                false,
                6_500_000,
                date(2024, 4, 2),
                SupportStatus::Granted,
            ),
            (
                By::Department(Dept::Miit),
                SupportKind::TechCenter,
                "自治区级企业技术中心认定奖励",
                Some(crystal),
                false,
                1_000_000,
                date(2021, 9, 28),
                SupportStatus::Disbursed,
            ),
            (
                By::Department(Dept::Miit),
                SupportKind::IndustryFund,
                "产业联盟运行补助",
                None,
                true,
                500_000,
                date(2021, 3, 1),
                SupportStatus::Disbursed,
            ),
            (
                By::Department(Dept::Miit),
                SupportKind::TechCenter,
                "智能制造示范工厂奖励",
                Some(bearings),
                false,
                2_000_000,
                date(2025, 8, 20),
                SupportStatus::Granted,
            ),
            (
                By::Department(Dept::Hrss),
                SupportKind::Talent,
                "高层次人才引进补贴",
                Some(battery),
                false,
                800_000,
                date(2022, 5, 16),
                SupportStatus::Disbursed,
            ),
            (
                By::Department(Dept::Hrss),
                SupportKind::Talent,
                "联盟产业工人技能培训",
                None,
                true,
                300_000,
                date(2023, 4, 11),
                SupportStatus::Disbursed,
            ),
            (
                By::Department(Dept::Tax),
                SupportKind::TaxIncentive,
                "研发费用加计扣除",
                Some(rare),
                false,
                12_500_000,
                date(2022, 5, 31),
                SupportStatus::Granted,
            ),
            (
                By::Department(Dept::Tax),
                SupportKind::TaxIncentive,
                "高新技术企业所得税优惠",
                Some(crystal),
                false,
                8_000_000,
                date(2023, 5, 31),
                SupportStatus::Granted,
            ),
            (
                By::Department(Dept::Dof),
                SupportKind::IndustryFund,
                "自治区产业引导基金投资",
                Some(battery),
                false,
                50_000_000,
                date(2023, 8, 8),
                SupportStatus::Disbursed,
            ),
            (
                By::Department(Dept::Dof),
                SupportKind::IndustryFund,
                "联盟成果转化配套资金",
                None,
                true,
                2_000_000,
                date(2026, 6, 30),
                SupportStatus::Planned,
            ),
            (
                By::Department(Dept::Drc),
                SupportKind::IndustryFund,
                "重点项目前期工作经费",
                Some(rare),
                false,
                2_000_000,
                date(2024, 3, 19),
                SupportStatus::Granted,
            ),
            (
                By::Department(Dept::Drc),
                SupportKind::Financing,
                "中长期贷款贴息",
                Some(ctl),
                false,
                1_500_000,
                date(2024, 9, 9),
                SupportStatus::Revoked,
            ),
            (
                By::Department(Dept::Doc),
                SupportKind::MarketExpansion,
                "境外展会参展补贴",
                Some(crystal),
                false,
                200_000,
                date(2023, 10, 12),
                SupportStatus::Disbursed,
            ),
            (
                By::Department(Dept::Doc),
                SupportKind::MarketExpansion,
                "联盟联合开拓中亚市场",
                None,
                true,
                350_000,
                date(2025, 4, 22),
                SupportStatus::Granted,
            ),
            // The cities' and the base's own measures, each to a unit in its territory or to
            // the alliance.
            (
                By::CityOf(rare),
                SupportKind::Talent,
                "市级产业人才引进补贴",
                Some(rare),
                false,
                300_000,
                date(2024, 6, 18),
                SupportStatus::Disbursed,
            ),
            (
                By::CityOf(crystal),
                SupportKind::TechCenter,
                "市级企业技术中心认定奖励",
                Some(crystal),
                false,
                500_000,
                date(2023, 12, 5),
                SupportStatus::Disbursed,
            ),
            (
                By::CityOf(ctl),
                SupportKind::Financing,
                "园区企业技改贷款贴息",
                Some(ctl),
                false,
                800_000,
                date(2025, 7, 10),
                SupportStatus::Granted,
            ),
            (
                By::City(City::Yinchuan),
                SupportKind::MarketExpansion,
                "联盟新材料产品推介会补助",
                None,
                true,
                150_000,
                date(2025, 9, 16),
                SupportStatus::Granted,
            ),
        ];
        for (by, kind, title, organization, to_alliance, amount, granted, status) in rows {
            let (department, municipality) = match by {
                By::Department(code) => (Some(self.department_id(code)?), None),
                By::City(code) => (None, Some(self.municipality_id(code)?)),
                By::CityOf(unit) => (None, Some(self.municipality_of(unit)?)),
            };
            self.insert(support_measure::ActiveModel {
                department_id: Set(department),
                municipality_id: Set(municipality),
                kind: Set(kind),
                title: Set(title.into()),
                beneficiary_organization_id: Set(organization),
                beneficiary_alliance_id: Set(to_alliance.then_some(alliance)),
                amount: Set(amount),
                granted_on: Set(granted),
                status: Set(status),
                is_demo: Set(true),
                version: Set(1),
                created_at: Set(self.stamp),
                updated_at: Set(self.stamp),
                ..Default::default()
            })
            .await?;
        }
        Ok(())
    }

    /// The cities' and the base's coordination mechanism for the alliances (§四(一)), convened by
    /// Yinchuan; fictional, like its name.
    pub(super) async fn coordination(&mut self) -> Result<()> {
        let established = date(2020, 3, 10);
        let mechanism = self
            .insert(coordination_mechanism::ActiveModel {
                name_zh: Set("银川都市圈重点产业联盟推进协调机制（示例）".into()),
                name_en: Set(Some(
                    "Coordination of the metro area's key-industry alliances (demo)".into(),
                )),
                purpose: Set(Some(
                    "三市一基地共同研究联盟扶持政策，协调跨市项目布局和要素流动".into(),
                )),
                established_on: Set(established),
                lead_municipality_id: Set(self.municipality_id(City::Yinchuan)?),
                version: Set(1),
                created_at: Set(self.stamp),
                updated_at: Set(self.stamp),
                ..Default::default()
            })
            .await?;
        for (city, joined) in [
            (City::Yinchuan, established),
            (City::Shizuishan, established),
            (City::Ningdong, established),
            (City::Wuzhong, date(2020, 6, 2)),
        ] {
            self.insert(mechanism_member::ActiveModel {
                mechanism_id: Set(mechanism.id),
                municipality_id: Set(self.municipality_id(city)?),
                joined_on: Set(joined),
                created_at: Set(self.stamp),
                ..Default::default()
            })
            .await?;
        }
        Ok(())
    }

    fn department_id(&self, code: Dept) -> Result<i64> {
        self.departments
            .get(&code)
            .copied()
            .ok_or_else(|| Error::internal(format!("seed: no department {code:?}")))
    }

    /// The city or base of a demo enterprise.
    fn municipality_of(&self, enterprise: i64) -> Result<i64> {
        let code = self
            .enterprises
            .iter()
            .find(|e| e.id == enterprise)
            .and_then(|e| e.municipality)
            .ok_or_else(|| Error::internal("seed: the unit is outside the metro area"))?;
        self.municipality_id(code)
    }
}
