//! Relay's `Node`: any object by its global id.

use async_graphql::{Context, ID, Interface, Object};
use entity::{
    agreement, agreement_party, alliance_report, alliance_stage_event, chain_segment, charter,
    charter_consent, coordination_mechanism, department, enterprise_designation, industrial_park,
    joint_result, meeting, membership, municipality, person, post, project, project_participant,
    resolution, sector, supply_link, support_measure, supporting_rule, working_group,
};

use crate::{
    domain::id::{self, Kind},
    error::Error,
    graphql::{
        coordination::CoordinationMechanism,
        directory::{
            ChainSegment, Department, Enterprise, EnterpriseDesignation, EnterpriseYear,
            FinancialInstitution, IndustryAssociation, Municipality, Organization, Park, Person,
            ResearchInstitute, Sector, SocialOrganization, SupplyLink, University,
        },
        formation::{
            Agreement, AgreementParty, Alliance, Charter, CharterConsent, StageEvent,
            SupportingRule,
        },
        governance::{Meeting, Post, Resolution, WorkingGroup},
        loader::row,
        membership::Membership,
        project::{Project, ProjectParticipant},
        report::AllianceReport,
        request,
        result::JointResult,
        support::SupportMeasure,
    },
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
    Charter(Charter),
    SupportingRule(SupportingRule),
    AllianceReport(AllianceReport),
    Agreement(Agreement),
    AgreementParty(AgreementParty),
    JointResult(JointResult),
    CoordinationMechanism(CoordinationMechanism),
    ApiClient(super::clients::ApiClient),
    Person(Person),
    Post(Post),
    WorkingGroup(WorkingGroup),
    Meeting(Meeting),
    Resolution(Resolution),
    Project(Project),
    ProjectParticipant(ProjectParticipant),
    SupplyLink(SupplyLink),
    SupportMeasure(SupportMeasure),
    EnterpriseYear(EnterpriseYear),
    EnterpriseDesignation(EnterpriseDesignation),
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
            Kind::Department => row::<department::Model>(ctx, id)
                .await?
                .map(|m| Node::Department(Department(m))),
            Kind::Municipality => row::<municipality::Model>(ctx, id)
                .await?
                .map(|m| Node::Municipality(Municipality(m))),
            Kind::Sector => row::<sector::Model>(ctx, id)
                .await?
                .map(|m| Node::Sector(Sector(m))),
            Kind::ChainSegment => row::<chain_segment::Model>(ctx, id)
                .await?
                .map(|m| Node::ChainSegment(ChainSegment(m))),
            Kind::Park => row::<industrial_park::Model>(ctx, id)
                .await?
                .map(|m| Node::Park(Park(m))),
            Kind::Organization => Organization::load(ctx, id).await?.map(Node::from),
            Kind::Alliance => Alliance::load(ctx, id).await?.map(Node::Alliance),
            Kind::StageEvent => row::<alliance_stage_event::Model>(ctx, id)
                .await?
                .map(|m| Node::StageEvent(StageEvent(m))),
            Kind::Membership => row::<membership::Model>(ctx, id)
                .await?
                .map(|m| Node::Membership(Membership::new(&viewer, m))),
            Kind::CharterConsent => row::<charter_consent::Model>(ctx, id)
                .await?
                .map(|m| Node::CharterConsent(CharterConsent(m))),
            Kind::Charter => row::<charter::Model>(ctx, id)
                .await?
                .map(|m| Node::Charter(Charter(m))),
            Kind::SupportingRule => row::<supporting_rule::Model>(ctx, id)
                .await?
                .map(|m| Node::SupportingRule(SupportingRule(m))),
            Kind::Report => row::<alliance_report::Model>(ctx, id)
                .await?
                .map(|m| Node::AllianceReport(AllianceReport(m))),
            Kind::Agreement => row::<agreement::Model>(ctx, id)
                .await?
                .map(|m| Node::Agreement(Agreement(m))),
            Kind::AgreementParty => row::<agreement_party::Model>(ctx, id)
                .await?
                .map(|m| Node::AgreementParty(AgreementParty(m))),
            Kind::JointResult => row::<joint_result::Model>(ctx, id)
                .await?
                .map(|m| Node::JointResult(JointResult(m))),
            Kind::CoordinationMechanism => row::<coordination_mechanism::Model>(ctx, id)
                .await?
                .map(|m| Node::CoordinationMechanism(CoordinationMechanism(m))),
            Kind::Person => match row::<person::Model>(ctx, id).await? {
                Some(m) => Some(Node::Person(Person::guard(ctx, m).await?)),
                None => None,
            },
            Kind::Post => row::<post::Model>(ctx, id)
                .await?
                .map(|m| Node::Post(Post(m))),
            Kind::WorkingGroup => row::<working_group::Model>(ctx, id)
                .await?
                .map(|m| Node::WorkingGroup(WorkingGroup(m))),
            Kind::Meeting => row::<meeting::Model>(ctx, id)
                .await?
                .map(|m| Node::Meeting(Meeting(m))),
            Kind::Resolution => row::<resolution::Model>(ctx, id)
                .await?
                .map(|m| Node::Resolution(Resolution(m))),
            Kind::Project => row::<project::Model>(ctx, id)
                .await?
                .map(|m| Node::Project(Project(m))),
            Kind::ProjectParticipant => row::<project_participant::Model>(ctx, id)
                .await?
                .map(|m| Node::ProjectParticipant(ProjectParticipant(m))),
            Kind::SupplyLink => row::<supply_link::Model>(ctx, id)
                .await?
                .map(|m| Node::SupplyLink(SupplyLink::new(&viewer, m))),
            Kind::SupportMeasure => row::<support_measure::Model>(ctx, id)
                .await?
                .map(|m| Node::SupportMeasure(SupportMeasure::new(&viewer, m))),
            Kind::ApiClient => super::clients::visible(ctx, id).await?.map(Node::ApiClient),
            Kind::EnterpriseYear => EnterpriseYear::load(ctx, id)
                .await?
                .map(Node::EnterpriseYear),
            Kind::Designation => row::<enterprise_designation::Model>(ctx, id)
                .await?
                .map(|d| Node::EnterpriseDesignation(EnterpriseDesignation(d))),
        };
        Ok(node)
    }
}

/// `node` and `nodes`: any object by its global id.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global id (null if absent or not visible to the caller).
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        Node::load(ctx, &id).await
    }

    /// Objects by global id, in the order asked (null where absent or not visible). At most 100.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > 100 {
            return Err(Error::bad_input("at most 100 ids per request").into());
        }
        let lookups = ids.iter().map(|id| Node::load(ctx, id));
        futures::future::try_join_all(lookups).await
    }
}
