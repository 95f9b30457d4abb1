//! Relay's `Node`: any object by its global id.

use async_graphql::{Context, ID, Interface};
use entity::{
    alliance_stage_event, chain_segment, charter_consent, department, industrial_park, meeting,
    membership, municipality, person, post, project, project_participant, resolution, sector,
    supply_link, support_measure, working_group,
};

use super::{
    activity::{Person, Project, ProjectParticipant, SupplyLink, SupportMeasure},
    alliance::{
        Alliance, CharterConsent, Meeting, Membership, Post, Resolution, StageEvent, WorkingGroup,
    },
    organization::{
        Enterprise, FinancialInstitution, IndustryAssociation, Organization, ResearchInstitute,
        SocialOrganization, University,
    },
    reference::{ChainSegment, Department, Municipality, Park, Sector},
    row,
};
use crate::{
    domain::id::{self, Kind},
    graphql::request,
};

/// An object with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Globally unique, opaque id."))]
pub enum Node {
    Department(Department),
    Municipality(Municipality),
    Sector(Sector),
    ChainSegment(ChainSegment),
    Park(Park),
    Enterprise(Enterprise),
    University(University),
    ResearchInstitute(ResearchInstitute),
    IndustryAssociation(IndustryAssociation),
    SocialOrganization(SocialOrganization),
    FinancialInstitution(FinancialInstitution),
    Alliance(Alliance),
    StageEvent(StageEvent),
    Membership(Membership),
    CharterConsent(CharterConsent),
    Person(Person),
    Post(Post),
    WorkingGroup(WorkingGroup),
    Meeting(Meeting),
    Resolution(Resolution),
    Project(Project),
    ProjectParticipant(ProjectParticipant),
    SupplyLink(SupplyLink),
    SupportMeasure(SupportMeasure),
}

impl From<Organization> for Node {
    fn from(organization: Organization) -> Self {
        match organization {
            Organization::Enterprise(o) => Node::Enterprise(o),
            Organization::University(o) => Node::University(o),
            Organization::ResearchInstitute(o) => Node::ResearchInstitute(o),
            Organization::IndustryAssociation(o) => Node::IndustryAssociation(o),
            Organization::SocialOrganization(o) => Node::SocialOrganization(o),
            Organization::FinancialInstitution(o) => Node::FinancialInstitution(o),
        }
    }
}

impl Node {
    /// The object behind a global id, if it exists and the caller may see it.
    pub async fn load(ctx: &Context<'_>, global: &str) -> async_graphql::Result<Option<Node>> {
        let (kind, id) = id::decode(global)?;
        let viewer = request(ctx)?.viewer.clone();
        let node = match kind {
            Kind::Department => row::<department::Entity>(ctx, id)
                .await?
                .map(|m| Node::Department(Department(m))),
            Kind::Municipality => row::<municipality::Entity>(ctx, id)
                .await?
                .map(|m| Node::Municipality(Municipality(m))),
            Kind::Sector => row::<sector::Entity>(ctx, id)
                .await?
                .map(|m| Node::Sector(Sector(m))),
            Kind::ChainSegment => row::<chain_segment::Entity>(ctx, id)
                .await?
                .map(|m| Node::ChainSegment(ChainSegment(m))),
            Kind::Park => row::<industrial_park::Entity>(ctx, id)
                .await?
                .map(|m| Node::Park(Park(m))),
            Kind::Organization => Organization::load(ctx, id).await?.map(Node::from),
            Kind::Alliance => Alliance::load(ctx, id).await?.map(Node::Alliance),
            Kind::StageEvent => row::<alliance_stage_event::Entity>(ctx, id)
                .await?
                .map(|m| Node::StageEvent(StageEvent(m))),
            Kind::Membership => row::<membership::Entity>(ctx, id)
                .await?
                .map(|m| Node::Membership(Membership::new(&viewer, m))),
            Kind::CharterConsent => row::<charter_consent::Entity>(ctx, id)
                .await?
                .map(|m| Node::CharterConsent(CharterConsent(m))),
            Kind::Person => match row::<person::Entity>(ctx, id).await? {
                Some(m) => Some(Node::Person(Person::guard(ctx, m).await?)),
                None => None,
            },
            Kind::Post => row::<post::Entity>(ctx, id)
                .await?
                .map(|m| Node::Post(Post(m))),
            Kind::WorkingGroup => row::<working_group::Entity>(ctx, id)
                .await?
                .map(|m| Node::WorkingGroup(WorkingGroup(m))),
            Kind::Meeting => row::<meeting::Entity>(ctx, id)
                .await?
                .map(|m| Node::Meeting(Meeting(m))),
            Kind::Resolution => row::<resolution::Entity>(ctx, id)
                .await?
                .map(|m| Node::Resolution(Resolution(m))),
            Kind::Project => row::<project::Entity>(ctx, id)
                .await?
                .map(|m| Node::Project(Project(m))),
            Kind::ProjectParticipant => row::<project_participant::Entity>(ctx, id)
                .await?
                .map(|m| Node::ProjectParticipant(ProjectParticipant(m))),
            Kind::SupplyLink => row::<supply_link::Entity>(ctx, id)
                .await?
                .map(|m| Node::SupplyLink(SupplyLink::new(&viewer, m))),
            Kind::SupportMeasure => row::<support_measure::Entity>(ctx, id)
                .await?
                .map(|m| Node::SupportMeasure(SupportMeasure::new(&viewer, m))),
        };
        Ok(node)
    }
}
