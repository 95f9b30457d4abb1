//! Demo figures by year (2019–2025, the last year being the profile's) and designations, drawn
//! from each enterprise's own generator so that they leave the rest of the dataset as it was.
//! Growth is plausible rather than real: each enterprise has a trend between −3 % and +14 % a
//! year with a little noise around it; employees follow at a third of the pace.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    enterprise_designation, enterprise_figure,
    enums::{DepartmentCode, Designation, EnterpriseScale},
};
use sea_orm::ActiveValue::Set;

use super::Rng;

/// The first and last year of the demo series.
pub(super) const FIRST_YEAR: i32 = 2019;
pub(super) const LAST_YEAR: i32 = 2025;

/// 规模以上: main-business revenue of 20 million yuan or more.
const DESIGNATED_SIZE: i64 = 20_000_000;

/// An enterprise's profile, which is its latest year.
pub(super) struct Latest {
    pub organization: i64,
    pub scale: EnterpriseScale,
    pub leading: bool,
    pub founded: i32,
    pub employees: i32,
    pub revenue: i64,
    pub rnd_spend: i64,
    pub tax_paid: i64,
}

/// One enterprise's yearly figures and designations.
pub(super) struct History {
    pub figures: Vec<enterprise_figure::ActiveModel>,
    pub designations: Vec<enterprise_designation::ActiveModel>,
}

pub(super) fn history(
    latest: &Latest,
    departments: &HashMap<DepartmentCode, i64>,
    stamp: DateTime<Utc>,
) -> History {
    let mut rng = Rng(0x05EE_DF16_u64 ^ (latest.organization as u64).wrapping_mul(0x9E37_79B9));
    let trend = rng.range(-30, 140) as f64 / 1000.0;
    let output_ratio = rng.range(850, 1050) as f64 / 1000.0;
    let first = FIRST_YEAR.max(latest.founded);
    // Backwards from the latest year: each earlier year is this one over that year's growth.
    let mut years = Vec::new();
    let (mut revenue, mut employees) = (latest.revenue as f64, f64::from(latest.employees));
    for year in (first..=LAST_YEAR).rev() {
        years.push((year, revenue.round() as i64, employees.round() as i32));
        let growth = trend + rng.range(-30, 30) as f64 / 1000.0;
        revenue /= 1.0 + growth;
        employees = (employees / (1.0 + growth / 3.0)).max(3.0);
    }
    years.reverse();
    let share = |part: i64| part as f64 / latest.revenue.max(1) as f64;
    let (rnd_share, tax_share) = (share(latest.rnd_spend), share(latest.tax_paid));
    let figures = years
        .iter()
        .map(|&(year, revenue, staff)| {
            let last = year == LAST_YEAR;
            enterprise_figure::ActiveModel {
                organization_id: Set(latest.organization),
                year: Set(year),
                employees: Set(Some(if last { latest.employees } else { staff })),
                annual_revenue: Set(Some(if last { latest.revenue } else { revenue })),
                output_value: Set(Some((revenue as f64 * output_ratio).round() as i64)),
                rnd_spend: Set(Some(if last {
                    latest.rnd_spend
                } else {
                    (revenue as f64 * rnd_share).round() as i64
                })),
                tax_paid: Set(Some(if last {
                    latest.tax_paid
                } else {
                    (revenue as f64 * tax_share).round() as i64
                })),
                version: Set(1),
                created_at: Set(stamp),
                updated_at: Set(stamp),
                ..Default::default()
            }
        })
        .collect();

    let mut designations = Vec::new();
    let mut grant = |kind, granted: i32, until: Option<i32>, by: Option<DepartmentCode>| {
        designations.push(enterprise_designation::ActiveModel {
            organization_id: Set(latest.organization),
            kind: Set(kind),
            granted_year: Set(granted),
            valid_until_year: Set(until),
            department_id: Set(by.and_then(|code| departments.get(&code).copied())),
            version: Set(1),
            created_at: Set(stamp),
            updated_at: Set(stamp),
            ..Default::default()
        });
    };
    if let Some(&(year, _, _)) = years.iter().find(|(_, r, _)| *r >= DESIGNATED_SIZE) {
        grant(Designation::AboveDesignatedSize, year, None, None);
    }
    let since =
        |rng: &mut Rng, last: i32| rng.range(i64::from(first), i64::from(last.max(first))) as i32;
    let small = matches!(
        latest.scale,
        EnterpriseScale::Small | EnterpriseScale::Micro
    );
    if latest.scale != EnterpriseScale::Micro && rng.chance(35) {
        // Three-year certificates, often renewed.
        let granted = since(&mut rng, 2023);
        grant(
            Designation::HighTech,
            granted,
            Some(granted + 2),
            Some(DepartmentCode::Dst),
        );
        if granted + 3 <= LAST_YEAR && rng.chance(70) {
            grant(
                Designation::HighTech,
                granted + 3,
                Some(granted + 5),
                Some(DepartmentCode::Dst),
            );
        }
    }
    if small && rng.chance(40) {
        grant(
            Designation::TechSme,
            since(&mut rng, LAST_YEAR),
            None,
            Some(DepartmentCode::Dst),
        );
    }
    if matches!(
        latest.scale,
        EnterpriseScale::Medium | EnterpriseScale::Small
    ) && rng.chance(25)
    {
        let granted = since(&mut rng, 2024);
        grant(
            Designation::SrdiProvincial,
            granted,
            Some(granted + 2),
            Some(DepartmentCode::Miit),
        );
        if granted + 2 <= LAST_YEAR && rng.chance(25) {
            grant(
                Designation::SrdiLittleGiant,
                granted + 2,
                Some(granted + 4),
                Some(DepartmentCode::Miit),
            );
        }
    }
    if latest.scale == EnterpriseScale::Large || latest.leading {
        if rng.chance(40) {
            let granted = since(&mut rng, 2023);
            grant(
                Designation::TechCenterRegional,
                granted,
                None,
                Some(DepartmentCode::Miit),
            );
            if latest.leading && granted + 2 <= LAST_YEAR && rng.chance(30) {
                grant(
                    Designation::TechCenterNational,
                    granted + 2,
                    None,
                    Some(DepartmentCode::Drc),
                );
            }
        }
        if latest.leading && rng.chance(30) {
            let granted = since(&mut rng, 2024);
            grant(
                Designation::SingleChampion,
                granted,
                Some(granted + 2),
                Some(DepartmentCode::Miit),
            );
        }
    }
    History {
        figures,
        designations,
    }
}
