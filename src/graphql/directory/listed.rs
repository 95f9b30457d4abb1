//! Units as a list reads them: the columns its selection needs, the relations it asks for read
//! for the whole list at once, and units holding those relations, so that a page of units is
//! answered in one pass (see [`crate::graphql::plain`]) when its selection allows.
//!
//! Nothing here decides what a caller may see: a unit holds exactly the rows its resolvers would
//! read from the loader (the same reads, as the same viewer, fed to the loader as well), behind
//! the same guards ([`own::park_id`]).

use std::{borrow::Cow, collections::HashMap};

use async_graphql::{
    Context, ContextSelectionSet, OutputType, Positioned, ServerResult, Value,
    parser::types::Field, registry::Registry,
};
use entity::{
    alliance, enterprise_profile, enums::OrganizationKind, industrial_park, membership,
    municipality, organization,
};

use super::{
    Park,
    organization::{UnitObject, own},
};
use crate::{
    graphql::{
        formation::Alliance,
        membership::{Membership, preload_memberships},
        plain::{self, Answer, Plain},
        preload::{self, Selection},
    },
    service::{
        access::{self, Viewer},
        load::Columns,
        relation::MembershipsOfOrganization,
    },
};

/// The columns a selection of units reads: those of each field asked for, plus what every unit
/// needs (its id; its kind, which picks its type; its city, which the profile's guard reads).
/// A field this function does not know reads every column, so a new field is never short of one.
pub fn organization_columns(selection: &Selection<'_>) -> Columns<organization::Column> {
    use organization::Column as C;
    let mut columns = vec![C::Id, C::Kind, C::MunicipalityId];
    for name in selection.names() {
        columns.extend_from_slice(match name {
            "uscc" => &[C::Uscc],
            "nameZh" => &[C::NameZh],
            "nameEn" => &[C::NameEn],
            "park" => &[C::ParkId],
            "regionCode" => &[C::RegionCode],
            "regionName" => &[C::RegionName],
            "address" => &[C::Address],
            "website" => &[C::Website],
            "isDemo" => &[C::IsDemo],
            "archivedAt" => &[C::ArchivedAt],
            "createdAt" => &[C::CreatedAt],
            "updatedAt" => &[C::UpdatedAt],
            "version" => &[C::Version],
            "id" | "kind" | "municipality" | "__typename" | "segments" | "memberships"
            | "people" | "suppliers" | "customers" | "supportMeasures" => &[],
            "withheldFields" => &[],
            name if access::is_profile_field(name) => &[],
            _ => return Columns::All,
        });
    }
    Columns::Only(columns)
}

/// Reads what a selection asks of a list of units for the whole list at once: parks (and their
/// cities), cities, memberships (with their alliances, and what they ask in turn) and enterprise
/// profiles. `parks` are the units' parks when they were read with the units. Returns the parks
/// and memberships read, for the units to hold.
pub async fn preload_organizations(
    ctx: &Context<'_>,
    units: &[&organization::Model],
    selection: &Selection<'_>,
    parks: Option<Vec<industrial_park::Model>>,
) -> async_graphql::Result<Held> {
    let mut held = Held::default();
    if units.is_empty() || !preload::preloads(ctx) {
        return Ok(held);
    }
    let park = selection.field("park");
    if !park.is_empty() {
        let parks = match parks {
            Some(parks) => parks,
            None => {
                preload::rows::<industrial_park::Model>(ctx, units.iter().filter_map(|u| u.park_id))
                    .await?
            }
        };
        if park.has("municipality") {
            preload::rows::<municipality::Model>(ctx, parks.iter().map(|p| p.municipality_id))
                .await?;
        }
        held.parks = Some(parks.into_iter().map(|park| (park.id, park)).collect());
    }
    if selection.has("municipality") {
        preload::rows::<municipality::Model>(ctx, units.iter().filter_map(|u| u.municipality_id))
            .await?;
    }
    let memberships = selection.field("memberships");
    if !memberships.is_empty() {
        let ids = units.iter().map(|u| u.id);
        let with_alliances = memberships.has("alliance");
        if with_alliances {
            let groups = preload::children_joined::<MembershipsOfOrganization, alliance::Entity>(
                ctx,
                ids,
                membership::Column::AllianceId,
            )
            .await?;
            let rows: Vec<&membership::Model> =
                groups.values().flatten().map(|(row, _)| row).collect();
            preload_memberships(ctx, &rows, &memberships, true).await?;
            held.memberships = Some(groups);
        } else {
            let rows = preload::children::<MembershipsOfOrganization>(ctx, ids).await?;
            let rows: Vec<&membership::Model> = rows.iter().collect();
            preload_memberships(ctx, &rows, &memberships, false).await?;
        }
    }
    let names = selection.names();
    if names.contains("withheldFields") || names.iter().any(|name| access::is_profile_field(name)) {
        let enterprises = units
            .iter()
            .filter(|u| u.kind == OrganizationKind::Enterprise)
            .map(|u| u.id);
        preload::rows::<enterprise_profile::Model>(ctx, enterprises).await?;
    }
    Ok(held)
}

/// What a list read with its units for them to hold: each relation `None` when not read.
#[derive(Default)]
pub struct Held {
    /// The parks found, by id (a park the caller may not see is absent).
    parks: Option<HashMap<i64, industrial_park::Model>>,
    /// Each unit's memberships with their alliances, by unit id (a unit without any is absent).
    memberships: Option<HashMap<i64, Vec<MembershipRow>>>,
}

/// A membership read with its alliance (`None` where the caller may not see it).
type MembershipRow = (membership::Model, Option<alliance::Model>);

impl Held {
    /// `node`, holding what was read for its unit.
    pub fn unit<N: UnitObject>(&mut self, viewer: &Viewer, node: N) -> Unit<N> {
        let unit = node.unit();
        let park = self.parks.as_ref().map(|parks| {
            own::park_id(unit)
                .and_then(|id| parks.get(&id))
                .map(|park| Park(park.clone()))
        });
        let memberships = self.memberships.as_mut().map(|groups| {
            groups
                .remove(&unit.value.id)
                .unwrap_or_default()
                .into_iter()
                .map(|(row, alliance)| match alliance {
                    Some(alliance) => {
                        Membership::with_alliance(viewer, row, Alliance::new(viewer, alliance))
                    }
                    None => Membership::new(viewer, row),
                })
                .collect()
        });
        Unit {
            node,
            park,
            memberships,
        }
    }
}

/// A unit of a list with the relations the list read for it: answered in one pass when its
/// selection asks only what it holds, by `N`'s resolvers otherwise. Its GraphQL type is `N`'s.
pub struct Unit<N> {
    node: N,
    /// Its park (`Some(None)`: none, or one the caller may not see), when read.
    park: Option<Option<Park>>,
    /// Its memberships, when read.
    memberships: Option<Vec<Membership>>,
}

impl<N> Unit<N> {
    /// A unit holding nothing: its relations are its resolvers' to read.
    pub fn bare(node: N) -> Self {
        Self {
            node,
            park: None,
            memberships: None,
        }
    }
}

impl<N: UnitObject> Plain for Unit<N> {
    fn concrete_type(&self) -> Cow<'static, str> {
        self.node.concrete_type()
    }

    fn plain(&self, field: &str) -> Option<Answer<'_>> {
        match field {
            "park" => Some(Answer::Object(
                self.park.as_ref()?.as_ref().map(|park| park as &dyn Plain),
            )),
            "memberships" => Some(Answer::Objects(
                self.memberships
                    .as_ref()?
                    .iter()
                    .map(|membership| membership as &dyn Plain)
                    .collect(),
            )),
            _ => self.node.plain(field),
        }
    }
}

impl<N: UnitObject> OutputType for Unit<N> {
    fn type_name() -> Cow<'static, str> {
        N::type_name()
    }

    fn qualified_type_name() -> String {
        N::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.node.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        N::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        match plain::answer(ctx, self) {
            Some(answer) => Ok(answer),
            None => self.node.resolve(ctx, field).await,
        }
    }
}
