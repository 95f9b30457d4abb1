//! Reference data: departments, municipalities, sectors, chain segments, industrial parks.

use std::borrow::Cow;

use async_graphql::{Context, ID, InputType, Object, OutputType};
use chrono::{DateTime, Utc};
use entity::{
    chain_segment, coordination_mechanism, department, industrial_park, municipality, sector,
};

use super::{Organization, Unit};
use crate::{
    domain::id::{self, Kind},
    graphql::{
        connection::{Conn, TotalCount, connection, empty_page, unwrap_shared},
        coordination::CoordinationMechanism,
        enums,
        geo::{CoordinateSystem, GeoPoint, own_location},
        loader::{OrganizationCountOfPark, OrganizationsOfPark, children, row},
        plain::{Answer, Plain},
        request,
    },
    service::{
        page::PageRequest,
        relation::{MechanismsOfMunicipality, ParksOfMunicipality, SegmentsOfSector},
    },
};

/// A department of the autonomous region taking part in the guidance committee.
pub struct Department(pub department::Model);

#[Object]
impl Department {
    /// Row version, for `expectedVersion` in updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::Department, self.0.id).into())
    }
    async fn code(&self) -> enums::DepartmentCode {
        self.0.code.into()
    }
    async fn name_zh(&self) -> &str {
        &self.0.name_zh
    }
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// True for the Department of Industry and IT, which hosts the committee office.
    async fn is_lead(&self) -> bool {
        self.0.is_lead
    }
}

/// One of the three cities and one base of the metropolitan area.
pub struct Municipality(pub municipality::Model);

#[Object]
impl Municipality {
    /// Row version, for `expectedVersion` in updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The seat of government (for Ningdong, the base's administrative centre).
    async fn location(&self, #[graphql(default)] system: CoordinateSystem) -> Option<GeoPoint> {
        own_location(self.0.longitude, self.0.latitude, system)
    }
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::Municipality, self.0.id).into())
    }
    async fn code(&self) -> enums::MunicipalityCode {
        self.0.code.into()
    }
    async fn kind(&self) -> enums::MunicipalityKind {
        self.0.kind.into()
    }
    /// GB/T 2260 division code.
    async fn division_code(&self) -> &str {
        &self.0.division_code
    }
    async fn name_zh(&self) -> &str {
        &self.0.name_zh
    }
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// Industrial parks located here.
    /// The coordination mechanisms it takes part in (协调机制).
    async fn coordination_mechanisms(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<CoordinationMechanism>> {
        let mut mechanisms = Vec::new();
        for member in children::<MechanismsOfMunicipality>(ctx, self.0.id).await? {
            if let Some(m) = row::<coordination_mechanism::Model>(ctx, member.mechanism_id).await? {
                mechanisms.push(CoordinationMechanism(m));
            }
        }
        Ok(mechanisms)
    }
    async fn parks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Park>> {
        Ok(children::<ParksOfMunicipality>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Park)
            .collect())
    }
}

/// A key industry of the plan.
pub struct Sector(pub sector::Model);

#[Object]
impl Sector {
    /// Row version, for `expectedVersion` in updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::Sector, self.0.id).into())
    }
    async fn code(&self) -> enums::SectorCode {
        self.0.code.into()
    }
    async fn name_zh(&self) -> &str {
        &self.0.name_zh
    }
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// GB/T 4754 divisions (two-digit codes with their section letter) the sector covers.
    async fn industry_divisions(&self) -> Vec<String> {
        split_list(&self.0.industry_divisions)
    }
    /// The chain's segments, upstream first.
    async fn segments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ChainSegment>> {
        Ok(children::<SegmentsOfSector>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(ChainSegment)
            .collect())
    }
}

/// A segment of a sector's industrial chain.
pub struct ChainSegment(pub chain_segment::Model);

#[Object]
impl ChainSegment {
    /// Row version, for `expectedVersion` in updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::ChainSegment, self.0.id).into())
    }
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn sector(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Sector>> {
        Ok(row::<sector::Model>(ctx, self.0.sector_id)
            .await?
            .map(Sector))
    }
    /// Position in the chain, 1 = most upstream.
    async fn ordinal(&self) -> i32 {
        self.0.ordinal
    }
    async fn position(&self) -> enums::SegmentPosition {
        self.0.position.into()
    }
    async fn name_zh(&self) -> &str {
        &self.0.name_zh
    }
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// GB/T 4754-2017 classes typical of the segment (e.g. `C3985`).
    async fn industry_classes(&self) -> Vec<String> {
        split_list(&self.0.industry_classes)
    }
}

/// An industrial park or development zone.
pub struct Park(pub industrial_park::Model);

impl Park {
    fn global_id(&self) -> ID {
        id::encode(Kind::Park, self.0.id).into()
    }
}

impl Plain for Park {
    fn concrete_type(&self) -> Cow<'static, str> {
        <Self as OutputType>::type_name()
    }

    /// Its own columns; its city, location, industries and units are its resolvers'.
    fn plain(&self, field: &str) -> Option<Answer<'_>> {
        let value = match field {
            "id" => self.global_id().0.into(),
            "code" => self.0.code.to_value(),
            "nameZh" => self.0.name_zh.to_value(),
            "nameEn" => self.0.name_en.to_value(),
            "divisionCode" => self.0.division_code.to_value(),
            "level" => enums::ParkLevel::from(self.0.level).to_value(),
            "archivedAt" => self.0.archived_at.to_value(),
            "version" => self.0.version.to_value(),
            _ => return None,
        };
        Some(Answer::Value(value))
    }
}

#[Object]
impl Park {
    /// Row version, for `expectedVersion` in updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The park's centre.
    async fn location(&self, #[graphql(default)] system: CoordinateSystem) -> Option<GeoPoint> {
        own_location(self.0.longitude, self.0.latitude, system)
    }
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(self.global_id())
    }
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn municipality(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Municipality>> {
        Ok(row::<municipality::Model>(ctx, self.0.municipality_id)
            .await?
            .map(Municipality))
    }
    /// GB/T 2260 code of the county-level division the park lies in.
    async fn division_code(&self) -> &str {
        &self.0.division_code
    }
    async fn level(&self) -> enums::ParkLevel {
        self.0.level.into()
    }
    async fn name_zh(&self) -> &str {
        &self.0.name_zh
    }
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    async fn main_industries(&self) -> Vec<String> {
        split_list(&self.0.main_industries)
    }
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
    /// Organizations located in the park (that the viewer may see).
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Conn<Unit<Organization>>> {
        let request = request(ctx)?;
        let key = OrganizationsOfPark {
            park: self.0.id,
            page: PageRequest::forward(first, after),
        };
        let page = request
            .loader
            .load_one(key)
            .await
            .map_err(unwrap_shared)?
            .unwrap_or_else(empty_page);
        let viewer = request.viewer.clone();
        Ok(connection(
            page,
            TotalCount::ParkOrganizations(OrganizationCountOfPark(self.0.id)),
            |m| Unit::bare(Organization::new(&viewer, m)),
        ))
    }
}

/// Splits a comma-separated stored list (`"C3391,C3392"`) into its items.
fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
