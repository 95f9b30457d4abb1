//! The DataLoaders: one key type per relation, each batch one SQL statement via `service::load`.

use std::{collections::HashMap, hash::Hash, marker::PhantomData, sync::Arc};

use async_graphql::dataloader::Loader;
use entity::{
    alliance_stage_event, chain_segment, charter_consent, enums::MembershipStatus, industrial_park,
    meeting, meeting_attendance, membership, organization, organization_segment, person, post,
    project, project_participant, resolution, supply_link, support_measure, working_group,
};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection};

use crate::{
    error::Error,
    service::{
        access::Viewer,
        load::{self, Scoped},
        page::{Page, PageRequest, Sort},
    },
};

/// Loads for one request, as one viewer.
pub struct HubLoader {
    db: DatabaseConnection,
    viewer: Arc<Viewer>,
}

impl HubLoader {
    pub fn new(db: DatabaseConnection, viewer: Arc<Viewer>) -> Self {
        Self { db, viewer }
    }
}

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<Error>>;

/// A row of `E` by id.
pub struct ById<E>(pub i64, PhantomData<fn() -> E>);

impl<E> ById<E> {
    pub fn new(id: i64) -> Self {
        Self(id, PhantomData)
    }
}

impl<E> Clone for ById<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E> Copy for ById<E> {}
impl<E> PartialEq for ById<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<E> Eq for ById<E> {}
impl<E> Hash for ById<E> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl<E: Scoped> Loader<ById<E>> for HubLoader
where
    E::Model: Sync,
{
    type Value = E::Model;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[ById<E>]) -> LoadResult<ById<E>, E::Model> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let rows = load::by_ids::<E>(&self.db, &self.viewer, &ids)
            .await
            .map_err(Arc::new)?;
        Ok(rows
            .into_iter()
            .map(|(id, row)| (ById::new(id), row))
            .collect())
    }
}

/// Declares a key type for "all children of a parent" and its batched loader.
macro_rules! children {
    ($(#[$doc:meta])* $key:ident => $module:ident by $parent:ident, order [$($sort:ident $dir:ident),*]) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i64);

        impl Loader<$key> for HubLoader {
            type Value = Vec<$module::Model>;
            type Error = Arc<Error>;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, Vec<$module::Model>> {
                let parents: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let order = [$(Sort { column: $module::Column::$sort, descending: children!(@desc $dir) }),*];
                let groups = load::grouped::<$module::Entity>(&self.db, &self.viewer, $module::Column::$parent, &parents, Condition::all(), &order)
                    .await
                    .map_err(Arc::new)?;
                Ok(groups.into_iter().map(|(parent, rows)| ($key(parent), rows)).collect())
            }
        }
    };
    (@desc asc) => { false };
    (@desc desc) => { true };
}

children!(/** A sector's chain segments, upstream first. */ SegmentsOfSector => chain_segment by SectorId, order [Ordinal asc]);
children!(/** A municipality's parks. */ ParksOfMunicipality => industrial_park by MunicipalityId, order [Code asc]);
children!(/** Which segments an organization works in. */ SegmentLinksOfOrganization => organization_segment by OrganizationId, order [IsPrimary desc]);
children!(/** An organization's memberships. */ MembershipsOfOrganization => membership by OrganizationId, order [AppliedOn asc]);
children!(/** The people of an organization. */ PeopleOfOrganization => person by OrganizationId, order [NameZh asc]);
children!(/** An alliance's formation history. */ StageEventsOfAlliance => alliance_stage_event by AllianceId, order [OccurredOn asc]);
children!(/** Initiators' consents to the charter. */ ConsentsOfAlliance => charter_consent by AllianceId, order [ConsentedOn asc]);
children!(/** Every post ever held in an alliance. */ PostsOfAlliance => post by AllianceId, order [TermStart asc]);
children!(/** Posts held for an organization. */ PostsOfOrganization => post by OrganizationId, order [TermStart asc]);
children!(/** Posts a person holds or held. */ PostsOfPerson => post by PersonId, order [TermStart asc]);
children!(/** An alliance's working groups. */ WorkingGroupsOfAlliance => working_group by AllianceId, order [EstablishedOn asc]);
children!(/** An alliance's meetings, oldest first. */ MeetingsOfAlliance => meeting by AllianceId, order [HeldOn asc]);
children!(/** An alliance's projects. */ ProjectsOfAlliance => project by AllianceId, order [ProposedOn asc]);
children!(/** Resolutions of a meeting. */ ResolutionsOfMeeting => resolution by MeetingId, order []);
children!(/** Who attended a meeting. */ AttendanceOfMeeting => meeting_attendance by MeetingId, order []);
children!(/** Units taking part in a project. */ ParticipantsOfProject => project_participant by ProjectId, order []);
children!(/** Links where the organization supplies. */ LinksSuppliedBy => supply_link by SupplierId, order []);
children!(/** Links where the organization buys. */ LinksBoughtBy => supply_link by CustomerId, order []);
children!(/** Support measures benefiting an organization. */ SupportForOrganization => support_measure by BeneficiaryOrganizationId, order [GrantedOn asc]);
children!(/** Support measures benefiting an alliance. */ SupportForAlliance => support_measure by BeneficiaryAllianceId, order [GrantedOn asc]);

/// One page of an alliance's members, optionally of one status.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MembersOfAlliance {
    pub alliance: i64,
    pub status: Option<MembershipStatus>,
    pub page: PageRequest,
}

/// How many members (of a status) an alliance has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemberCountOfAlliance {
    pub alliance: i64,
    pub status: Option<MembershipStatus>,
}

/// One page of the organizations located in a park.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrganizationsOfPark {
    pub park: i64,
    pub page: PageRequest,
}

/// How many organizations a park hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrganizationCountOfPark(pub i64);

fn status_condition(status: Option<MembershipStatus>) -> Condition {
    match status {
        Some(status) => Condition::all().add(membership::Column::Status.eq(status)),
        None => Condition::all(),
    }
}

/// Groups page keys that share their arguments, so each group is one windowed statement.
fn by_arguments<K, A: Eq + Hash + Clone>(
    keys: &[K],
    args: impl Fn(&K) -> A,
) -> HashMap<A, Vec<&K>> {
    let mut groups: HashMap<A, Vec<&K>> = HashMap::new();
    for key in keys {
        groups.entry(args(key)).or_default().push(key);
    }
    groups
}

impl Loader<MembersOfAlliance> for HubLoader {
    type Value = Page<membership::Model>;
    type Error = Arc<Error>;

    async fn load(
        &self,
        keys: &[MembersOfAlliance],
    ) -> LoadResult<MembersOfAlliance, Page<membership::Model>> {
        let mut out = HashMap::new();
        for ((status, request), group) in by_arguments(keys, |k| (k.status, k.page.clone())) {
            let window = request.window().map_err(Arc::new)?;
            let parents: Vec<i64> = group.iter().map(|k| k.alliance).collect();
            let order = [Sort::asc(membership::Column::AppliedOn)];
            let pages = load::child_pages::<membership::Entity>(
                &self.db,
                &self.viewer,
                membership::Column::AllianceId,
                &parents,
                status_condition(status),
                &order,
                &window,
            )
            .await
            .map_err(Arc::new)?;
            for (alliance, page) in pages {
                out.insert(
                    MembersOfAlliance {
                        alliance,
                        status,
                        page: request.clone(),
                    },
                    page,
                );
            }
        }
        Ok(out)
    }
}

impl Loader<MemberCountOfAlliance> for HubLoader {
    type Value = i64;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[MemberCountOfAlliance]) -> LoadResult<MemberCountOfAlliance, i64> {
        let mut out = HashMap::new();
        for (status, group) in by_arguments(keys, |k| k.status) {
            let parents: Vec<i64> = group.iter().map(|k| k.alliance).collect();
            let counts = load::child_counts::<membership::Entity>(
                &self.db,
                &self.viewer,
                membership::Column::AllianceId,
                &parents,
                status_condition(status),
            )
            .await
            .map_err(Arc::new)?;
            out.extend(
                counts
                    .into_iter()
                    .map(|(alliance, n)| (MemberCountOfAlliance { alliance, status }, n)),
            );
        }
        Ok(out)
    }
}

impl Loader<OrganizationsOfPark> for HubLoader {
    type Value = Page<organization::Model>;
    type Error = Arc<Error>;

    async fn load(
        &self,
        keys: &[OrganizationsOfPark],
    ) -> LoadResult<OrganizationsOfPark, Page<organization::Model>> {
        let mut out = HashMap::new();
        for (request, group) in by_arguments(keys, |k| k.page.clone()) {
            let window = request.window().map_err(Arc::new)?;
            let parents: Vec<i64> = group.iter().map(|k| k.park).collect();
            let order = [Sort::asc(organization::Column::NameZh)];
            let pages = load::child_pages::<organization::Entity>(
                &self.db,
                &self.viewer,
                organization::Column::ParkId,
                &parents,
                Condition::all(),
                &order,
                &window,
            )
            .await
            .map_err(Arc::new)?;
            for (park, page) in pages {
                out.insert(
                    OrganizationsOfPark {
                        park,
                        page: request.clone(),
                    },
                    page,
                );
            }
        }
        Ok(out)
    }
}

impl Loader<OrganizationCountOfPark> for HubLoader {
    type Value = i64;
    type Error = Arc<Error>;

    async fn load(
        &self,
        keys: &[OrganizationCountOfPark],
    ) -> LoadResult<OrganizationCountOfPark, i64> {
        let parents: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let counts = load::child_counts::<organization::Entity>(
            &self.db,
            &self.viewer,
            organization::Column::ParkId,
            &parents,
            Condition::all(),
        )
        .await
        .map_err(Arc::new)?;
        Ok(counts
            .into_iter()
            .map(|(park, n)| (OrganizationCountOfPark(park), n))
            .collect())
    }
}
