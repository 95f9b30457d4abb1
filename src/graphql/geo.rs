//! Places on a map (`service::geo`): points in WGS-84 or GCJ-02, and GeoJSON layers for
//! dashboards.

use async_graphql::{Context, Enum, InputObject, Json, Object, SimpleObject};

use super::{inputs::OrganizationFilter, ranking::GroupRankBy, request};
use crate::{
    domain::geo::{Datum, Point},
    service::{
        geo::{self, ParkProperty, Place, UnitProperty},
        stats::EnterpriseDimension,
    },
};

/// A coordinate system.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CoordinateSystem {
    /// GPS and GeoJSON (the hub stores this one).
    #[default]
    #[graphql(name = "WGS84")]
    Wgs84,
    /// The offset datum of China's map SDKs (AMap, Tencent Maps).
    #[graphql(name = "GCJ02")]
    Gcj02,
}

impl From<CoordinateSystem> for Datum {
    fn from(system: CoordinateSystem) -> Self {
        match system {
            CoordinateSystem::Wgs84 => Datum::Wgs84,
            CoordinateSystem::Gcj02 => Datum::Gcj02,
        }
    }
}

/// How precisely a point shows where something is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::geo::Precision")]
pub enum LocationPrecision {
    /// Its own position.
    Exact,
    /// The centre of the unit's park (what PUBLIC sees of a unit in a park).
    Park,
    /// The centre of the unit's city or base (what PUBLIC sees of a unit outside parks).
    Municipality,
}

/// A point on a map.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct GeoPoint {
    /// Degrees east.
    pub longitude: f64,
    /// Degrees north.
    pub latitude: f64,
    pub system: CoordinateSystem,
    pub precision: LocationPrecision,
}

impl GeoPoint {
    pub fn of(place: Place, system: CoordinateSystem) -> Self {
        let point = place.point.in_datum(system.into());
        Self {
            longitude: point.longitude,
            latitude: point.latitude,
            system,
            precision: place.precision.into(),
        }
    }
}

/// A point as a caller gives it.
#[derive(InputObject, Debug, Clone, Copy)]
pub struct GeoPointInput {
    pub longitude: f64,
    pub latitude: f64,
    /// The datum the point is given in (WGS84 by default); it is stored in WGS-84.
    #[graphql(default)]
    pub system: CoordinateSystem,
}

impl GeoPointInput {
    /// The point in WGS-84, or BAD_USER_INPUT outside China.
    pub fn parse(self) -> crate::error::Result<Point> {
        Point::parse(self.longitude, self.latitude, self.system.into())
    }
}

/// A property of a unit's feature.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::geo::UnitProperty")]
pub enum UnitFeatureProperty {
    /// The unit's global id.
    Id,
    NameZh,
    NameEn,
    /// `kind` and `kindZh`.
    Kind,
    /// `municipality` (code) and `municipalityZh`.
    Municipality,
    /// `park` (code) and `parkZh`.
    Park,
    /// Codes of the designations held this year (signed-in callers).
    Designations,
}

/// A property of a park's feature.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::geo::ParkProperty")]
pub enum ParkFeatureProperty {
    /// The park's global id.
    Id,
    Code,
    NameZh,
    NameEn,
    /// `level` and `levelZh`.
    Level,
    /// `municipality` (code) and `municipalityZh`.
    Municipality,
}

/// The level of a density layer.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DensityLevel {
    Park,
    Municipality,
}

/// GeoJSON layers.
#[derive(Default)]
pub struct GeoQuery;

#[Object]
impl GeoQuery {
    /// Units as a GeoJSON FeatureCollection of points (RFC 7946), with the properties asked for
    /// (and always `precision`): signed-in callers see each unit's own position, PUBLIC the
    /// founded alliances' active members at their park's centre, else their city's. At most
    /// 50 000 features, in id order; the collection's `next` member is the `after` of the
    /// following page. Units without a position are left out.
    #[allow(clippy::too_many_arguments)]
    async fn organizations_geo_json(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganizationFilter>,
        #[graphql(
            default_with = "vec![UnitFeatureProperty::Id, UnitFeatureProperty::NameZh, UnitFeatureProperty::Kind]"
        )]
        properties: Vec<UnitFeatureProperty>,
        #[graphql(default)] system: CoordinateSystem,
        #[graphql(default = 10000)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<Json<serde_json::Value>> {
        let request = request(ctx)?;
        let filter = OrganizationFilter::convert(filter)?;
        let after = match after {
            Some(cursor) => Some(cursor.parse::<i64>().map_err(|_| {
                crate::error::Error::bad_input("`after` is the `next` of a previous page")
            })?),
            None => None,
        };
        let properties: Vec<UnitProperty> = properties.into_iter().map(Into::into).collect();
        Ok(Json(
            geo::units_geojson(
                &request.db,
                &request.viewer,
                filter.as_ref(),
                &properties,
                system.into(),
                u64::try_from(first).unwrap_or(0),
                after,
            )
            .await?,
        ))
    }

    /// Live parks as a GeoJSON FeatureCollection of points at their centres, with the
    /// properties asked for (and always `precision`). Public.
    async fn parks_geo_json(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "vec![ParkFeatureProperty::Id, ParkFeatureProperty::Code, ParkFeatureProperty::NameZh, ParkFeatureProperty::Level, ParkFeatureProperty::Municipality]"
        )]
        properties: Vec<ParkFeatureProperty>,
        #[graphql(default)] system: CoordinateSystem,
    ) -> async_graphql::Result<Json<serde_json::Value>> {
        let request = request(ctx)?;
        let properties: Vec<ParkProperty> = properties.into_iter().map(Into::into).collect();
        Ok(Json(
            geo::parks_geojson(&request.db, &properties, system.into()).await?,
        ))
    }

    /// A density layer: a statistic per park or per city, as points at their centres with
    /// `value` (the count, or the figure's sum), `suppressed` and `protection`: the same cells
    /// as `enterpriseStats` by PARK or MUNICIPALITY, with the same protection (signed-in).
    async fn density_geo_json(
        &self,
        ctx: &Context<'_>,
        level: DensityLevel,
        #[graphql(default_with = "GroupRankBy::Count")] by: GroupRankBy,
        filter: Option<OrganizationFilter>,
        year: Option<i32>,
        #[graphql(default)] system: CoordinateSystem,
    ) -> async_graphql::Result<Json<serde_json::Value>> {
        let request = request(ctx)?;
        let filter = OrganizationFilter::convert(filter)?;
        let level = match level {
            DensityLevel::Park => EnterpriseDimension::Park,
            DensityLevel::Municipality => EnterpriseDimension::Municipality,
        };
        Ok(Json(
            geo::density_geojson(
                &request.db,
                &request.stats,
                &request.viewer,
                level,
                by.into(),
                filter.as_ref(),
                year,
                system.into(),
            )
            .await?,
        ))
    }
}

/// The `location` of a park or city: its own position.
pub fn own_location(
    longitude: Option<f64>,
    latitude: Option<f64>,
    system: CoordinateSystem,
) -> Option<GeoPoint> {
    geo::own_place(longitude, latitude).map(|place| GeoPoint::of(place, system))
}
