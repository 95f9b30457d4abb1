//! Statistics for dashboards, computed in SQL with GROUP BY and made safe to publish: below
//! OFFICE every cell passes through disclosure control ([`super::disclosure`]): small and
//! dominated cells suppressed, with secondary suppression, and noise on confidential figures.

use std::{
    any::Any,
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use entity::{organization, unit_fact};
use sea_orm::{
    ConnectionTrait, DbBackend, QueryResult,
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement},
};

use super::{
    access::Viewer,
    changes::ChangeBus,
    disclosure::{self, Cell, Confidential, Magnitude, Protection, Rules},
    filter::{Field, Filter},
    listing::{OrganizationField, condition_reading, filter_names},
};
use crate::{
    database::Store,
    error::{Error, Result},
};

/// The statistics service's state: the disclosure rules its answers follow, and the answers
/// given since the last committed change. A cached answer's key is the request's shape and
/// the viewer's class; it is good while no change has been committed since it was computed,
/// which the change bus tells without a query ([`ChangeBus::generation`]: this replica's writes
/// at once, the other replicas' as their notices arrive). Where reads go to a streaming replica,
/// which may lag behind the notices, the replica's own audit trail is asked instead. An answer
/// is kept [`CACHE_FOR`] at most, which bounds what writes from outside the server (a CLI
/// import on SQLite) leave unseen.
#[derive(Debug)]
pub struct Statistics {
    pub rules: Rules,
    bus: ChangeBus,
    entries: std::sync::Mutex<HashMap<String, Kept>>,
}

/// A kept answer: where the data stood when it was computed, when, and the answer (groups, or
/// another statistic's rows: see [`cached`]).
type Kept = (i64, Instant, Arc<dyn Any + Send + Sync>);

/// Most entries kept; beyond, the cache starts afresh.
const CACHE_ENTRIES: usize = 1000;

/// How long an answer is kept at most.
pub const CACHE_FOR: Duration = Duration::from_secs(60);

impl Statistics {
    pub fn new(rules: Rules, bus: ChangeBus) -> Self {
        Self {
            rules,
            bus,
            entries: Default::default(),
        }
    }

    fn get<T: Clone + 'static>(&self, key: &str, mark: i64) -> Option<T> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(at, kept, _)| *at == mark && kept.elapsed() < CACHE_FOR)
            .and_then(|(_, _, answer)| answer.downcast_ref::<T>().cloned())
    }

    fn put<T: Clone + Send + Sync + 'static>(&self, key: String, mark: i64, answer: &T) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CACHE_ENTRIES {
                entries.clear();
            }
            entries.insert(key, (mark, Instant::now(), Arc::new(answer.clone())));
        }
    }

    /// Where the data stands now: the bus's generation, or the replica's audit trail.
    async fn mark(&self, db: &Store) -> Result<i64> {
        if self.bus.reads_from_replica() {
            watermark(db).await
        } else {
            Ok(i64::try_from(self.bus.generation()).unwrap_or(i64::MAX))
        }
    }
}

/// The audit trail's highest id: it moves with every committed change.
async fn watermark(db: &Store) -> Result<i64> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS mark FROM audit_event",
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "mark"))
        .transpose()
        .map_err(Error::internal)?
        .unwrap_or(0))
}

/// Who sees what of a statistic: exactly the two permissions that change its answer.
fn viewer_class(viewer: &Viewer) -> String {
    format!(
        "exact:{},tax-incentives:{}",
        viewer.sees_exact_statistics(),
        viewer.sees_tax_incentive_amounts()
    )
}

/// Answers from the cache, or computes and keeps the answer. Noise is a fixed function of the
/// data, so a kept answer is the answer. `class` is what of the answer depends on the viewer
/// (for grouped statistics, [`viewer_class`]); `shape` is the question.
pub(crate) async fn cached<T, F>(
    db: &Store,
    statistics: &Statistics,
    class: &str,
    shape: String,
    compute: F,
) -> Result<T>
where
    T: Clone + Send + Sync + 'static,
    F: std::future::Future<Output = Result<T>>,
{
    let key = format!("{class}|{shape}");
    let mark = statistics.mark(db).await?;
    if let Some(answer) = statistics.get::<T>(&key, mark) {
        return Ok(answer);
    }
    let answer = compute.await?;
    statistics.put(key, mark, &answer);
    Ok(answer)
}

/// What enterprise statistics may be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnterpriseDimension {
    Municipality,
    Park,
    Sector,
    Segment,
    Scale,
    Kind,
    FoundedYear,
    /// The year of the figures (enterprises with figures recorded for it).
    Year,
    /// A designation held (in the year of the figures, or now); a unit counts under each one it
    /// holds, and under none when it holds none.
    Designation,
}

/// Years of figures, first and last included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct YearRange {
    pub from: i32,
    pub to: i32,
}

/// What support statistics may be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SupportDimension {
    Department,
    /// The city or base granting its own measure.
    GrantingMunicipality,
    Kind,
    Year,
    Alliance,
    /// The beneficiary unit's city.
    Municipality,
}

/// Which aggregates of a figure a selection asks for: only those are computed (a viewer below
/// OFFICE gets every figure computed whatever it asks: [`enterprise_stats`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    pub sum: bool,
    pub avg: bool,
    pub min: bool,
    pub max: bool,
}

impl Parts {
    pub const ALL: Self = Self {
        sum: true,
        avg: true,
        min: true,
        max: true,
    };
    pub const SUM: Self = Self {
        sum: true,
        avg: false,
        min: false,
        max: false,
    };
}

/// A figure asked for (by its API name) and the aggregates asked of it.
pub type Asked = (&'static str, Parts);

/// count, sum, average, min and max of one figure.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Aggregate {
    pub sum: Option<f64>,
    pub avg: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// A group key: one value per dimension asked for, in the order asked (`None` = no value).
pub type Key = Vec<Option<String>>;

/// One group of a statistics table.
#[derive(Debug, Clone)]
pub struct Group {
    pub key: Key,
    /// Units in the group (organizations; support measures).
    pub count: i64,
    /// Enterprises (or distinct beneficiaries) the figures are computed over.
    pub subjects: i64,
    pub figures: Vec<(&'static str, Aggregate)>,
    pub protection: Protection,
}

impl Group {
    pub fn suppressed(&self) -> bool {
        self.protection.is_suppressed()
    }
}

/// One figure of a statistic: its name in the API, and the SQL of its aggregates over a cell.
/// A confidential figure also gives what disclosure control needs: its largest contributor,
/// the sum of squares and the sum with noise.
struct FigureSql {
    name: &'static str,
    /// The aggregates computed (with disclosure control's, when it applies).
    parts: Parts,
    confidential: Option<Confidential>,
    sum: String,
    /// Values added up (the average's divisor).
    count: String,
    /// Contributors with a value, where they are not `count` (for support, beneficiaries).
    contributors: Option<String>,
    min: String,
    max: String,
    /// The largest contributor's figure, where it is not `max` (contributors of several rows).
    largest: Option<String>,
    squares: String,
    noisy: String,
}

fn double(expression: &str) -> String {
    format!("CAST({expression} AS DOUBLE PRECISION)")
}

impl FigureSql {
    /// Whether disclosure control applies to this figure, for a viewer who is `protected`.
    fn controlled(&self, protected: bool) -> bool {
        protected && self.confidential.is_some()
    }

    /// The plain aggregates the statement computes: those asked, and those an average or
    /// disclosure control needs (a sum and its count of values; the maximum, the largest
    /// contributor where no other is named). `avg` here means the count of values is computed.
    /// [`Self::select_into`] selects these and [`groups_of`] reads these.
    fn computed(&self, protected: bool) -> Parts {
        let (asked, controlled) = (self.parts, self.controlled(protected));
        Parts {
            sum: asked.sum || asked.avg || controlled,
            avg: asked.avg || controlled,
            min: asked.min,
            max: asked.max || controlled,
        }
    }

    /// A figure of which every row is one contributor's value.
    fn per_row(
        name: &'static str,
        column: &str,
        confidential: Option<Confidential>,
        rules: &Rules,
        parts: Parts,
    ) -> Self {
        let noisy = confidential.map_or_else(String::new, |figure| {
            double(&format!(
                "SUM({})",
                disclosure::noisy(rules, figure, column)
            ))
        });
        Self {
            name,
            parts,
            confidential,
            sum: double(&format!("SUM({column})")),
            count: format!("COUNT({column})"),
            contributors: None,
            min: double(&format!("MIN({column})")),
            max: double(&format!("MAX({column})")),
            largest: None,
            squares: double(&format!("SUM({} * {})", double(column), double(column))),
            noisy,
        }
    }

    /// Adds the figure's aggregates to a grouped statement; those of disclosure control only
    /// when it applies.
    fn select_into(&self, select: &mut SelectStatement, protected: bool) {
        let name = self.name;
        let computed = self.computed(protected);
        let mut parts = Vec::new();
        if computed.sum {
            parts.push(("sum", &self.sum));
        }
        if computed.avg {
            parts.push(("n", &self.count));
        }
        if computed.min {
            parts.push(("min", &self.min));
        }
        if computed.max {
            parts.push(("max", &self.max));
        }
        if self.controlled(protected) {
            parts.extend(self.largest.iter().map(|sql| ("largest", sql)));
            parts.extend(self.contributors.iter().map(|sql| ("contributors", sql)));
            parts.extend([("squares", &self.squares), ("noisy", &self.noisy)]);
        }
        for (suffix, sql) in parts {
            select.expr_as(
                Expr::cust(sql.clone()),
                Alias::new(format!("{name}_{suffix}")),
            );
        }
    }
}

fn key_of(row: &QueryResult, dimensions: usize) -> Result<Key> {
    (0..dimensions)
        .map(|i| {
            let name = format!("d{i}");
            if let Ok(v) = row.try_get::<Option<i64>>("", &name) {
                return Ok(v.map(|v| v.to_string()));
            }
            if let Ok(v) = row.try_get::<Option<i32>>("", &name) {
                return Ok(v.map(|v| v.to_string()));
            }
            row.try_get::<Option<String>>("", &name)
                .map_err(Error::internal)
        })
        .collect()
}

/// A statistic's filter, checked against the viewer's rules, as a condition on the unit facts
/// the statement scans.
struct UnitCondition {
    condition: sea_orm::Condition,
    /// The filter compares a field only the unit's own row holds (a name, the USCC): the
    /// statement joins `organization` for it.
    reads_unit_row: bool,
}

/// A field the facts hold is read there; any other from the unit's row.
fn statistics_condition(
    viewer: &Viewer,
    filter: Option<&Filter<OrganizationField>>,
) -> Result<UnitCondition> {
    disclosure::check_filter(viewer, &filter_names(filter))?;
    let reads_unit_row = std::cell::Cell::new(false);
    let condition = condition_reading(
        filter,
        viewer.organization_filter_withheld(),
        &|field: &OrganizationField, op| {
            field.condition_on_facts(op).unwrap_or_else(|| {
                reads_unit_row.set(true);
                field.condition(op)
            })
        },
    )?;
    Ok(UnitCondition {
        condition,
        reads_unit_row: reads_unit_row.get(),
    })
}

/// Enterprise statistics grouped by `dimensions` (organizations of every kind are counted;
/// figures come from enterprises). One statement.
pub async fn enterprise_stats(
    db: &Store,
    statistics: &Statistics,
    viewer: &Viewer,
    dimensions: &[EnterpriseDimension],
    filter: Option<&Filter<OrganizationField>>,
    years: Option<YearRange>,
    asked: &[Asked],
) -> Result<Vec<Group>> {
    viewer.require_signed_in("statistics")?;
    let condition = statistics_condition(viewer, filter)?;
    let source = FigureSource::of(dimensions, years)?;
    // Below OFFICE every aggregate of every figure is computed, so that a cell's protection never
    // depends on what else was asked.
    let figures: Vec<Asked> = if viewer.sees_exact_statistics() {
        asked.to_vec()
    } else {
        ENTERPRISE_FIGURES
            .iter()
            .map(|figure| (figure.name, Parts::ALL))
            .collect()
    };
    cached(
        db,
        statistics,
        &viewer_class(viewer),
        format!("enterprise|{dimensions:?}|{filter:?}|{source:?}|{figures:?}"),
        compute_enterprise_stats(
            db,
            &statistics.rules,
            viewer,
            dimensions,
            condition,
            source,
            &figures,
        ),
    )
    .await
}

/// Where enterprise figures are read from: the profiles (each enterprise's latest year), or the
/// figures of the years asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FigureSource {
    Profiles,
    Years(Option<YearRange>),
}

impl FigureSource {
    /// A range of several years needs the YEAR dimension: a sum over years means nothing for
    /// employees, and little for the rest.
    fn of(dimensions: &[EnterpriseDimension], years: Option<YearRange>) -> Result<Self> {
        let by_year = dimensions.contains(&EnterpriseDimension::Year);
        if let Some(range) = years {
            if range.from > range.to {
                return Err(Error::bad_input(
                    "`years.from` must not be after `years.to`",
                ));
            }
            if range.to - range.from > 100 {
                return Err(Error::bad_input("`years` spans at most 100 years"));
            }
            if range.from != range.to && !by_year {
                return Err(Error::bad_input(
                    "`years` spans several years: group by YEAR too, or ask for one year",
                ));
            }
        }
        Ok(if by_year || years.is_some() {
            Self::Years(years)
        } else {
            Self::Profiles
        })
    }
}

/// One figure of enterprise statistics: its name, its column in the profile and the unit facts
/// (`None`: recorded by year only) and in the yearly figures, and whether it is confidential.
struct EnterpriseFigure {
    name: &'static str,
    profile: Option<&'static str>,
    yearly: &'static str,
    confidential: Option<Confidential>,
}

/// The figures of enterprise statistics.
const ENTERPRISE_FIGURES: [EnterpriseFigure; 5] = [
    EnterpriseFigure {
        name: "employees",
        profile: Some("employees"),
        yearly: "enterprise_figure.employees",
        confidential: None,
    },
    EnterpriseFigure {
        name: "annualRevenue",
        profile: Some("annual_revenue"),
        yearly: "enterprise_figure.annual_revenue",
        confidential: Some(Confidential::AnnualRevenue),
    },
    EnterpriseFigure {
        name: "outputValue",
        profile: None,
        yearly: "enterprise_figure.output_value",
        confidential: Some(Confidential::OutputValue),
    },
    EnterpriseFigure {
        name: "rndSpend",
        profile: Some("rnd_spend"),
        yearly: "enterprise_figure.rnd_spend",
        confidential: Some(Confidential::RndSpend),
    },
    EnterpriseFigure {
        name: "taxPaid",
        profile: Some("tax_paid"),
        yearly: "enterprise_figure.tax_paid",
        confidential: Some(Confidential::TaxPaid),
    },
];

/// The column of an enterprise figure: in the profiles, or in the yearly figures (`None`: no
/// such figure, or one recorded by year only).
pub(crate) fn figure_column(name: &str, yearly: bool) -> Option<String> {
    let figure = ENTERPRISE_FIGURES.iter().find(|f| f.name == name)?;
    if yearly {
        Some(figure.yearly.to_owned())
    } else {
        figure
            .profile
            .map(|column| format!("enterprise_profile.{column}"))
    }
}

/// `figures` are the figures to compute: for a viewer who sees exact statistics, those the
/// request asked for; below OFFICE all of them, since a cell's protection weighs every
/// confidential figure, so that what a cell shows never depends on what else was asked.
async fn compute_enterprise_stats(
    db: &Store,
    rules: &Rules,
    viewer: &Viewer,
    dimensions: &[EnterpriseDimension],
    condition: UnitCondition,
    source: FigureSource,
    figures: &[Asked],
) -> Result<Vec<Group>> {
    if dimensions.len() > 4 {
        return Err(Error::bad_input("group by at most four dimensions"));
    }
    let protected = !viewer.sees_exact_statistics();
    let backend = db.get_database_backend();
    // One row per live unit: kind, place, primary segment, profile (docs/loading.md).
    let mut select = Query::select();
    select.from(unit_fact::Entity);
    if condition.reads_unit_row {
        select.inner_join(
            organization::Entity,
            Expr::col((organization::Entity, organization::Column::Id))
                .equals((unit_fact::Entity, unit_fact::Column::OrganizationId)),
        );
    }
    if protected {
        select.left_join(
            Alias::new("perturbation"),
            Expr::cust(disclosure::perturbation_row("unit_fact.record_key")),
        );
    }
    // The year a designation must be held in: the figures' year, or this one.
    let held_in = match source {
        FigureSource::Years(range) => {
            let within = range.map_or_else(String::new, |r| {
                format!(
                    " AND enterprise_figure.year BETWEEN {} AND {}",
                    r.from, r.to
                )
            });
            select.inner_join(
                Alias::new("enterprise_figure"),
                Expr::cust(format!(
                    "enterprise_figure.organization_id = unit_fact.organization_id{within}"
                )),
            );
            "enterprise_figure.year".to_owned()
        }
        FigureSource::Profiles => {
            chrono::Datelike::year(&chrono::Utc::now().date_naive()).to_string()
        }
    };
    if dimensions.contains(&EnterpriseDimension::Designation) {
        select.left_join(
            Alias::new("enterprise_designation"),
            Expr::cust(format!(
                "enterprise_designation.organization_id = unit_fact.organization_id \
                 AND enterprise_designation.granted_year <= {held_in} \
                 AND (enterprise_designation.valid_until_year IS NULL \
                 OR enterprise_designation.valid_until_year >= {held_in})"
            )),
        );
    }
    for (i, dimension) in dimensions.iter().enumerate() {
        // A unit counts once: under its primary segment (and that segment's sector).
        let column = match dimension {
            EnterpriseDimension::Municipality => "unit_fact.municipality_id",
            EnterpriseDimension::Park => "unit_fact.park_id",
            EnterpriseDimension::Sector => "unit_fact.sector_id",
            EnterpriseDimension::Segment => "unit_fact.segment_id",
            EnterpriseDimension::Scale => "unit_fact.scale",
            EnterpriseDimension::Kind => "unit_fact.kind",
            EnterpriseDimension::FoundedYear => "unit_fact.founded_year",
            EnterpriseDimension::Year => "enterprise_figure.year",
            EnterpriseDimension::Designation => "enterprise_designation.kind",
        };
        select.expr_as(Expr::cust(column.to_owned()), Alias::new(format!("d{i}")));
        select.add_group_by([Expr::cust(column.to_owned())]);
    }
    select.expr_as(Expr::cust("COUNT(*)"), Alias::new("units"));
    select.expr_as(
        Expr::cust(match source {
            FigureSource::Profiles => "COUNT(CASE WHEN unit_fact.has_profile THEN 1 END)",
            FigureSource::Years(_) => "COUNT(enterprise_figure.id)",
        }),
        Alias::new("subjects"),
    );
    let typed_null = match backend {
        DbBackend::Postgres => "CAST(NULL AS BIGINT)",
        _ => "NULL",
    };
    let figures: Vec<FigureSql> = ENTERPRISE_FIGURES
        .iter()
        .filter_map(|figure| {
            let (_, parts) = figures.iter().find(|(name, _)| *name == figure.name)?;
            let column = match (source, figure.profile) {
                (FigureSource::Profiles, Some(column)) => format!("unit_fact.{column}"),
                (FigureSource::Profiles, None) => typed_null.to_owned(),
                (FigureSource::Years(_), _) => figure.yearly.to_owned(),
            };
            Some(FigureSql::per_row(
                figure.name,
                &column,
                figure.confidential,
                rules,
                *parts,
            ))
        })
        .collect();
    for figure in &figures {
        figure.select_into(&mut select, protected);
    }
    select.cond_where(condition.condition);
    let rows = db.query_all_raw(backend.build(&select)).await?;
    groups_of(&rows, dimensions.len(), &figures, rules, viewer)
}

/// The groups of a grouped statement's rows (keys `d0…`, counts `units` and `subjects`, the
/// aggregates of each figure), in key order, protected for the viewer.
fn groups_of(
    rows: &[QueryResult],
    dimensions: usize,
    figures: &[FigureSql],
    rules: &Rules,
    viewer: &Viewer,
) -> Result<Vec<Group>> {
    let protected = !viewer.sees_exact_statistics();
    let get = |row: &QueryResult, name: &str, suffix: &str| {
        row.try_get::<Option<f64>>("", &format!("{name}_{suffix}"))
            .map_err(Error::internal)
    };
    let mut cells = rows
        .iter()
        .map(|row| {
            let mut exact = Vec::with_capacity(figures.len());
            let mut noisy = Vec::new();
            for figure in figures {
                let asked = figure.parts;
                let computed = figure.computed(protected);
                let disclosed = figure.controlled(protected);
                let part = |wanted: bool, suffix: &str| {
                    if wanted {
                        get(row, figure.name, suffix)
                    } else {
                        Ok(None)
                    }
                };
                let sum = part(computed.sum, "sum")?;
                let n: i64 = if computed.avg {
                    row.try_get("", &format!("{}_n", figure.name))
                        .map_err(Error::internal)?
                } else {
                    0
                };
                exact.push((
                    figure.name,
                    Aggregate {
                        sum: sum.filter(|_| asked.sum),
                        avg: sum.filter(|_| asked.avg && n > 0).map(|s| s / n as f64),
                        min: part(computed.min, "min")?,
                        max: part(computed.max, "max")?.filter(|_| asked.max),
                    },
                ));
                if disclosed {
                    noisy.push((
                        figure.name,
                        n,
                        Magnitude {
                            contributors: match figure.contributors {
                                Some(_) => row
                                    .try_get("", &format!("{}_contributors", figure.name))
                                    .map_err(Error::internal)?,
                                None => n,
                            },
                            sum: sum.unwrap_or(0.0),
                            largest: get(
                                row,
                                figure.name,
                                if figure.largest.is_some() {
                                    "largest"
                                } else {
                                    "max"
                                },
                            )?
                            .unwrap_or(0.0),
                            squares: get(row, figure.name, "squares")?.unwrap_or(0.0),
                            noisy: get(row, figure.name, "noisy")?.unwrap_or(0.0),
                        },
                    ));
                }
            }
            let group = Group {
                key: key_of(row, dimensions)?,
                count: row.try_get("", "units").map_err(Error::internal)?,
                subjects: row.try_get("", "subjects").map_err(Error::internal)?,
                figures: exact,
                protection: Protection::None,
            };
            Ok((group, noisy))
        })
        .collect::<Result<Vec<_>>>()?;
    cells.sort_by(|a, b| a.0.key.cmp(&b.0.key));
    let protection = disclosure::protect(
        &cells
            .iter()
            .map(|(group, noisy)| Cell {
                key: &group.key,
                contributors: group.subjects,
                magnitudes: noisy.iter().map(|(_, _, m)| *m).collect(),
            })
            .collect::<Vec<_>>(),
        rules,
        viewer,
    );
    Ok(cells
        .into_iter()
        .zip(protection)
        .map(|((mut group, noisy), protection)| {
            group.protection = protection;
            for (name, aggregate) in &mut group.figures {
                if protection.is_suppressed() {
                    *aggregate = Aggregate::default();
                } else if let Some((_, values, m)) = noisy.iter().find(|(n, _, _)| n == name) {
                    // A minimum or maximum is one unit's figure: not published below OFFICE.
                    *aggregate = Aggregate {
                        sum: (*values > 0).then_some(m.noisy),
                        avg: (*values > 0).then(|| m.noisy / *values as f64),
                        min: None,
                        max: None,
                    };
                }
            }
            group
        })
        .collect())
}

/// Support statistics grouped by `dimensions`: count and amount aggregates of measures not
/// revoked. Amounts of TAX_INCENTIVE measures enter the figures only for OFFICE and TAX. The
/// contributors of a cell are its beneficiaries (a unit, else an alliance): their amounts are
/// added up first, so the rules protect what each received.
pub async fn support_stats(
    db: &Store,
    statistics: &Statistics,
    viewer: &Viewer,
    dimensions: &[SupportDimension],
) -> Result<Vec<Group>> {
    viewer.require_signed_in("statistics")?;
    cached(
        db,
        statistics,
        &viewer_class(viewer),
        format!("support|{dimensions:?}"),
        compute_support_stats(db, &statistics.rules, viewer, dimensions),
    )
    .await
}

async fn compute_support_stats(
    db: &Store,
    rules: &Rules,
    viewer: &Viewer,
    dimensions: &[SupportDimension],
) -> Result<Vec<Group>> {
    if dimensions.len() > 4 {
        return Err(Error::bad_input("group by at most four dimensions"));
    }
    let protected = !viewer.sees_exact_statistics();
    let backend = db.get_database_backend();
    let year = year_of(backend, "support_measure.granted_on");
    let year = year.as_str();
    // Per beneficiary and cell: its measures, its amount, and the amount with its noise.
    let mut per_beneficiary = Query::select();
    per_beneficiary
        .from(Alias::new("support_measure"))
        .left_join(
            Alias::new("organization"),
            Expr::cust("organization.id = support_measure.beneficiary_organization_id"),
        )
        .left_join(
            Alias::new("alliance"),
            Expr::cust("alliance.id = support_measure.beneficiary_alliance_id"),
        )
        .left_join(
            Alias::new("department"),
            Expr::cust("department.id = support_measure.department_id"),
        )
        .and_where(Expr::cust("support_measure.status <> 'REVOKED'"));
    let beneficiary = "COALESCE(CAST(support_measure.beneficiary_organization_id AS VARCHAR(20)), 'a' || CAST(support_measure.beneficiary_alliance_id AS VARCHAR(20)))";
    let mut outer_dimensions = Vec::new();
    for (i, dimension) in dimensions.iter().enumerate() {
        let column = match dimension {
            SupportDimension::Department => "department.code",
            SupportDimension::GrantingMunicipality => "support_measure.municipality_id",
            SupportDimension::Kind => "support_measure.kind",
            SupportDimension::Year => year,
            SupportDimension::Alliance => "support_measure.beneficiary_alliance_id",
            SupportDimension::Municipality => "organization.municipality_id",
        };
        per_beneficiary.expr_as(Expr::cust(column.to_owned()), Alias::new(format!("d{i}")));
        per_beneficiary.add_group_by([Expr::cust(column.to_owned())]);
        outer_dimensions.push(format!("b.d{i}"));
    }
    per_beneficiary.add_group_by([Expr::cust(beneficiary)]);
    let amount = if viewer.sees_tax_incentive_amounts() {
        "support_measure.amount"
    } else {
        "CASE WHEN support_measure.kind = 'TAX_INCENTIVE' THEN NULL ELSE support_measure.amount END"
    };
    per_beneficiary
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("measures"))
        .expr_as(Expr::cust(format!("SUM({amount})")), Alias::new("amount"))
        .expr_as(
            Expr::cust(format!("COUNT({amount})")),
            Alias::new("amount_n"),
        )
        .expr_as(
            Expr::cust(format!("MIN({amount})")),
            Alias::new("amount_min"),
        )
        .expr_as(
            Expr::cust(format!("MAX({amount})")),
            Alias::new("amount_max"),
        );
    if protected {
        per_beneficiary
            .left_join(
                Alias::new("perturbation"),
                Expr::cust(disclosure::perturbation_row(
                    "COALESCE(organization.record_key, alliance.record_key)",
                )),
            )
            .expr_as(
                Expr::cust(format!(
                    "SUM({})",
                    disclosure::noisy(rules, Confidential::SupportAmount, amount)
                )),
                Alias::new("amount_noisy"),
            );
    }
    let figure = FigureSql {
        name: "amount",
        parts: Parts::ALL,
        confidential: Some(Confidential::SupportAmount),
        sum: double("SUM(b.amount)"),
        count: "CAST(SUM(b.amount_n) AS BIGINT)".into(),
        // A beneficiary with an amount counts once among the cell's contributors.
        contributors: Some("COUNT(b.amount)".into()),
        min: double("MIN(b.amount_min)"),
        max: double("MAX(b.amount_max)"),
        largest: Some(double("MAX(b.amount)")),
        squares: double(&format!(
            "SUM({} * {})",
            double("b.amount"),
            double("b.amount")
        )),
        noisy: double("SUM(b.amount_noisy)"),
    };
    let mut select = Query::select();
    select.from_subquery(per_beneficiary, Alias::new("b"));
    for (i, column) in outer_dimensions.iter().enumerate() {
        select.expr_as(Expr::cust(column.clone()), Alias::new(format!("d{i}")));
        select.add_group_by([Expr::cust(column.clone())]);
    }
    select
        .expr_as(
            Expr::cust("CAST(SUM(b.measures) AS BIGINT)"),
            Alias::new("units"),
        )
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("subjects"));
    figure.select_into(&mut select, protected);
    let rows = db.query_all_raw(backend.build(&select)).await?;
    groups_of(&rows, dimensions.len(), &[figure], rules, viewer)
}

/// Members of one alliance, by kind and city (active memberships).
#[derive(Debug, Clone, Default)]
pub struct AllianceMembers {
    pub alliance: i64,
    pub active: i64,
    pub by_kind: Vec<(String, i64)>,
    pub by_municipality: Vec<(Option<i64>, i64)>,
}

/// Memberships per year: joined, left, and active at the year's end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembersInYear {
    pub year: i32,
    pub joined: i64,
    pub left: i64,
    pub active: i64,
}

/// Counts of the rows of `from` grouped by `columns` (text expressions), in key order, each
/// group with the row it was read from, for figures the caller selected in `extra` (an SQL
/// select list that starts with a comma, or nothing). Records of the alliances' life (results,
/// projects) are counted this way: structure, not units' figures, so unprotected.
pub(crate) async fn counted_groups(
    db: &Store,
    columns: &[String],
    extra: &str,
    from: &str,
) -> Result<Vec<(Group, QueryResult)>> {
    let select: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} AS d{i}"))
        .collect();
    let sql = format!(
        "SELECT {}, COUNT(*) AS n{extra} FROM {from} GROUP BY {} ORDER BY {}",
        select.join(", "),
        columns.join(", "),
        columns.join(", ")
    );
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await?;
    rows.into_iter()
        .map(|row| {
            let key = (0..columns.len())
                .map(|i| row.try_get::<Option<String>>("", &format!("d{i}")))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(Error::internal)?;
            let count: i64 = row.try_get("", "n").map_err(Error::internal)?;
            let group = Group {
                key,
                count,
                subjects: count,
                figures: Vec::new(),
                protection: Protection::None,
            };
            Ok((group, row))
        })
        .collect()
}

/// The calendar year of a date column, as an integer (NULL stays NULL).
pub(crate) fn year_of(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"),
        _ => format!("CAST(strftime('%Y', {column}) AS INTEGER)"),
    }
}

/// Members by alliance, kind and city, and over time (structure, not figures: no suppression),
/// from two grouped statements: active members by (alliance, kind, city), and memberships by
/// (year joined, year left).
pub async fn alliance_stats(
    db: &Store,
    viewer: &Viewer,
) -> Result<(Vec<AllianceMembers>, Vec<MembersInYear>)> {
    use sea_orm::{EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
    viewer.require_signed_in("statistics")?;
    let backend = db.get_database_backend();
    let alliances: Vec<i64> = entity::alliance::Entity::find()
        .select_only()
        .column(entity::alliance::Column::Id)
        .filter(viewer.alliance_scope())
        .order_by_asc(entity::alliance::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let visible = || {
        Expr::col((Alias::new("membership"), Alias::new("alliance_id"))).in_subquery(
            entity::alliance::Entity::find()
                .select_only()
                .column(entity::alliance::Column::Id)
                .filter(viewer.alliance_scope())
                .into_query(),
        )
    };

    let mut members = Query::select();
    members
        .from(Alias::new("membership"))
        .inner_join(
            Alias::new("organization"),
            Expr::cust("organization.id = membership.organization_id"),
        )
        .expr_as(Expr::cust("membership.alliance_id"), Alias::new("alliance"))
        .expr_as(Expr::cust("organization.kind"), Alias::new("kind"))
        .expr_as(
            Expr::cust("organization.municipality_id"),
            Alias::new("municipality"),
        )
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .and_where(Expr::cust("membership.status = 'ACTIVE'"))
        .and_where(visible())
        .add_group_by([
            Expr::cust("membership.alliance_id"),
            Expr::cust("organization.kind"),
            Expr::cust("organization.municipality_id"),
        ]);
    let mut cells: Vec<(i64, String, Option<i64>, i64)> = Vec::new();
    for row in db.query_all_raw(backend.build(&members)).await? {
        cells.push((
            row.try_get("", "alliance").map_err(Error::internal)?,
            row.try_get("", "kind").map_err(Error::internal)?,
            row.try_get("", "municipality").map_err(Error::internal)?,
            row.try_get("", "n").map_err(Error::internal)?,
        ));
    }
    let per_alliance = alliances
        .iter()
        .map(|&alliance| {
            let mut kinds: HashMap<String, i64> = HashMap::new();
            let mut cities: HashMap<Option<i64>, i64> = HashMap::new();
            for (_, kind, city, n) in cells.iter().filter(|c| c.0 == alliance) {
                *kinds.entry(kind.clone()).or_default() += n;
                *cities.entry(*city).or_default() += n;
            }
            let mut by_kind: Vec<(String, i64)> = kinds.into_iter().collect();
            by_kind.sort();
            let mut by_municipality: Vec<(Option<i64>, i64)> = cities.into_iter().collect();
            by_municipality.sort();
            AllianceMembers {
                alliance,
                active: by_kind.iter().map(|(_, n)| n).sum(),
                by_kind,
                by_municipality,
            }
        })
        .collect();

    let (joined, left) = (
        year_of(backend, "membership.joined_on"),
        year_of(backend, "membership.left_on"),
    );
    let mut spans = Query::select();
    spans
        .from(Alias::new("membership"))
        .expr_as(Expr::cust(joined.clone()), Alias::new("joined"))
        .expr_as(Expr::cust(left.clone()), Alias::new("left_in"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .and_where(Expr::cust(
            "(membership.joined_on IS NOT NULL OR membership.left_on IS NOT NULL)",
        ))
        .and_where(visible())
        .add_group_by([Expr::cust(joined), Expr::cust(left)]);
    // (year joined, year left, memberships)
    let mut years: Vec<(Option<i32>, Option<i32>, i64)> = Vec::new();
    for row in db.query_all_raw(backend.build(&spans)).await? {
        years.push((
            row.try_get("", "joined").map_err(Error::internal)?,
            row.try_get("", "left_in").map_err(Error::internal)?,
            row.try_get("", "n").map_err(Error::internal)?,
        ));
    }
    let seen = years.iter().flat_map(|(j, l, _)| [*j, *l]).flatten();
    let over_time = match (seen.clone().min(), seen.max()) {
        (Some(first), Some(last)) => (first..=last)
            .map(|year| {
                let count = |keep: &dyn Fn(Option<i32>, Option<i32>) -> bool| -> i64 {
                    years
                        .iter()
                        .filter(|(j, l, _)| keep(*j, *l))
                        .map(|(_, _, n)| n)
                        .sum()
                };
                MembersInYear {
                    year,
                    joined: count(&|j, _| j == Some(year)),
                    left: count(&|_, l| l == Some(year)),
                    active: count(&|j, l| {
                        j.is_some_and(|j| j <= year) && l.is_none_or(|l| l > year)
                    }),
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok((per_alliance, over_time))
}
