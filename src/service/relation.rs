//! The relations the API follows from an object to its children: which table, which foreign key,
//! in which order. Each is read in batches through [`load`], within the viewer's row scope, so a
//! resolver names a relation and never builds a condition itself.

use std::collections::HashMap;

use entity::{
    agreement, agreement_party, alliance_report, alliance_stage_event, chain_segment, charter,
    charter_consent, enterprise_designation, enterprise_figure, enums::MembershipStatus,
    industrial_park, joint_result, mechanism_member, meeting, meeting_attendance, membership,
    organization, organization_segment, person, post, project, project_participant, resolution,
    result_funding, result_holder, supply_link, support_measure, supporting_rule, working_group,
};
use sea_orm::{ColumnTrait, Condition, EntityTrait};

use super::{
    access::Viewer,
    load::{self, Scoped},
    page::{Page, Sort, Window},
};
use crate::{database::Store, error::Result};

/// The rows of a child table that belong to a parent, by foreign key, in a fixed order.
pub trait Relation: Send + Sync + 'static {
    type Child: Scoped;
    /// The child's foreign key to the parent.
    fn parent() -> <Self::Child as EntityTrait>::Column;
    /// The order of one parent's children (the id breaks ties).
    fn order() -> Vec<Sort<<Self::Child as EntityTrait>::Column>>;
    /// Which children are listed: archived rows leave nested lists as they leave root lists.
    fn live() -> Condition {
        Condition::all()
    }
}

/// The child rows of a relation's child table.
pub type ChildRow<R> = <<R as Relation>::Child as EntityTrait>::Model;

/// Every child of each parent, in one statement.
pub async fn children<R: Relation>(
    db: &Store,
    viewer: &Viewer,
    parents: &[i64],
) -> Result<HashMap<i64, Vec<ChildRow<R>>>> {
    load::grouped::<R::Child>(db, viewer, R::parent(), parents, R::live(), &R::order()).await
}

/// Every child of each parent, each with its to-one relation `J` (the row `foreign_key` names),
/// in one statement.
pub async fn children_joined<R: Relation, J: Scoped>(
    db: &Store,
    viewer: &Viewer,
    parents: &[i64],
    foreign_key: <R::Child as EntityTrait>::Column,
) -> Result<HashMap<i64, Vec<(ChildRow<R>, Option<J::Model>)>>> {
    load::grouped_joined::<R::Child, J>(
        db,
        viewer,
        R::parent(),
        parents,
        R::live(),
        &R::order(),
        foreign_key,
    )
    .await
}

/// Declares a relation: `Name => child_table by ForeignKey, order [Column asc|desc, …]`, and
/// `live` where the child table archives rows (they then leave the relation's lists).
macro_rules! relation {
    ($(#[$doc:meta])* $name:ident => $module:ident by $parent:ident, order [$($sort:ident $dir:ident),*] $(, $live:ident)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl Relation for $name {
            type Child = $module::Entity;
            fn parent() -> $module::Column {
                $module::Column::$parent
            }
            fn order() -> Vec<Sort<$module::Column>> {
                vec![$(Sort { column: $module::Column::$sort, descending: relation!(@desc $dir) }),*]
            }
            $(fn live() -> Condition {
                relation!(@$live $module)
            })?
        }
    };
    (@live $module:ident) => { Condition::all().add($module::Column::ArchivedAt.is_null()) };
    (@desc asc) => { false };
    (@desc desc) => { true };
}

relation!(/** A sector's chain segments, upstream first. */ SegmentsOfSector => chain_segment by SectorId, order [Ordinal asc]);
relation!(/** The cities and the base taking part in a mechanism, by when they joined. */ MembersOfMechanism => mechanism_member by MechanismId, order [JoinedOn asc]);
relation!(/** The mechanisms a city or the base takes part in. */ MechanismsOfMunicipality => mechanism_member by MunicipalityId, order [JoinedOn asc]);
relation!(/** A municipality's parks. */ ParksOfMunicipality => industrial_park by MunicipalityId, order [Code asc], live);
relation!(/** Which segments an organization works in, its primary segment first. */ SegmentLinksOfOrganization => organization_segment by OrganizationId, order [IsPrimary desc]);
relation!(/** An organization's memberships. */ MembershipsOfOrganization => membership by OrganizationId, order [AppliedOn asc]);
relation!(/** The people of an organization. */ PeopleOfOrganization => person by OrganizationId, order [NameZh asc]);
relation!(/** An alliance's formation history. */ StageEventsOfAlliance => alliance_stage_event by AllianceId, order [OccurredOn asc]);
relation!(/** Initiators' consents to the charter. */ ConsentsOfAlliance => charter_consent by AllianceId, order [ConsentedOn asc]);
relation!(/** An alliance's results of joint work, oldest first. */ ResultsOfAlliance => joint_result by AllianceId, order [AchievedOn asc]);
relation!(/** A project's results, oldest first. */ ResultsOfProject => joint_result by ProjectId, order [AchievedOn asc]);
relation!(/** The units holding a result, largest share first. */ HoldersOfResult => result_holder by ResultId, order [SharePercent desc]);
relation!(/** The support measures that funded a result. */ FundingOfResult => result_funding by ResultId, order [Id asc]);
relation!(/** Every version of an alliance's agreement, oldest first. */ AgreementsOfAlliance => agreement by AllianceId, order [SignedOn asc]);
relation!(/** The parties to an agreement, in the order they became parties. */ PartiesOfAgreement => agreement_party by AgreementId, order [AccededOn asc]);
relation!(/** An alliance's plans and reports, by year. */ ReportsOfAlliance => alliance_report by AllianceId, order [Year asc, Kind asc]);
relation!(/** Every version of an alliance's charter, drafts included, oldest first. */ ChartersOfAlliance => charter by AllianceId, order [DraftedOn asc]);
relation!(/** The versions of a charter's supporting rules, by kind, oldest first. */ SupportingRulesOfAlliance => supporting_rule by AllianceId, order [Kind asc, AdoptedOn asc]);
relation!(/** Every post ever held in an alliance. */ PostsOfAlliance => post by AllianceId, order [TermStart asc]);
relation!(/** Posts held for an organization. */ PostsOfOrganization => post by OrganizationId, order [TermStart asc]);
relation!(/** Posts a person holds or held. */ PostsOfPerson => post by PersonId, order [TermStart asc]);
relation!(/** An alliance's working groups. */ WorkingGroupsOfAlliance => working_group by AllianceId, order [EstablishedOn asc]);
relation!(/** An alliance's meetings, oldest first. */ MeetingsOfAlliance => meeting by AllianceId, order [HeldOn asc]);
relation!(/** An alliance's projects. */ ProjectsOfAlliance => project by AllianceId, order [ProposedOn asc]);
relation!(/** Resolutions of a meeting. */ ResolutionsOfMeeting => resolution by MeetingId, order []);
relation!(/** Who attended a meeting. */ AttendanceOfMeeting => meeting_attendance by MeetingId, order []);
relation!(/** Units taking part in a project. */ ParticipantsOfProject => project_participant by ProjectId, order []);
relation!(/** Links where the organization supplies. */ LinksSuppliedBy => supply_link by SupplierId, order [], live);
relation!(/** Links where the organization buys. */ LinksBoughtBy => supply_link by CustomerId, order [], live);
relation!(/** An enterprise's figures, year by year. */ FiguresOfOrganization => enterprise_figure by OrganizationId, order [Year asc]);
relation!(/** An enterprise's designations, oldest first. */ DesignationsOfOrganization => enterprise_designation by OrganizationId, order [GrantedYear asc]);
relation!(/** Support measures benefiting an organization. */ SupportForOrganization => support_measure by BeneficiaryOrganizationId, order [GrantedOn asc]);
relation!(/** Support measures benefiting an alliance. */ SupportForAlliance => support_measure by BeneficiaryAllianceId, order [GrantedOn asc]);

fn of_status(status: Option<MembershipStatus>) -> Condition {
    match status {
        Some(status) => Condition::all().add(membership::Column::Status.eq(status)),
        None => Condition::all(),
    }
}

/// One page of members (of one status, or all) for each alliance, in the order they applied.
pub async fn member_pages(
    db: &Store,
    viewer: &Viewer,
    alliances: &[i64],
    status: Option<MembershipStatus>,
    window: &Window,
) -> Result<HashMap<i64, Page<membership::Model>>> {
    load::child_pages::<membership::Entity>(
        db,
        viewer,
        membership::Column::AllianceId,
        alliances,
        of_status(status),
        &[Sort::asc(membership::Column::AppliedOn)],
        window,
    )
    .await
}

/// How many members (of one status, or all) each alliance has.
pub async fn member_counts(
    db: &Store,
    viewer: &Viewer,
    alliances: &[i64],
    status: Option<MembershipStatus>,
) -> Result<HashMap<i64, i64>> {
    load::child_counts::<membership::Entity>(
        db,
        viewer,
        membership::Column::AllianceId,
        alliances,
        of_status(status),
    )
    .await
}

/// One page of the organizations located in each park, by Chinese name.
pub async fn organization_pages_of_parks(
    db: &Store,
    viewer: &Viewer,
    parks: &[i64],
    window: &Window,
) -> Result<HashMap<i64, Page<organization::Model>>> {
    load::child_pages::<organization::Entity>(
        db,
        viewer,
        organization::Column::ParkId,
        parks,
        Condition::all().add(organization::Column::ArchivedAt.is_null()),
        &[Sort::asc(organization::Column::NameZh)],
        window,
    )
    .await
}

/// How many live organizations each park hosts.
pub async fn organization_counts_of_parks(
    db: &Store,
    viewer: &Viewer,
    parks: &[i64],
) -> Result<HashMap<i64, i64>> {
    load::child_counts::<organization::Entity>(
        db,
        viewer,
        organization::Column::ParkId,
        parks,
        Condition::all().add(organization::Column::ArchivedAt.is_null()),
    )
    .await
}
