//! Who the caller is and what they may do: the `viewer` root field over `service::access`.

use async_graphql::{Context, Enum, Object};

use super::{
    directory::{Department, Municipality},
    formation::Alliance,
};
use crate::{
    domain::principal,
    graphql::request,
    service::{access, lookup},
};

/// A role of DESIGN.md; PUBLIC is a caller without a token.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::principal::Role")]
pub enum Role {
    Office,
    Department,
    Municipality,
    Secretariat,
    Analyst,
    Public,
}

/// Something the caller may do.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::access::Capability")]
pub enum Capability {
    /// Departments, municipalities, sectors, segments, parks.
    ReadReferenceData,
    /// Founded alliances and their active member units' names.
    ReadFoundedAlliances,
    /// Alliances at every stage.
    ReadAllAlliances,
    /// Posts, meetings, resolutions, working groups, projects.
    ReadGovernance,
    /// Alliances' work plans and reports, and which alliances owe them.
    ReadReports,
    /// Organizations with their non-restricted details.
    ReadOrganizations,
    /// Supply links (without their values).
    ReadChainGraph,
    /// People, with masked contact details.
    ReadPeople,
    /// Every person's phone and e-mail.
    ReadAllContactDetails,
    /// Phone and e-mail of people holding posts in the caller's alliance.
    ReadAllianceContactDetails,
    /// Every enterprise's financial figures.
    ReadAllEnterpriseFigures,
    /// Financial figures of enterprises in the caller's municipality.
    ReadTerritoryEnterpriseFigures,
    /// Tax-related figures (revenue, taxes paid) of every enterprise.
    ReadTaxRelatedFigures,
    /// Amounts and beneficiaries of every support measure.
    ReadAllSupportDetail,
    /// Amounts and beneficiaries of the caller's department's measures.
    ReadOwnSupportDetail,
    /// Values of supply links.
    ReadSupplyLinkValues,
    /// Every mutation; approvals; reference data.
    WriteEverything,
    /// The caller's department's support measures.
    WriteOwnSupportMeasures,
    /// Parks and organizations located in the caller's municipality, and alliance initiatives
    /// of units there (which the office confirms).
    WriteTerritoryOrganizations,
    /// The caller's alliance: formation, membership, meetings, elections, groups, projects.
    WriteOwnAlliance,
}

/// The caller.
pub struct Viewer;

#[Object]
impl Viewer {
    /// The token's subject (`anonymous` without a token).
    async fn subject(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(request(ctx)?.viewer.principal.subject.clone())
    }
    async fn role(&self, ctx: &Context<'_>) -> async_graphql::Result<Role> {
        Ok(request(ctx)?.viewer.role().into())
    }
    /// The department of a DEPARTMENT caller.
    async fn department(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Department>> {
        let request = request(ctx)?;
        match request.viewer.principal.department {
            Some(code) => Ok(lookup::department(&request.db, code).await?.map(Department)),
            None => Ok(None),
        }
    }
    /// The municipality of a MUNICIPALITY caller.
    async fn municipality(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Municipality>> {
        let request = request(ctx)?;
        match request.viewer.principal.municipality {
            Some(code) => Ok(lookup::municipality(&request.db, code)
                .await?
                .map(Municipality)),
            None => Ok(None),
        }
    }
    /// The alliance of a SECRETARIAT caller.
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        match request(ctx)?.viewer.principal.alliance {
            Some(id) => Alliance::load(ctx, id).await,
            None => Ok(None),
        }
    }
    /// What the caller may read and write.
    async fn capabilities(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Capability>> {
        Ok(request(ctx)?
            .viewer
            .capabilities()
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

// Keep the remote enums honest: every role and capability of the service has an API name.
const _: fn(principal::Role) -> Role = Role::from;
const _: fn(access::Capability) -> Capability = Capability::from;

/// The `viewer` root field.
#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// The caller: who they are and what they may do.
    async fn viewer(&self) -> Viewer {
        Viewer
    }
}
