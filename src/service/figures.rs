//! Enterprises' figures by year and their designations (规模以上, 专精特新, 高新技术企业, …).
//! The profile holds the latest year's figures: recording the latest year writes the profile too,
//! and changing the profile's figures changes the latest recorded year, in the same transaction,
//! so the two never disagree.

use chrono::Datelike;
use entity::{
    department, enterprise_designation, enterprise_figure, enterprise_profile,
    enums::{DepartmentCode, Designation, OrganizationKind},
    organization,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};

use super::write::{Tx, Writer, check_version};
use crate::error::{Error, Result};

/// The first year figures may be recorded for.
const FIRST_YEAR: i32 = 1949;

/// One year's figures; `None` leaves a figure unknown (or, on a recorded year, as it is).
#[derive(Debug, Clone, Copy, Default)]
pub struct YearFigures {
    pub employees: Option<i32>,
    pub annual_revenue: Option<i64>,
    pub output_value: Option<i64>,
    pub rnd_spend: Option<i64>,
    pub tax_paid: Option<i64>,
}

impl YearFigures {
    fn check(&self) -> Result<()> {
        let negative = [
            ("employees", self.employees.map(i64::from)),
            ("annualRevenue", self.annual_revenue),
            ("outputValue", self.output_value),
            ("rndSpend", self.rnd_spend),
            ("taxPaid", self.tax_paid),
        ]
        .into_iter()
        .find(|(_, v)| v.is_some_and(|v| v < 0));
        match negative {
            Some((field, _)) => Err(Error::bad_input(format!("`{field}` must not be negative"))),
            None => Ok(()),
        }
    }

    fn apply_to(&self, row: &mut enterprise_figure::ActiveModel) {
        if let Some(v) = self.employees {
            row.employees = Set(Some(v));
        }
        if let Some(v) = self.annual_revenue {
            row.annual_revenue = Set(Some(v));
        }
        if let Some(v) = self.output_value {
            row.output_value = Set(Some(v));
        }
        if let Some(v) = self.rnd_spend {
            row.rnd_spend = Set(Some(v));
        }
        if let Some(v) = self.tax_paid {
            row.tax_paid = Set(Some(v));
        }
    }

    /// The profile's figures (the profile has no output value).
    fn apply_to_profile(&self, row: &mut enterprise_profile::ActiveModel) {
        if let Some(v) = self.employees {
            row.employees = Set(v);
        }
        if let Some(v) = self.annual_revenue {
            row.annual_revenue = Set(v);
        }
        if let Some(v) = self.rnd_spend {
            row.rnd_spend = Set(v);
        }
        if let Some(v) = self.tax_paid {
            row.tax_paid = Set(v);
        }
    }

    fn is_empty(&self) -> bool {
        self.employees.is_none()
            && self.annual_revenue.is_none()
            && self.output_value.is_none()
            && self.rnd_spend.is_none()
            && self.tax_paid.is_none()
    }
}

/// Whether a designation holds in `year` (this year when `None`): granted by then, and not
/// ended before it.
pub fn holds_in(designation: &enterprise_designation::Model, year: Option<i32>) -> bool {
    let year = year.unwrap_or_else(|| chrono::Utc::now().year());
    designation.granted_year <= year && designation.valid_until_year.is_none_or(|u| u >= year)
}

/// A designation to record.
#[derive(Debug, Clone, Copy)]
pub struct NewDesignation {
    pub organization: i64,
    pub kind: Designation,
    pub granted_year: i32,
    pub valid_until_year: Option<i32>,
    pub department: Option<DepartmentCode>,
}

/// An enterprise the viewer may record facts of: OFFICE, or the unit's municipality.
async fn enterprise_to_manage(tx: &mut Tx<'_>, id: i64) -> Result<organization::Model> {
    let unit = tx.find::<organization::Entity>(id, "organization").await?;
    tx.authorize(
        tx.viewer.may_manage_territory(unit.municipality_id),
        "enterprise_figure",
        Some(id),
        "only the office, or the municipality where the enterprise is located, may record its figures",
    )?;
    live_enterprise(&unit)?;
    Ok(unit)
}

fn live_enterprise(unit: &organization::Model) -> Result<()> {
    if unit.kind != OrganizationKind::Enterprise {
        return Err(Error::bad_input(
            "figures and designations are recorded for enterprises only",
        ));
    }
    if unit.archived_at.is_some() {
        return Err(Error::bad_input(format!(
            "{} is archived: restore it first",
            unit.name_zh
        )));
    }
    Ok(())
}

/// A year between 1949 and this one, not before the enterprise was founded.
fn check_year(year: i32, founded: Option<i32>, this_year: i32, field: &str) -> Result<()> {
    if !(FIRST_YEAR..=this_year).contains(&year) {
        return Err(Error::bad_input(format!(
            "`{field}` must lie between {FIRST_YEAR} and {this_year}"
        )));
    }
    if let Some(founded) = founded.filter(|f| year < *f) {
        return Err(Error::bad_input(format!(
            "`{field}` {year} is before the enterprise was founded ({founded})"
        )));
    }
    Ok(())
}

impl Writer<'_> {
    /// Records an enterprise's figures for a year: a new year, or (with the version read) a
    /// change to a recorded one. The latest recorded year is the profile's too.
    pub async fn record_enterprise_figures(
        self,
        organization: i64,
        year: i32,
        figures: YearFigures,
        expected_version: Option<i32>,
    ) -> Result<enterprise_figure::Model> {
        let mut tx = self.begin("recordEnterpriseFigures").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            enterprise_to_manage(tx, organization).await?;
            figures.check()?;
            let profile = enterprise_profile::Entity::find_by_id(organization)
                .one(&tx.db)
                .await?
                .ok_or_else(|| Error::bad_input("the enterprise has no profile"))?;
            check_year(
                year,
                Some(profile.founded_year),
                tx.today().year(),
                "year",
            )?;
            let recorded = enterprise_figure::Entity::find()
                .filter(enterprise_figure::Column::OrganizationId.eq(organization))
                .order_by_desc(enterprise_figure::Column::Year)
                .all(&tx.db)
                .await?;
            let latest = recorded.first().map(|r| r.year);
            let after = match recorded.iter().find(|r| r.year == year) {
                Some(before) => {
                    let Some(expected) = expected_version else {
                        return Err(Error::Conflict(format!(
                            "figures for {year} are recorded (version {}): send `expectedVersion` to change them",
                            before.version
                        )));
                    };
                    check_version(before.version, expected, "year's figures")?;
                    let mut row = before.clone().into_active_model();
                    figures.apply_to(&mut row);
                    tx.save("enterprise_figure", organization, None, before, row)
                        .await?
                }
                None => {
                    if expected_version.is_some() {
                        return Err(Error::not_found(format!(
                            "no figures are recorded for {year}: leave out `expectedVersion` to record them"
                        )));
                    }
                    if figures.is_empty() {
                        return Err(Error::bad_input("give at least one figure"));
                    }
                    let mut row = enterprise_figure::ActiveModel {
                        organization_id: Set(organization),
                        year: Set(year),
                        version: Set(1),
                        created_at: Set(tx.now),
                        updated_at: Set(tx.now),
                        ..Default::default()
                    };
                    figures.apply_to(&mut row);
                    let row = row.insert(&tx.db).await?;
                    tx.record("enterprise_figure", organization, None, None, Some(&row))
                        .await?;
                    row
                }
            };
            if latest.is_none_or(|latest| year >= latest) {
                let mut changed = profile.clone().into_active_model();
                figures.apply_to_profile(&mut changed);
                if changed.is_changed() {
                    tx.save("enterprise_profile", organization, None, &profile, changed)
                        .await?;
                }
            }
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }

    /// Records a designation granted to an enterprise.
    pub async fn designate_enterprise(
        self,
        new: NewDesignation,
    ) -> Result<enterprise_designation::Model> {
        let mut tx = self.begin("designateEnterprise").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let unit = tx
                .find::<organization::Entity>(new.organization, "organization")
                .await?;
            let department = match new.department {
                Some(code) => Some(
                    department::Entity::find()
                        .filter(department::Column::Code.eq(code))
                        .one(&tx.db)
                        .await?
                        .ok_or_else(|| Error::not_found("no such department"))?
                        .id,
                ),
                None => None,
            };
            tx.authorize(
                tx.viewer
                    .may_record_designation(unit.municipality_id, department),
                "enterprise_designation",
                None,
                "only the office, the enterprise's municipality or the granting department may record a designation",
            )?;
            live_enterprise(&unit)?;
            let this_year = tx.today().year();
            check_year(new.granted_year, None, this_year, "grantedYear")?;
            if let Some(until) = new.valid_until_year
                && until < new.granted_year
            {
                return Err(Error::bad_input(
                    "`validUntilYear` must not be before `grantedYear`",
                ));
            }
            // One designation of a kind at a time, so a unit counts once under it.
            let held = enterprise_designation::Entity::find()
                .filter(enterprise_designation::Column::OrganizationId.eq(unit.id))
                .filter(enterprise_designation::Column::Kind.eq(new.kind))
                .all(&tx.db)
                .await?;
            let end = |until: Option<i32>| until.unwrap_or(i32::MAX);
            if let Some(other) = held.iter().find(|d| {
                d.granted_year <= end(new.valid_until_year)
                    && new.granted_year <= end(d.valid_until_year)
            }) {
                return Err(Error::Conflict(format!(
                    "{} holds this designation from {}{}: end it (`validUntilYear`) or remove it first",
                    unit.name_zh,
                    other.granted_year,
                    other
                        .valid_until_year
                        .map_or_else(String::new, |u| format!(" to {u}"))
                )));
            }
            let row = enterprise_designation::ActiveModel {
                organization_id: Set(unit.id),
                kind: Set(new.kind),
                granted_year: Set(new.granted_year),
                valid_until_year: Set(new.valid_until_year),
                department_id: Set(department),
                version: Set(1),
                created_at: Set(tx.now),
                updated_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            tx.record("enterprise_designation", unit.id, None, None, Some(&row))
                .await?;
            Ok(row)
        }
        .await;
        tx.finish(outcome).await
    }

    /// Removes a designation recorded in error (one that ended is given a `validUntilYear`).
    pub async fn remove_designation(
        self,
        id: i64,
        expected_version: i32,
    ) -> Result<enterprise_designation::Model> {
        let mut tx = self.begin("removeDesignation").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx
                .find::<enterprise_designation::Entity>(id, "designation")
                .await?;
            let unit = tx
                .find::<organization::Entity>(before.organization_id, "organization")
                .await?;
            tx.authorize(
                tx.viewer
                    .may_record_designation(unit.municipality_id, before.department_id),
                "enterprise_designation",
                Some(id),
                "only the office, the enterprise's municipality or the granting department may remove a designation",
            )?;
            check_version(before.version, expected_version, "designation")?;
            enterprise_designation::Entity::delete_by_id(id)
                .exec(&tx.db)
                .await?;
            tx.record(
                "enterprise_designation",
                unit.id,
                None,
                Some(&before),
                None,
            )
            .await?;
            Ok(before)
        }
        .await;
        tx.finish(outcome).await
    }
}

impl Tx<'_> {
    /// After the profile's figures changed: the latest recorded year changes with them.
    pub(crate) async fn follow_profile_figures(
        &mut self,
        profile: &enterprise_profile::Model,
    ) -> Result<()> {
        let Some(latest) = enterprise_figure::Entity::find()
            .filter(enterprise_figure::Column::OrganizationId.eq(profile.organization_id))
            .order_by_desc(enterprise_figure::Column::Year)
            .one(&self.db)
            .await?
        else {
            return Ok(());
        };
        let mut row = latest.clone().into_active_model();
        YearFigures {
            employees: Some(profile.employees),
            annual_revenue: Some(profile.annual_revenue),
            output_value: None,
            rnd_spend: Some(profile.rnd_spend),
            tax_paid: Some(profile.tax_paid),
        }
        .apply_to(&mut row);
        if row.is_changed() {
            self.save(
                "enterprise_figure",
                profile.organization_id,
                None,
                &latest,
                row,
            )
            .await?;
        }
        Ok(())
    }
}
