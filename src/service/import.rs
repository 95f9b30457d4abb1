//! Imports: a table of text cells (from a CSV or XLSX file, `crate::import`) applied row by row
//! through the mutations' own bodies (`Tx::create_organization`, `Tx::update_organization`,
//! `Tx::apply_for_membership`, `Tx::create_supply_link`, `Tx::create_support_measure`), so every
//! permission, rule, audit event and change notice is the mutation's. All rows run in one
//! transaction of the write path, each in a savepoint of its own so that one bad row is reported
//! without hiding the next; the transaction commits only when asked to and every row is valid,
//! and is otherwise rolled back: a dry run, or a file with a problem, leaves no trace.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{
    alliance, chain_segment, department, enterprise_profile,
    enums::{
        DepartmentCode, EnterpriseScale, MembershipStatus, MunicipalityCode, OrganizationKind,
        SupportKind, SupportStatus,
    },
    industrial_park, municipality, organization, organization_segment, supply_link,
    support_measure,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::{
    directory::{NewOrganization, OrganizationChanges, ProfileInput},
    export::{Column, Dataset},
    support::{Grantor, NewSupport},
    write::{Tx, Writer},
};
use crate::{
    domain::{
        id::{self, Kind},
        labels::Labelled,
        text::fold_full_width,
        uscc::Uscc,
    },
    error::{Error, Result},
};

/// The most rows one import takes.
pub const MAX_ROWS: usize = 50_000;

/// A file's cells as text: the header row and the data rows.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One thing wrong with the file: where (the spreadsheet's row number, the header row being 1,
/// and the column's header as written), what (`extensions.code`, and the rule id of a rule
/// violation) and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub row: usize,
    pub column: Option<String>,
    pub code: &'static str,
    pub rule: Option<&'static str>,
    pub message: String,
}

/// What an import did, or would do.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub dataset: &'static str,
    pub rows: usize,
    /// Whether the rows were written (asked to apply, and every row valid).
    pub applied: bool,
    pub created: usize,
    pub updated: usize,
    /// Rows that match the database already (an export imported back): nothing is written.
    pub unchanged: usize,
    pub problems: Vec<Problem>,
}

impl Report {
    /// The problems of one spreadsheet row, as one cell's text.
    pub fn problems_of(&self, row: usize) -> String {
        self.problems
            .iter()
            .filter(|p| p.row == row)
            .map(|p| match &p.column {
                Some(column) => format!("[{column}] {}", p.message),
                None => p.message.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The operation name an import's audit events carry.
fn operation(dataset: Dataset) -> Result<&'static str> {
    Ok(match dataset {
        Dataset::Organizations => "importOrganizations",
        Dataset::Memberships => "importMemberships",
        Dataset::SupplyLinks => "importSupplyLinks",
        Dataset::SupportMeasures => "importSupportMeasures",
        other => {
            return Err(Error::bad_input(format!(
                "`{}` cannot be imported: organizations, memberships, supply-links and support-measures can",
                other.name()
            )));
        }
    })
}

impl Writer<'_> {
    /// Checks every row of `table` as `dataset`, and writes them all when `apply` is set and
    /// none has a problem.
    pub async fn import(self, dataset: Dataset, table: &Table, apply: bool) -> Result<Report> {
        let operation = operation(dataset)?;
        if table.rows.len() > MAX_ROWS {
            return Err(Error::bad_input(format!(
                "{} rows: one import takes at most {MAX_ROWS}; split the file",
                table.rows.len()
            )));
        }
        let mut report = Report {
            dataset: dataset.name(),
            rows: table.rows.len(),
            applied: false,
            created: 0,
            updated: 0,
            unchanged: 0,
            problems: Vec::new(),
        };
        let layout = Layout::read(dataset, &table.headers, &mut report.problems);
        if !report.problems.is_empty() {
            return Ok(report);
        }
        let mut tx = self.begin(operation).await?;
        let outcome = run_rows(&mut tx, dataset, &layout, table, &mut report).await;
        match outcome {
            Ok(()) if apply && report.problems.is_empty() => {
                report.applied = true;
                tx.finish(Ok(report)).await
            }
            Ok(()) => {
                tx.discard().await?;
                Ok(report)
            }
            Err(err) => {
                tx.discard().await?;
                Err(err)
            }
        }
    }
}

/// Which column of the file holds which key.
#[derive(Debug)]
struct Layout {
    index: HashMap<&'static str, usize>,
    headers: Vec<String>,
}

/// A code or number as typed, full-width characters folded and trimmed.
fn fold_width(text: &str) -> String {
    text.chars()
        .map(fold_full_width)
        .collect::<String>()
        .trim()
        .to_owned()
}

impl Layout {
    fn read(dataset: Dataset, headers: &[String], problems: &mut Vec<Problem>) -> Self {
        let columns: &[Column] = dataset.columns();
        let mut index = HashMap::new();
        for (i, header) in headers.iter().enumerate() {
            let name = fold_width(header.trim_start_matches('\u{FEFF}'));
            if name.is_empty() {
                continue;
            }
            let found = columns
                .iter()
                .find(|c| c.key.eq_ignore_ascii_case(&name) || c.zh == name);
            match found {
                Some(column) if index.insert(column.key, i).is_some() => problems.push(Problem {
                    row: 1,
                    column: Some(header.clone()),
                    code: "BAD_USER_INPUT",
                    rule: None,
                    message: format!("the column `{}` appears twice", column.key),
                }),
                Some(_) => {}
                None if name == "errors" || name == "问题" => {}
                None => problems.push(Problem {
                    row: 1,
                    column: Some(header.clone()),
                    code: "BAD_USER_INPUT",
                    rule: None,
                    message: format!(
                        "unknown column `{name}`; {} has {}",
                        dataset.name(),
                        columns.iter().map(|c| c.key).collect::<Vec<_>>().join(", ")
                    ),
                }),
            }
        }
        for required in required_columns(dataset) {
            if !index.contains_key(required) {
                problems.push(Problem {
                    row: 1,
                    column: Some((*required).to_owned()),
                    code: "BAD_USER_INPUT",
                    rule: None,
                    message: format!("the column `{required}` is missing"),
                });
            }
        }
        Self {
            index,
            headers: headers.to_vec(),
        }
    }
}

fn required_columns(dataset: Dataset) -> &'static [&'static str] {
    match dataset {
        Dataset::Organizations => &["kind", "name_zh"],
        Dataset::Memberships => &["alliance", "organization_uscc"],
        Dataset::SupplyLinks => &["supplier_uscc", "customer_uscc", "product", "since_year"],
        Dataset::SupportMeasures => &["kind", "title", "amount", "granted_on"],
        _ => &[],
    }
}

/// The cells of one row, read by key, with each bad cell noted as a problem.
struct Cells<'a> {
    layout: &'a Layout,
    cells: &'a [String],
    row: usize,
    problems: Vec<Problem>,
}

impl<'a> Cells<'a> {
    /// A cell's text, trimmed; `None` when the column is absent or the cell empty.
    fn text(&self, key: &str) -> Option<&'a str> {
        let i = *self.layout.index.get(key)?;
        let value = self.cells.get(i)?.trim();
        (!value.is_empty()).then_some(value)
    }

    fn problem(&mut self, key: &str, message: String) {
        let column = self
            .layout
            .index
            .get(key)
            .and_then(|i| self.layout.headers.get(*i).cloned())
            .unwrap_or_else(|| key.to_owned());
        self.problems.push(Problem {
            row: self.row,
            column: Some(column),
            code: "BAD_USER_INPUT",
            rule: None,
            message,
        });
    }

    /// A cell read by `parse`; a cell it refuses becomes a problem and `None`.
    fn read<T>(&mut self, key: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let text = self.text(key)?;
        match parse(text) {
            Ok(value) => Some(value),
            Err(message) => {
                self.problem(key, message);
                None
            }
        }
    }

    fn required<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        if self.text(key).is_none() {
            self.problem(key, format!("`{key}` is required"));
            return None;
        }
        self.read(key, parse)
    }
}

/// A code of the API (`LARGE`) or its label in Chinese or English (`大型`, `Large`).
fn code_of<E: Labelled>(text: &str) -> Result<E, String> {
    let folded = fold_width(text);
    E::iter()
        .find(|value| {
            let label = value.label();
            value.code().eq_ignore_ascii_case(&folded)
                || label.zh == folded
                || label.en.eq_ignore_ascii_case(&folded)
        })
        .ok_or_else(|| {
            let codes: Vec<String> = E::iter().map(|v| v.code()).collect();
            format!("`{text}` is not one of {}", codes.join(", "))
        })
}

fn integer(text: &str) -> Result<i64, String> {
    let folded: String = fold_width(text).chars().filter(|c| *c != ',').collect();
    folded
        .parse::<i64>()
        .map_err(|_| format!("`{text}` is not a whole number"))
}

fn small_integer(text: &str) -> Result<i32, String> {
    i32::try_from(integer(text)?).map_err(|_| format!("`{text}` is out of range"))
}

fn boolean(text: &str) -> Result<bool, String> {
    match fold_width(text).to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" => Ok(true),
        "false" | "no" | "n" | "0" | "否" => Ok(false),
        _ => Err(format!("`{text}` is not true/false (是/否)")),
    }
}

fn date(text: &str) -> Result<NaiveDate, String> {
    let folded = fold_width(text);
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(&folded, format).ok())
        .ok_or_else(|| format!("`{text}` is not a date (2024-03-18)"))
}

fn uscc(text: &str) -> Result<Uscc, String> {
    Uscc::parse(&fold_width(text)).map_err(|e| e.to_string())
}

/// Codes of the reference rows a file may name, and the units already known by USCC.
#[derive(Debug, Default)]
struct Known {
    departments: HashMap<DepartmentCode, i64>,
    municipalities: HashMap<MunicipalityCode, i64>,
    parks: HashMap<String, i64>,
    segments: HashMap<String, i64>,
    alliances: HashMap<String, i64>,
}

impl Known {
    async fn load(tx: &Tx<'_>) -> Result<Self> {
        let mut known = Self::default();
        for m in municipality::Entity::find().all(&tx.db).await? {
            known.municipalities.insert(m.code, m.id);
        }
        for d in department::Entity::find().all(&tx.db).await? {
            known.departments.insert(d.code, d.id);
        }
        for park in industrial_park::Entity::find().all(&tx.db).await? {
            known.parks.insert(park.code.to_ascii_uppercase(), park.id);
            known.parks.insert(park.name_zh, park.id);
        }
        for segment in chain_segment::Entity::find().all(&tx.db).await? {
            known
                .segments
                .insert(segment.code.to_ascii_uppercase(), segment.id);
            known.segments.insert(segment.name_zh, segment.id);
        }
        for a in alliance::Entity::find().all(&tx.db).await? {
            known.alliances.insert(a.code.to_ascii_uppercase(), a.id);
            known.alliances.insert(a.name_zh, a.id);
        }
        Ok(known)
    }

    fn lookup(table: &HashMap<String, i64>, text: &str, what: &str) -> Result<i64, String> {
        let folded = fold_width(text);
        table
            .get(&folded.to_ascii_uppercase())
            .or_else(|| table.get(&folded))
            .copied()
            .ok_or_else(|| format!("no {what} `{text}`"))
    }

    fn segments(&self, text: &str) -> Result<Vec<i64>, String> {
        fold_width(text)
            .split([';', ',', '、', '；', '，'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Self::lookup(&self.segments, s, "chain segment"))
            .collect()
    }
}

/// The live unit with this USCC, if any (found through the index of live USCCs).
async fn unit_by_uscc(tx: &Tx<'_>, uscc: &Uscc) -> Result<Option<organization::Model>> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Uscc.eq(uscc.as_str()))
        .filter(organization::Column::ArchivedAt.is_null())
        .one(&tx.db)
        .await?)
}

async fn run_rows(
    tx: &mut Tx<'_>,
    dataset: Dataset,
    layout: &Layout,
    table: &Table,
    report: &mut Report,
) -> Result<()> {
    let known = Known::load(tx).await?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, cells) in table.rows.iter().enumerate() {
        let row = i + 2;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut cells = Cells {
            layout,
            cells,
            row,
            problems: Vec::new(),
        };
        let step = match dataset {
            Dataset::Organizations => organization_row(tx, &known, &mut cells).await?,
            Dataset::Memberships => membership_row(tx, &known, &mut cells).await?,
            Dataset::SupplyLinks => supply_link_row(tx, &known, &mut cells).await?,
            Dataset::SupportMeasures => support_row(tx, &known, &mut cells).await?,
            _ => None,
        };
        report.problems.append(&mut cells.problems);
        let Some(step) = step else { continue };
        let first_seen = seen.get(&step.key).copied();
        seen.entry(step.key.clone()).or_insert(row);
        if let Some(first) = first_seen {
            report.problems.push(Problem {
                row,
                column: None,
                code: "CONFLICT",
                rule: None,
                message: format!("the same as row {first} ({})", step.key),
            });
            continue;
        }
        if matches!(step.action, Action::Unchanged) {
            report.unchanged += 1;
            continue;
        }
        let mark = tx.begin_step().await?;
        match run_step(tx, &known, step.action).await {
            Ok(created) => {
                tx.keep_step().await?;
                if created {
                    report.created += 1;
                } else {
                    report.updated += 1;
                }
            }
            Err(err @ (Error::Internal(_) | Error::Unavailable(_) | Error::Timeout(_))) => {
                return Err(err);
            }
            Err(err) => {
                tx.undo_step(mark).await?;
                report.problems.push(Problem {
                    row,
                    column: None,
                    code: err.code().as_str(),
                    rule: match &err {
                        Error::Rule { rule, .. } => Some(*rule),
                        _ => None,
                    },
                    message: err.to_string(),
                });
            }
        }
    }
    Ok(())
}

/// A valid row's write, and the key that makes two rows of the file the same.
struct Step {
    key: String,
    action: Action,
}

enum Action {
    Unchanged,
    CreateOrganization(Box<NewOrganization>),
    UpdateOrganization(i64, Box<OrganizationChanges>),
    Apply {
        alliance: i64,
        unit: i64,
        on: Option<NaiveDate>,
    },
    CreateSupplyLink {
        supplier: i64,
        customer: i64,
        segment: Option<i64>,
        product: String,
        since_year: i32,
        annual_value: Option<i64>,
    },
    CreateSupport(Box<NewSupport>),
}

/// Runs a row's write; answers whether it created (rather than changed) a record.
async fn run_step(tx: &mut Tx<'_>, known: &Known, action: Action) -> Result<bool> {
    match action {
        Action::Unchanged => Ok(false),
        Action::CreateOrganization(new) => tx.create_organization(*new).await.map(|_| true),
        Action::UpdateOrganization(id, changes) => {
            tx.update_organization(id, *changes).await.map(|_| false)
        }
        Action::Apply { alliance, unit, on } => tx
            .apply_for_membership(alliance, unit, on)
            .await
            .map(|_| true),
        Action::CreateSupplyLink {
            supplier,
            customer,
            segment,
            product,
            since_year,
            annual_value,
        } => {
            let exists = supply_link::Entity::find()
                .filter(supply_link::Column::SupplierId.eq(supplier))
                .filter(supply_link::Column::CustomerId.eq(customer))
                .filter(supply_link::Column::Product.eq(product.as_str()))
                .filter(supply_link::Column::ArchivedAt.is_null())
                .one(&tx.db)
                .await?;
            if exists.is_some() {
                return Err(Error::Conflict(
                    "this supply link is already recorded".into(),
                ));
            }
            tx.create_supply_link(
                supplier,
                customer,
                segment,
                &product,
                since_year,
                annual_value,
            )
            .await
            .map(|_| true)
        }
        Action::CreateSupport(new) => {
            use support_measure::Column as C;
            let grantor = match new.grantor {
                Grantor::Department(code) => {
                    C::DepartmentId.eq(known.departments.get(&code).copied())
                }
                Grantor::Municipality(code) => {
                    C::MunicipalityId.eq(known.municipalities.get(&code).copied())
                }
            };
            let exists = support_measure::Entity::find()
                .filter(grantor)
                .filter(C::Title.eq(new.title.as_str()))
                .filter(C::GrantedOn.eq(new.granted_on))
                .filter(match new.beneficiary_organization {
                    Some(id) => C::BeneficiaryOrganizationId.eq(id),
                    None => C::BeneficiaryOrganizationId.is_null(),
                })
                .filter(match new.beneficiary_alliance {
                    Some(id) => C::BeneficiaryAllianceId.eq(id),
                    None => C::BeneficiaryAllianceId.is_null(),
                })
                .filter(C::Status.ne(SupportStatus::Revoked))
                .one(&tx.db)
                .await?;
            if exists.is_some() {
                return Err(Error::Conflict(
                    "this support measure is already recorded".into(),
                ));
            }
            tx.create_support_measure(*new).await.map(|_| true)
        }
    }
}

/// A unit named by its USCC column.
async fn unit_of(tx: &Tx<'_>, cells: &mut Cells<'_>, key: &str) -> Result<Option<i64>> {
    let Some(code) = cells.required(key, uscc) else {
        return Ok(None);
    };
    match unit_by_uscc(tx, &code).await? {
        Some(unit) => Ok(Some(unit.id)),
        None => {
            cells.problem(key, format!("no unit with the USCC {code}"));
            Ok(None)
        }
    }
}

async fn organization_row(
    tx: &Tx<'_>,
    known: &Known,
    cells: &mut Cells<'_>,
) -> Result<Option<Step>> {
    let unit_id = cells.read("id", |t| {
        id::decode_as(&fold_width(t), Kind::Organization).map_err(|e| e.to_string())
    });
    let uscc = cells.read("uscc", uscc);
    let kind = cells.required("kind", code_of::<OrganizationKind>);
    let name_zh = cells.required("name_zh", |t| Ok(t.to_owned()));
    let municipality = cells.read("municipality", code_of);
    let park = cells.read("park", |t| Known::lookup(&known.parks, t, "park"));
    let segments = cells.read("segments", |t| known.segments(t));
    let region_code = cells.read("region_code", |t| Ok(fold_width(t)));
    let profile = ProfileInput {
        scale: cells.read("scale", code_of::<EnterpriseScale>),
        is_backbone: cells.read("is_backbone", boolean),
        is_leading: cells.read("is_leading", boolean),
        employees: cells.read("employees", small_integer),
        annual_revenue: cells.read("annual_revenue", integer),
        rnd_spend: cells.read("rnd_spend", integer),
        tax_paid: cells.read("tax_paid", integer),
        founded_year: cells.read("founded_year", small_integer),
        industry_class: cells.read("industry_class", |t| Ok(fold_width(t))),
    };
    let name_en = cells.text("name_en").map(str::to_owned);
    let address = cells.text("address").map(str::to_owned);
    let website = cells.text("website").map(str::to_owned);
    if !cells.problems.is_empty() {
        return Ok(None);
    }
    let (Some(kind), Some(name_zh)) = (kind, name_zh) else {
        return Ok(None);
    };
    // A row is the unit its `id` names (an exported file), else the unit with its USCC, else new.
    let existing = match (&unit_id, &uscc) {
        (Some(id), _) => match organization::Entity::find_by_id(*id).one(&tx.db).await? {
            Some(unit) => Some(unit),
            None => {
                cells.problem("id", "no unit with this id".into());
                return Ok(None);
            }
        },
        (None, Some(code)) => unit_by_uscc(tx, code).await?,
        (None, None) => None,
    };
    let key = match (&unit_id, &uscc) {
        (Some(id), _) => format!("unit {id}"),
        (None, Some(code)) => code.to_string(),
        (None, None) => format!("{kind:?} {name_zh}"),
    };
    let has_profile = kind == OrganizationKind::Enterprise;
    let action = match existing {
        Some(unit) => {
            if unit.kind != kind {
                cells.problem(
                    "kind",
                    format!("the unit with this USCC is a {}", unit.kind.code()),
                );
                return Ok(None);
            }
            let profile = if has_profile {
                changed_profile(tx, unit.id, profile).await?
            } else {
                None
            };
            let segments = match segments {
                Some(segments) if segments != segments_of(tx, unit.id).await? => Some(segments),
                _ => None,
            };
            let differs =
                |new: Option<String>, old: Option<&str>| new.filter(|n| Some(n.as_str()) != old);
            let changes = OrganizationChanges {
                expected_version: unit.version,
                uscc: uscc
                    .map(|u| u.to_string())
                    .filter(|u| Some(u.as_str()) != unit.uscc.as_deref()),
                name_zh: differs(Some(name_zh), Some(&unit.name_zh)),
                name_en: differs(name_en, unit.name_en.as_deref()),
                municipality: municipality
                    .filter(|code| known.municipalities.get(code).copied() != unit.municipality_id),
                park: park.filter(|p| Some(*p) != unit.park_id),
                region_code: differs(region_code, Some(&unit.region_code)),
                address: differs(address, unit.address.as_deref()),
                website: differs(website, unit.website.as_deref()),
                profile,
                segments,
                location: None,
            };
            if is_unchanged(&changes) {
                Action::Unchanged
            } else {
                Action::UpdateOrganization(unit.id, Box::new(changes))
            }
        }
        None => Action::CreateOrganization(Box::new(NewOrganization {
            kind,
            uscc: uscc.map(|u| u.to_string()),
            name_zh,
            name_en,
            municipality,
            park,
            region_code,
            address,
            website,
            profile: has_profile.then_some(profile),
            segments: segments.unwrap_or_default(),
            location: None,
        })),
    };
    Ok(Some(Step { key, action }))
}

fn is_unchanged(c: &OrganizationChanges) -> bool {
    c.uscc.is_none()
        && c.name_zh.is_none()
        && c.name_en.is_none()
        && c.municipality.is_none()
        && c.park.is_none()
        && c.region_code.is_none()
        && c.address.is_none()
        && c.website.is_none()
        && c.profile.is_none()
        && c.segments.is_none()
}

/// The profile fields a row gives that differ from the unit's profile (`None`: none differ).
async fn changed_profile(tx: &Tx<'_>, unit: i64, p: ProfileInput) -> Result<Option<ProfileInput>> {
    let Some(current) = enterprise_profile::Entity::find_by_id(unit)
        .one(&tx.db)
        .await?
    else {
        return Ok(Some(p));
    };
    fn differs<T: PartialEq>(new: Option<T>, old: T) -> Option<T> {
        new.filter(|n| *n != old)
    }
    let changed = ProfileInput {
        scale: differs(p.scale, current.scale),
        is_backbone: differs(p.is_backbone, current.is_backbone),
        is_leading: differs(p.is_leading, current.is_leading),
        employees: differs(p.employees, current.employees),
        annual_revenue: differs(p.annual_revenue, current.annual_revenue),
        rnd_spend: differs(p.rnd_spend, current.rnd_spend),
        tax_paid: differs(p.tax_paid, current.tax_paid),
        founded_year: differs(p.founded_year, current.founded_year),
        industry_class: differs(p.industry_class, current.industry_class),
    };
    let any = changed.scale.is_some()
        || changed.is_backbone.is_some()
        || changed.is_leading.is_some()
        || changed.employees.is_some()
        || changed.annual_revenue.is_some()
        || changed.rnd_spend.is_some()
        || changed.tax_paid.is_some()
        || changed.founded_year.is_some()
        || changed.industry_class.is_some();
    Ok(any.then_some(changed))
}

/// A unit's chain segments, the primary one first.
async fn segments_of(tx: &Tx<'_>, unit: i64) -> Result<Vec<i64>> {
    Ok(organization_segment::Entity::find()
        .filter(organization_segment::Column::OrganizationId.eq(unit))
        .order_by_desc(organization_segment::Column::IsPrimary)
        .order_by_asc(organization_segment::Column::Id)
        .all(&tx.db)
        .await?
        .into_iter()
        .map(|s| s.segment_id)
        .collect())
}

async fn membership_row(tx: &Tx<'_>, known: &Known, cells: &mut Cells<'_>) -> Result<Option<Step>> {
    let alliance = cells.required("alliance", |t| {
        Known::lookup(&known.alliances, t, "alliance")
    });
    let status = cells.read("status", code_of::<MembershipStatus>);
    if let Some(status) = status.filter(|s| *s != MembershipStatus::Applied) {
        cells.problem(
            "status",
            format!(
                "an import records applications (APPLIED); {} is the charter body's decision (decideMembership)",
                status.code()
            ),
        );
    }
    let on = cells.read("applied_on", date);
    let unit = unit_of(tx, cells, "organization_uscc").await?;
    if !cells.problems.is_empty() {
        return Ok(None);
    }
    let (Some(alliance), Some(unit)) = (alliance, unit) else {
        return Ok(None);
    };
    Ok(Some(Step {
        key: format!("{alliance}/{unit}"),
        action: Action::Apply { alliance, unit, on },
    }))
}

async fn supply_link_row(
    tx: &Tx<'_>,
    known: &Known,
    cells: &mut Cells<'_>,
) -> Result<Option<Step>> {
    let segment = cells.read("segment", |t| {
        Known::lookup(&known.segments, t, "chain segment")
    });
    let product = cells.required("product", |t| Ok(t.to_owned()));
    let since_year = cells.required("since_year", small_integer);
    let annual_value = cells.read("annual_value", integer);
    let supplier = unit_of(tx, cells, "supplier_uscc").await?;
    let customer = unit_of(tx, cells, "customer_uscc").await?;
    if !cells.problems.is_empty() {
        return Ok(None);
    }
    let (Some(product), Some(since_year), Some(supplier), Some(customer)) =
        (product, since_year, supplier, customer)
    else {
        return Ok(None);
    };
    Ok(Some(Step {
        key: format!("{supplier}→{customer} {product}"),
        action: Action::CreateSupplyLink {
            supplier,
            customer,
            segment,
            product,
            since_year,
            annual_value,
        },
    }))
}

async fn support_row(tx: &Tx<'_>, known: &Known, cells: &mut Cells<'_>) -> Result<Option<Step>> {
    let department = cells.read("department", code_of);
    let municipality = cells.read("municipality", code_of);
    let kind = cells.required("kind", code_of::<SupportKind>);
    let title = cells.required("title", |t| Ok(t.to_owned()));
    let amount = cells.required("amount", integer);
    let granted_on = cells.required("granted_on", date);
    let status = cells.read("status", code_of::<SupportStatus>);
    let alliance = cells.read("beneficiary_alliance", |t| {
        Known::lookup(&known.alliances, t, "alliance")
    });
    let unit = match cells.text("beneficiary_uscc") {
        Some(_) => unit_of(tx, cells, "beneficiary_uscc").await?,
        None => None,
    };
    let grantor = match (department, municipality) {
        (Some(code), None) => Some(Grantor::Department(code)),
        (None, Some(code)) => Some(Grantor::Municipality(code)),
        _ => {
            cells.problem(
                "department",
                "name exactly one grantor: `department` or `municipality`".into(),
            );
            None
        }
    };
    if !cells.problems.is_empty() {
        return Ok(None);
    }
    let (Some(grantor), Some(kind), Some(title), Some(amount), Some(granted_on)) =
        (grantor, kind, title, amount, granted_on)
    else {
        return Ok(None);
    };
    Ok(Some(Step {
        key: format!("{grantor:?} {title} {unit:?} {alliance:?} {granted_on}"),
        action: Action::CreateSupport(Box::new(NewSupport {
            grantor,
            kind,
            title,
            beneficiary_organization: unit,
            beneficiary_alliance: alliance,
            amount,
            granted_on,
            status: status.unwrap_or(SupportStatus::Granted),
        })),
    }))
}

/// The file's rows with their problems: the columns as uploaded, then an `errors` column.
pub fn rows_with_problems(table: &Table, report: &Report) -> (Vec<String>, Vec<Vec<String>>) {
    let mut headers = table.headers.clone();
    headers.push("errors".into());
    let rows = table
        .rows
        .iter()
        .enumerate()
        .map(|(i, cells)| {
            let mut cells = cells.clone();
            cells.resize(table.headers.len(), String::new());
            cells.push(report.problems_of(i + 2));
            cells
        })
        .collect();
    (headers, rows)
}
