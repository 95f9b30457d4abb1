//! Places on a map: where a unit, park or city is shown to a viewer, and GeoJSON answers for
//! dashboards (RFC 7946): units and parks as a FeatureCollection with the properties a query
//! chooses, and a density layer of a protected statistic per park or city. Exact positions are
//! for signed-in callers; PUBLIC sees a unit at its park's centre, else its city's
//! ([`Viewer::sees_exact_location`]).

use std::collections::HashMap;

use entity::{enterprise_designation, industrial_park, municipality, organization};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Map, Value, json};

use super::{
    access::Viewer,
    filter::Filter,
    listing::{OrganizationField, condition_of},
    ranking::GroupMeasure,
    stats::{self, EnterpriseDimension, Group, Statistics},
};
use crate::{
    database::Store,
    domain::{
        geo::{Datum, Point},
        id::{self, Kind},
        labels::Labelled,
    },
    error::{Error, Result},
};

/// How precisely a point shows where something is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// The unit's (or park's, or city's) own position.
    Exact,
    /// The centre of the unit's park.
    Park,
    /// The centre of the unit's city or base.
    Municipality,
}

impl Precision {
    fn code(self) -> &'static str {
        match self {
            Self::Exact => "EXACT",
            Self::Park => "PARK",
            Self::Municipality => "MUNICIPALITY",
        }
    }
}

/// A point as shown, in WGS-84.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub point: Point,
    pub precision: Precision,
}

fn point_of(longitude: Option<f64>, latitude: Option<f64>) -> Option<Point> {
    Some(Point {
        longitude: longitude?,
        latitude: latitude?,
    })
}

/// Where a unit is shown to `viewer`, given its park's and city's positions.
pub fn unit_place(
    viewer: &Viewer,
    unit: &organization::Model,
    park: Option<Point>,
    city: Option<Point>,
) -> Option<Place> {
    let exact = point_of(unit.longitude, unit.latitude);
    if viewer.sees_exact_location()
        && let Some(point) = exact
    {
        return Some(Place {
            point,
            precision: Precision::Exact,
        });
    }
    if let Some(point) = park {
        return Some(Place {
            point,
            precision: Precision::Park,
        });
    }
    city.map(|point| Place {
        point,
        precision: Precision::Municipality,
    })
}

/// A park's or city's own position (public, like the rest of reference data).
pub fn own_place(longitude: Option<f64>, latitude: Option<f64>) -> Option<Place> {
    point_of(longitude, latitude).map(|point| Place {
        point,
        precision: Precision::Exact,
    })
}

/// A property a unit's feature may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitProperty {
    Id,
    NameZh,
    NameEn,
    Kind,
    Municipality,
    Park,
    /// Designations held this year (signed-in callers).
    Designations,
}

/// Most features one answer holds (a dashboard pages on with `next`).
pub const MAX_FEATURES: u64 = 50_000;

/// Positions of every park and city, by id.
async fn centres(
    db: &Store,
) -> Result<(
    HashMap<i64, (industrial_park::Model, Option<Point>)>,
    HashMap<i64, (municipality::Model, Option<Point>)>,
)> {
    let parks = industrial_park::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| {
            let point = point_of(p.longitude, p.latitude);
            (p.id, (p, point))
        })
        .collect();
    let cities = municipality::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let point = point_of(m.longitude, m.latitude);
            (m.id, (m, point))
        })
        .collect();
    Ok((parks, cities))
}

fn feature(place: Place, datum: Datum, mut properties: Map<String, Value>) -> Value {
    let point = place.point.in_datum(datum);
    // Seven decimals: a centimetre, far below what any map shows (RFC 7946 §11.2).
    let round = |degrees: f64| (degrees * 1e7).round() / 1e7;
    properties.insert("precision".into(), json!(place.precision.code()));
    json!({
        "type": "Feature",
        "geometry": { "type": "Point", "coordinates": [round(point.longitude), round(point.latitude)] },
        "properties": properties,
    })
}

/// The live units the viewer may see (and `filter` keeps) as GeoJSON point features, in id
/// order from after `after`, at most `first`; units without a position are left out. The
/// collection's `next` member, when present, is the `after` of the following page.
#[allow(clippy::too_many_arguments)]
pub async fn units_geojson(
    db: &Store,
    viewer: &Viewer,
    filter: Option<&Filter<OrganizationField>>,
    properties: &[UnitProperty],
    datum: Datum,
    first: u64,
    after: Option<i64>,
) -> Result<Value> {
    if first == 0 || first > MAX_FEATURES {
        return Err(Error::bad_input(format!(
            "`first` must lie between 1 and {MAX_FEATURES}"
        )));
    }
    if properties.contains(&UnitProperty::Designations) {
        viewer.require_signed_in("designations")?;
    }
    let condition = condition_of(filter, viewer.organization_filter_withheld())?;
    let units = organization::Entity::find()
        .filter(viewer.organization_scope())
        .filter(condition)
        .filter(organization::Column::ArchivedAt.is_null())
        .filter(organization::Column::Id.gt(after.unwrap_or(0)))
        .filter(
            Condition::any()
                .add(organization::Column::Longitude.is_not_null())
                .add(organization::Column::ParkId.is_not_null())
                .add(organization::Column::MunicipalityId.is_not_null()),
        )
        .order_by_asc(organization::Column::Id)
        .limit(first + 1)
        .all(db)
        .await?;
    let more = units.len() as u64 > first;
    let units = &units[..units.len().min(first as usize)];
    let (parks, cities) = centres(db).await?;
    let designations = if properties.contains(&UnitProperty::Designations) {
        held_designations(db, units.iter().map(|u| u.id).collect()).await?
    } else {
        HashMap::new()
    };
    let mut features = Vec::with_capacity(units.len());
    for unit in units {
        let park = unit.park_id.and_then(|id| parks.get(&id));
        let city = unit.municipality_id.and_then(|id| cities.get(&id));
        let Some(place) = unit_place(viewer, unit, park.and_then(|p| p.1), city.and_then(|c| c.1))
        else {
            continue;
        };
        let mut props = Map::new();
        for property in properties {
            let (name, value) = match property {
                UnitProperty::Id => ("id", json!(id::encode(Kind::Organization, unit.id))),
                UnitProperty::NameZh => ("nameZh", json!(unit.name_zh)),
                UnitProperty::NameEn => ("nameEn", json!(unit.name_en)),
                UnitProperty::Kind => {
                    props.insert("kindZh".into(), json!(unit.kind.label().zh));
                    ("kind", json!(unit.kind.code()))
                }
                UnitProperty::Municipality => {
                    props.insert("municipalityZh".into(), json!(city.map(|c| &c.0.name_zh)));
                    ("municipality", json!(city.map(|c| c.0.code.code())))
                }
                UnitProperty::Park => {
                    props.insert("parkZh".into(), json!(park.map(|p| &p.0.name_zh)));
                    ("park", json!(park.map(|p| &p.0.code)))
                }
                UnitProperty::Designations => (
                    "designations",
                    json!(designations.get(&unit.id).cloned().unwrap_or_default()),
                ),
            };
            props.insert(name.into(), value);
        }
        features.push(feature(place, datum, props));
    }
    let mut collection = json!({ "type": "FeatureCollection", "features": features });
    if more && let Some(last) = units.last() {
        collection["next"] = json!(last.id.to_string());
    }
    Ok(collection)
}

/// Designation codes each unit holds this year.
async fn held_designations(db: &Store, units: Vec<i64>) -> Result<HashMap<i64, Vec<String>>> {
    let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    let mut held: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in units.chunks(10_000) {
        let rows = enterprise_designation::Entity::find()
            .filter(enterprise_designation::Column::OrganizationId.is_in(chunk.to_vec()))
            .filter(enterprise_designation::Column::GrantedYear.lte(year))
            .filter(
                Condition::any()
                    .add(enterprise_designation::Column::ValidUntilYear.is_null())
                    .add(enterprise_designation::Column::ValidUntilYear.gte(year)),
            )
            .order_by_asc(enterprise_designation::Column::Kind)
            .all(db)
            .await?;
        for row in rows {
            held.entry(row.organization_id)
                .or_default()
                .push(row.kind.code());
        }
    }
    Ok(held)
}

/// A property a park's feature may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParkProperty {
    Id,
    Code,
    NameZh,
    NameEn,
    Level,
    Municipality,
}

/// Every live park at its position, with the properties asked for (public).
pub async fn parks_geojson(db: &Store, properties: &[ParkProperty], datum: Datum) -> Result<Value> {
    let (parks, cities) = centres(db).await?;
    let mut parks: Vec<_> = parks
        .into_values()
        .filter(|(p, _)| p.archived_at.is_none())
        .collect();
    parks.sort_by_key(|(p, _)| p.id);
    let features: Vec<Value> = parks
        .into_iter()
        .filter_map(|(park, point)| {
            let place = Place {
                point: point?,
                precision: Precision::Exact,
            };
            let city = cities.get(&park.municipality_id).map(|c| &c.0);
            let mut props = Map::new();
            for property in properties {
                let (name, value) = match property {
                    ParkProperty::Id => ("id", json!(id::encode(Kind::Park, park.id))),
                    ParkProperty::Code => ("code", json!(park.code)),
                    ParkProperty::NameZh => ("nameZh", json!(park.name_zh)),
                    ParkProperty::NameEn => ("nameEn", json!(park.name_en)),
                    ParkProperty::Level => {
                        props.insert("levelZh".into(), json!(park.level.label().zh));
                        ("level", json!(park.level.code()))
                    }
                    ParkProperty::Municipality => {
                        props.insert("municipalityZh".into(), json!(city.map(|c| &c.name_zh)));
                        ("municipality", json!(city.map(|c| c.code.code())))
                    }
                };
                props.insert(name.into(), value);
            }
            Some(feature(place, datum, props))
        })
        .collect();
    Ok(json!({ "type": "FeatureCollection", "features": features }))
}

/// A statistic per park or per city as point features at their centres: the same cells as
/// `enterpriseStats` grouped by PARK or MUNICIPALITY, protected for the viewer (a suppressed
/// cell is a feature with `suppressed: true` and no value, so a map shows it as withheld).
#[allow(clippy::too_many_arguments)]
pub async fn density_geojson(
    db: &Store,
    statistics: &Statistics,
    viewer: &Viewer,
    level: EnterpriseDimension,
    measure: GroupMeasure,
    filter: Option<&Filter<OrganizationField>>,
    year: Option<i32>,
    datum: Datum,
) -> Result<Value> {
    if !matches!(
        level,
        EnterpriseDimension::Park | EnterpriseDimension::Municipality
    ) {
        return Err(Error::bad_input(
            "a density layer is per PARK or per MUNICIPALITY",
        ));
    }
    let groups: Vec<Group> = stats::enterprise_stats(
        db,
        statistics,
        viewer,
        &[level],
        filter,
        year.map(|y| stats::YearRange { from: y, to: y }),
        &measure.asked(),
    )
    .await?;
    let (parks, cities) = centres(db).await?;
    let features: Vec<Value> = groups
        .iter()
        .filter_map(|group| {
            let id: i64 = group.key.first()?.as_ref()?.parse().ok()?;
            let (kind, code, zh, point) = match level {
                EnterpriseDimension::Park => {
                    let (park, point) = parks.get(&id)?;
                    (Kind::Park, park.code.clone(), park.name_zh.clone(), *point)
                }
                _ => {
                    let (city, point) = cities.get(&id)?;
                    (
                        Kind::Municipality,
                        city.code.code(),
                        city.name_zh.clone(),
                        *point,
                    )
                }
            };
            let place = own_place(point.map(|p| p.longitude), point.map(|p| p.latitude))?;
            let suppressed = group.suppressed();
            let value = measure.value_of(group);
            let props = json!({
                "id": id::encode(kind, id),
                "code": code,
                "nameZh": zh,
                "value": value,
                "suppressed": suppressed,
                "protection": group.protection.code(),
            });
            Some(feature(
                place,
                datum,
                props.as_object().cloned().unwrap_or_default(),
            ))
        })
        .collect();
    Ok(json!({ "type": "FeatureCollection", "features": features }))
}
