//! Exports: the lists department systems and clerks take away (organizations, memberships,
//! alliances, supply links, support measures, people, audit events), walked in batches of rows.
//! Each list is scoped by the same `listing` function as GraphQL's, and each value passes the
//! same `access` guard as on the GraphQL object: withheld fields are empty cells, masked ones
//! masked. The formats (CSV, XLSX, NDJSON) are the adapters' business (`crate::exchange`).

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use chrono::NaiveDate;
use entity::{
    alliance, chain_segment, department, enterprise_profile, industrial_park, municipality,
    organization, organization_segment, post,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    access::Viewer,
    listing::{self, Archived},
};
use crate::{
    database::Store,
    domain::{
        id::{self, Kind},
        labels::Labelled,
    },
    error::{Error, Result},
};

/// Rows read per database round trip.
pub const BATCH: u64 = 500;

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    Organizations,
    Memberships,
    Alliances,
    SupplyLinks,
    SupportMeasures,
    People,
    AuditEvents,
}

/// A column: its key (the English header) and its Chinese header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub zh: &'static str,
}

const fn col(key: &'static str, zh: &'static str) -> Column {
    Column { key, zh }
}

/// One value of a row. Withheld values are `Empty`, like absent ones.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    Bool(bool),
    Date(NaiveDate),
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Empty, Into::into)
    }
}
impl From<String> for Cell {
    fn from(value: String) -> Self {
        Cell::Text(value)
    }
}
impl From<&str> for Cell {
    fn from(value: &str) -> Self {
        Cell::Text(value.to_owned())
    }
}
impl From<i64> for Cell {
    fn from(value: i64) -> Self {
        Cell::Integer(value)
    }
}
impl From<i32> for Cell {
    fn from(value: i32) -> Self {
        Cell::Integer(value.into())
    }
}
impl From<bool> for Cell {
    fn from(value: bool) -> Self {
        Cell::Bool(value)
    }
}
impl From<NaiveDate> for Cell {
    fn from(value: NaiveDate) -> Self {
        Cell::Date(value)
    }
}

/// An enumeration value as its API code (`ENTERPRISE`, `LARGE`).
fn code<E: Labelled>(value: E) -> Cell {
    Cell::Text(value.code())
}

pub type Row = Vec<Cell>;

const ORGANIZATIONS: &[Column] = &[
    col("id", "编号"),
    col("uscc", "统一社会信用代码"),
    col("kind", "单位类型"),
    col("name_zh", "单位名称"),
    col("name_en", "英文名称"),
    col("municipality", "所在市"),
    col("park", "所在园区"),
    col("region_code", "行政区划代码"),
    col("region_name", "行政区划"),
    col("address", "地址"),
    col("website", "网址"),
    col("segments", "产业链环节"),
    col("scale", "企业规模"),
    col("is_backbone", "骨干企业"),
    col("is_leading", "龙头企业"),
    col("employees", "从业人员"),
    col("founded_year", "成立年份"),
    col("industry_class", "行业代码"),
    col("annual_revenue", "营业收入"),
    col("rnd_spend", "研发投入"),
    col("tax_paid", "纳税额"),
];

const MEMBERSHIPS: &[Column] = &[
    col("id", "编号"),
    col("alliance", "联盟"),
    col("organization_uscc", "成员单位统一社会信用代码"),
    col("organization_name", "成员单位名称"),
    col("status", "状态"),
    col("is_initiator", "发起单位"),
    col("applied_on", "申请日期"),
    col("joined_on", "加入日期"),
    col("left_on", "退出日期"),
    col("decision_reason", "决定理由"),
    col("posts", "职务"),
];

const ALLIANCES: &[Column] = &[
    col("id", "编号"),
    col("code", "联盟代码"),
    col("name_zh", "联盟名称"),
    col("name_en", "英文名称"),
    col("sector", "产业"),
    col("stage", "阶段"),
    col("formation_mode", "组建方式"),
    col("chair_unit", "理事长单位"),
    col("liability_unit", "对外承担责任单位"),
    col("secretariat_unit", "秘书处所在单位"),
    col("charter_version", "章程版本"),
    col("charter_adopted_on", "章程通过日期"),
    col("charter_signed_on", "章程签署日期"),
    col("founded_on", "成立日期"),
    col("dissolved_on", "解散日期"),
];

const SUPPLY_LINKS: &[Column] = &[
    col("id", "编号"),
    col("supplier_uscc", "供方统一社会信用代码"),
    col("supplier_name", "供方名称"),
    col("customer_uscc", "需方统一社会信用代码"),
    col("customer_name", "需方名称"),
    col("segment", "产业链环节"),
    col("product", "产品"),
    col("since_year", "起始年份"),
    col("annual_value", "年交易额"),
];

const SUPPORT_MEASURES: &[Column] = &[
    col("id", "编号"),
    col("department", "部门"),
    col("municipality", "市（基地）"),
    col("kind", "支持类型"),
    col("title", "名称"),
    col("beneficiary_uscc", "受益单位统一社会信用代码"),
    col("beneficiary_name", "受益单位名称"),
    col("beneficiary_alliance", "受益联盟"),
    col("amount", "金额"),
    col("granted_on", "日期"),
    col("status", "状态"),
];

const PEOPLE: &[Column] = &[
    col("id", "编号"),
    col("name_zh", "姓名"),
    col("name_en", "英文姓名"),
    col("organization_uscc", "所在单位统一社会信用代码"),
    col("organization_name", "所在单位"),
    col("title", "职务"),
    col("phone", "电话"),
    col("email", "电子邮箱"),
];

const AUDIT_EVENTS: &[Column] = &[
    col("id", "序号"),
    col("at", "时间"),
    col("actor", "操作者"),
    col("role", "角色"),
    col("unit", "部门或市"),
    col("operation", "操作"),
    col("entity", "数据表"),
    col("entity_id", "记录编号"),
    col("outcome", "结果"),
    col("before", "变更前"),
    col("after", "变更后"),
    col("message", "说明"),
];

impl Dataset {
    pub const ALL: [Dataset; 7] = [
        Self::Organizations,
        Self::Memberships,
        Self::Alliances,
        Self::SupplyLinks,
        Self::SupportMeasures,
        Self::People,
        Self::AuditEvents,
    ];

    /// Its name in URLs and on the command line (`supply-links`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Organizations => "organizations",
            Self::Memberships => "memberships",
            Self::Alliances => "alliances",
            Self::SupplyLinks => "supply-links",
            Self::SupportMeasures => "support-measures",
            Self::People => "people",
            Self::AuditEvents => "audit-events",
        }
    }

    pub fn parse(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|d| d.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|d| d.name()).collect();
                Error::not_found(format!(
                    "no dataset `{name}`; there are {}",
                    known.join(", ")
                ))
            })
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Self::Organizations => ORGANIZATIONS,
            Self::Memberships => MEMBERSHIPS,
            Self::Alliances => ALLIANCES,
            Self::SupplyLinks => SUPPLY_LINKS,
            Self::SupportMeasures => SUPPORT_MEASURES,
            Self::People => PEOPLE,
            Self::AuditEvents => AUDIT_EVENTS,
        }
    }
}

/// The codes of the small reference tables, loaded once per export (and per graph export).
#[derive(Debug, Default)]
pub(crate) struct Codes {
    pub municipalities: HashMap<i64, String>,
    pub departments: HashMap<i64, String>,
    pub parks: HashMap<i64, String>,
    pub segments: HashMap<i64, String>,
    pub sectors: HashMap<i64, String>,
    pub alliances: HashMap<i64, String>,
}

impl Codes {
    pub(crate) async fn load(db: &Store) -> Result<Self> {
        Ok(Self {
            municipalities: municipality::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.id, m.code.code()))
                .collect(),
            departments: department::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|d| (d.id, d.code.code()))
                .collect(),
            parks: industrial_park::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|p| (p.id, p.code))
                .collect(),
            segments: chain_segment::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|s| (s.id, s.code))
                .collect(),
            sectors: entity::sector::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|s| (s.id, s.code.code()))
                .collect(),
            alliances: alliance::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|a| (a.id, a.code))
                .collect(),
        })
    }

    fn of(table: &HashMap<i64, String>, id: Option<i64>) -> Cell {
        id.and_then(|id| table.get(&id).cloned()).into()
    }
}

/// An export under way: `next_batch` until it answers `None`.
#[derive(Debug)]
pub struct Export {
    db: Store,
    viewer: Arc<Viewer>,
    dataset: Dataset,
    codes: Codes,
    /// The last id written: batches walk the list in id order.
    after: Option<i64>,
    finished: bool,
}

impl Export {
    /// Checks that the viewer may read the list at all, and loads the reference codes.
    pub async fn start(db: Store, viewer: Arc<Viewer>, dataset: Dataset) -> Result<Self> {
        viewer.require_signed_in("exports")?;
        let codes = Codes::load(&db).await?;
        Ok(Self {
            db,
            viewer,
            dataset,
            codes,
            after: None,
            finished: false,
        })
    }

    pub fn dataset(&self) -> Dataset {
        self.dataset
    }

    /// The next rows, or `None` when the list is done.
    pub async fn next_batch(&mut self) -> Result<Option<Vec<Row>>> {
        if self.finished {
            return Ok(None);
        }
        let (rows, last) = match self.dataset {
            Dataset::Organizations => self.organizations().await?,
            Dataset::Memberships => self.memberships().await?,
            Dataset::Alliances => self.alliances().await?,
            Dataset::SupplyLinks => self.supply_links().await?,
            Dataset::SupportMeasures => self.support_measures().await?,
            Dataset::People => self.people().await?,
            Dataset::AuditEvents => self.audit_events().await?,
        };
        match last {
            Some(last) => {
                self.after = Some(last);
                Ok(Some(rows))
            }
            None => {
                self.finished = true;
                Ok(None)
            }
        }
    }

    async fn organizations(&self) -> Result<(Vec<Row>, Option<i64>)> {
        let listing = listing::organizations(&self.viewer, &[], None, &[], Archived::Excluded)?;
        let units = listing.batch_after(&self.db, self.after, BATCH).await?;
        let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
        let profiles: HashMap<i64, enterprise_profile::Model> = enterprise_profile::Entity::find()
            .filter(enterprise_profile::Column::OrganizationId.is_in(ids.clone()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|p| (p.organization_id, p))
            .collect();
        let mut segments: HashMap<i64, Vec<String>> = HashMap::new();
        for link in organization_segment::Entity::find()
            .filter(organization_segment::Column::OrganizationId.is_in(ids))
            .order_by_desc(organization_segment::Column::IsPrimary)
            .order_by_asc(organization_segment::Column::Id)
            .all(&self.db)
            .await?
        {
            if let Some(code) = self.codes.segments.get(&link.segment_id) {
                segments
                    .entry(link.organization_id)
                    .or_default()
                    .push(code.clone());
            }
        }
        let last = units.last().map(|u| u.id);
        let mut rows = Vec::with_capacity(units.len());
        for unit in units {
            let municipality = unit.municipality_id;
            let profile = profiles
                .get(&unit.id)
                .cloned()
                .map(|p| self.viewer.enterprise_profile(p, municipality));
            let unit = self.viewer.organization(unit);
            let u = &unit;
            let figure = |field: &'static str, read: fn(&enterprise_profile::Model) -> Cell| {
                profile
                    .as_ref()
                    .and_then(|p| p.show(field, read))
                    .unwrap_or(Cell::Empty)
            };
            rows.push(vec![
                Cell::Text(id::encode(Kind::Organization, u.value.id)),
                u.show("uscc", |m| m.uscc.clone().into())
                    .unwrap_or(Cell::Empty),
                code(u.value.kind),
                u.value.name_zh.clone().into(),
                u.value.name_en.clone().into(),
                u.show("municipality", |m| {
                    Codes::of(&self.codes.municipalities, m.municipality_id)
                })
                .unwrap_or(Cell::Empty),
                u.show("park", |m| Codes::of(&self.codes.parks, m.park_id))
                    .unwrap_or(Cell::Empty),
                u.show("regionCode", |m| m.region_code.clone().into())
                    .unwrap_or(Cell::Empty),
                u.show("regionName", |m| m.region_name.clone().into())
                    .unwrap_or(Cell::Empty),
                u.show("address", |m| m.address.clone().into())
                    .unwrap_or(Cell::Empty),
                u.show("website", |m| m.website.clone().into())
                    .unwrap_or(Cell::Empty),
                u.show("segments", |m| {
                    segments.get(&m.id).map(|codes| codes.join(";")).into()
                })
                .unwrap_or(Cell::Empty),
                figure("scale", |p| code(p.scale)),
                figure("isBackbone", |p| p.is_backbone.into()),
                figure("isLeading", |p| p.is_leading.into()),
                figure("employees", |p| p.employees.into()),
                figure("foundedYear", |p| p.founded_year.into()),
                figure("industryClass", |p| p.industry_class.clone().into()),
                figure("annualRevenue", |p| p.annual_revenue.into()),
                figure("rndSpend", |p| p.rnd_spend.into()),
                figure("taxPaid", |p| p.tax_paid.into()),
            ]);
        }
        Ok((rows, last))
    }

    /// USCC and name of the units a batch refers to.
    async fn units(
        &self,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<HashMap<i64, organization::Model>> {
        let ids: HashSet<i64> = ids.into_iter().collect();
        Ok(organization::Entity::find()
            .filter(organization::Column::Id.is_in(ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect())
    }

    async fn memberships(&self) -> Result<(Vec<Row>, Option<i64>)> {
        let listing = listing::memberships(&self.viewer, None, &[])?;
        let members = listing.batch_after(&self.db, self.after, BATCH).await?;
        let units = self
            .units(members.iter().map(|m| m.organization_id))
            .await?;
        let mut posts: HashMap<(i64, i64), Vec<String>> = HashMap::new();
        for post in post::Entity::find()
            .filter(post::Column::OrganizationId.is_in(units.keys().copied().collect::<Vec<_>>()))
            .order_by_asc(post::Column::TermStart)
            .order_by_asc(post::Column::Id)
            .all(&self.db)
            .await?
        {
            let Some(organization) = post.organization_id else {
                continue;
            };
            let until = post.ended_on.or(post.term_end);
            posts
                .entry((post.alliance_id, organization))
                .or_default()
                .push(format!(
                    "{}/{} {}–{}",
                    post.body.code(),
                    post.kind.code(),
                    post.term_start,
                    until.map(|d| d.to_string()).unwrap_or_default()
                ));
        }
        let last = members.last().map(|m| m.id);
        let rows = members
            .into_iter()
            .map(|m| {
                let m = self.viewer.membership(m);
                let unit = units.get(&m.value.organization_id);
                vec![
                    Cell::Text(id::encode(Kind::Membership, m.value.id)),
                    Codes::of(&self.codes.alliances, Some(m.value.alliance_id)),
                    unit.and_then(|u| u.uscc.clone()).into(),
                    unit.map(|u| u.name_zh.clone()).into(),
                    code(m.value.status),
                    m.value.is_initiator.into(),
                    m.show("appliedOn", |m| m.applied_on.into())
                        .unwrap_or(Cell::Empty),
                    m.value.joined_on.into(),
                    m.show("leftOn", |m| m.left_on.into())
                        .unwrap_or(Cell::Empty),
                    m.show("decisionReason", |m| m.decision_reason.clone().into())
                        .unwrap_or(Cell::Empty),
                    m.show("posts", |m| {
                        posts
                            .get(&(m.alliance_id, m.organization_id))
                            .map(|p| p.join("; "))
                            .into()
                    })
                    .unwrap_or(Cell::Empty),
                ]
            })
            .collect();
        Ok((rows, last))
    }

    async fn alliances(&self) -> Result<(Vec<Row>, Option<i64>)> {
        let listing = listing::alliances(&self.viewer, None, &[])?;
        let alliances = listing.batch_after(&self.db, self.after, BATCH).await?;
        let units = self
            .units(alliances.iter().flat_map(|a| {
                [a.chair_unit_id, a.liability_unit_id, a.secretariat_unit_id]
                    .into_iter()
                    .flatten()
            }))
            .await?;
        let name = |id: Option<i64>| -> Cell {
            id.and_then(|id| units.get(&id))
                .map(|u| u.name_zh.clone())
                .into()
        };
        let last = alliances.last().map(|a| a.id);
        let rows = alliances
            .into_iter()
            .map(|a| {
                let a = self.viewer.alliance(a);
                vec![
                    Cell::Text(id::encode(Kind::Alliance, a.value.id)),
                    a.value.code.clone().into(),
                    a.value.name_zh.clone().into(),
                    a.value.name_en.clone().into(),
                    Codes::of(&self.codes.sectors, Some(a.value.sector_id)),
                    code(a.value.stage),
                    a.show("formationMode", |m| m.formation_mode.map(code))
                        .flatten()
                        .unwrap_or(Cell::Empty),
                    a.show("chairUnit", |m| name(m.chair_unit_id))
                        .unwrap_or(Cell::Empty),
                    a.show("liabilityUnit", |m| name(m.liability_unit_id))
                        .unwrap_or(Cell::Empty),
                    a.show("secretariatUnit", |m| name(m.secretariat_unit_id))
                        .unwrap_or(Cell::Empty),
                    a.show("charterVersion", |m| m.charter_version.clone().into())
                        .unwrap_or(Cell::Empty),
                    a.show("charterAdoptedOn", |m| m.charter_adopted_on.into())
                        .unwrap_or(Cell::Empty),
                    a.show("charterSignedOn", |m| m.charter_signed_on.into())
                        .unwrap_or(Cell::Empty),
                    a.value.founded_on.into(),
                    a.value.dissolved_on.into(),
                ]
            })
            .collect();
        Ok((rows, last))
    }

    async fn supply_links(&self) -> Result<(Vec<Row>, Option<i64>)> {
        let listing = listing::supply_links(&self.viewer, None, &[], Archived::Excluded)?;
        let links = listing.batch_after(&self.db, self.after, BATCH).await?;
        let units = self
            .units(links.iter().flat_map(|l| [l.supplier_id, l.customer_id]))
            .await?;
        let last = links.last().map(|l| l.id);
        let rows = links
            .into_iter()
            .map(|l| {
                let l = self.viewer.supply_link(l);
                let supplier = units.get(&l.value.supplier_id);
                let customer = units.get(&l.value.customer_id);
                vec![
                    Cell::Text(id::encode(Kind::SupplyLink, l.value.id)),
                    supplier.and_then(|u| u.uscc.clone()).into(),
                    supplier.map(|u| u.name_zh.clone()).into(),
                    customer.and_then(|u| u.uscc.clone()).into(),
                    customer.map(|u| u.name_zh.clone()).into(),
                    Codes::of(&self.codes.segments, l.value.segment_id),
                    l.value.product.clone().into(),
                    l.value.since_year.into(),
                    l.show("annualValue", |m| m.annual_value.into())
                        .unwrap_or(Cell::Empty),
                ]
            })
            .collect();
        Ok((rows, last))
    }

    async fn support_measures(&self) -> Result<(Vec<Row>, Option<i64>)> {
        let listing = listing::support_measures(&self.viewer, None, &[])?;
        let measures = listing.batch_after(&self.db, self.after, BATCH).await?;
        let units = self
            .units(
                measures
                    .iter()
                    .filter_map(|m| m.beneficiary_organization_id),
            )
            .await?;
        let last = measures.last().map(|m| m.id);
        let rows = measures
            .into_iter()
            .map(|m| {
                let m = self.viewer.support_measure(m);
                let beneficiary = m
                    .show("beneficiaryOrganization", |m| m.beneficiary_organization_id)
                    .flatten()
                    .and_then(|id| units.get(&id));
                vec![
                    Cell::Text(id::encode(Kind::SupportMeasure, m.value.id)),
                    Codes::of(&self.codes.departments, m.value.department_id),
                    Codes::of(&self.codes.municipalities, m.value.municipality_id),
                    code(m.value.kind),
                    m.value.title.clone().into(),
                    beneficiary.and_then(|u| u.uscc.clone()).into(),
                    beneficiary.map(|u| u.name_zh.clone()).into(),
                    Codes::of(&self.codes.alliances, m.value.beneficiary_alliance_id),
                    m.show("amount", |m| m.amount.into()).unwrap_or(Cell::Empty),
                    m.value.granted_on.into(),
                    code(m.value.status),
                ]
            })
            .collect();
        Ok((rows, last))
    }

    async fn people(&self) -> Result<(Vec<Row>, Option<i64>)> {
        let listing = listing::people(&self.viewer, None, &[])?;
        let people = listing.batch_after(&self.db, self.after, BATCH).await?;
        let units = self
            .units(people.iter().filter_map(|p| p.organization_id))
            .await?;
        let last = people.last().map(|p| p.id);
        let mut rows = Vec::with_capacity(people.len());
        for person in people {
            let p = self.viewer.person(&self.db, person).await?;
            let unit = p.value.organization_id.and_then(|id| units.get(&id));
            rows.push(vec![
                Cell::Text(id::encode(Kind::Person, p.value.id)),
                p.value.name_zh.clone().into(),
                p.value.name_en.clone().into(),
                unit.and_then(|u| u.uscc.clone()).into(),
                unit.map(|u| u.name_zh.clone()).into(),
                p.value.title.clone().into(),
                p.show("phone", |m| m.phone.clone().into())
                    .unwrap_or(Cell::Empty),
                p.show("email", |m| m.email.clone().into())
                    .unwrap_or(Cell::Empty),
            ]);
        }
        Ok((rows, last))
    }

    async fn audit_events(&self) -> Result<(Vec<Row>, Option<i64>)> {
        let listing = listing::audit_events(&self.viewer, None)?;
        let events = listing.batch_after(&self.db, self.after, BATCH).await?;
        let last = events.last().map(|e| e.id);
        let mut rows = Vec::with_capacity(events.len());
        for event in events {
            let mut states = Vec::with_capacity(2);
            for state in [&event.before_state, &event.after_state] {
                let parsed = state
                    .as_deref()
                    .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok());
                states.push(match parsed {
                    Some(value) => Cell::Text(
                        self.viewer
                            .audited_state(&self.db, &event.entity, value)
                            .await?
                            .to_string(),
                    ),
                    None => Cell::Empty,
                });
            }
            let [before, after]: [Cell; 2] = states
                .try_into()
                .map_err(|_| Error::internal("two states"))?;
            let entity_id = event
                .entity_id
                .and_then(|id| id::of_audited(&event.entity, id));
            rows.push(vec![
                Cell::Text(event.id.to_string()),
                Cell::Text(event.at.to_rfc3339()),
                event.actor.into(),
                event.role.into(),
                event.department.into(),
                event.operation.into(),
                event.entity.clone().into(),
                entity_id.into(),
                code(event.outcome),
                before,
                after,
                event.message.into(),
            ]);
        }
        Ok((rows, last))
    }
}
