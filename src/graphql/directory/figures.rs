//! An enterprise's figures by year and its designations (`service::figures`).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::{department, enterprise_designation, enterprise_figure, organization};

use super::{Department, Organization};
use crate::{
    domain::id::{self, Kind},
    graphql::{
        enums,
        loader::{maybe_row, row},
        request,
        scalars::Money,
        write::{VersionedInput, writer},
    },
    service::{
        access::{Guarded, Viewer},
        figures::{self, NewDesignation, YearFigures},
    },
};

/// An enterprise's figures for one year. Restricted figures are withheld (null) as on the
/// enterprise itself: exact for OFFICE, the enterprise's MUNICIPALITY and (tax-related) TAX.
pub struct EnterpriseYear(pub Guarded<enterprise_figure::Model>);

impl EnterpriseYear {
    pub fn new(
        viewer: &Viewer,
        model: enterprise_figure::Model,
        municipality_id: Option<i64>,
    ) -> Self {
        Self(viewer.enterprise_figure(model, municipality_id))
    }

    /// A year by its row id, guarded by its enterprise's location.
    pub async fn load(ctx: &Context<'_>, id: i64) -> async_graphql::Result<Option<Self>> {
        let viewer = request(ctx)?.viewer.clone();
        let Some(figure) = row::<enterprise_figure::Model>(ctx, id).await? else {
            return Ok(None);
        };
        let unit = row::<organization::Model>(ctx, figure.organization_id).await?;
        Ok(unit.map(|unit| Self::new(&viewer, figure, unit.municipality_id)))
    }
}

#[Object]
impl EnterpriseYear {
    pub async fn id(&self) -> ID {
        id::encode(Kind::EnterpriseYear, self.0.value.id).into()
    }
    /// Row version, for `expectedVersion` in `recordEnterpriseFigures`.
    async fn version(&self) -> i32 {
        self.0.value.version
    }
    async fn enterprise(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.value.organization_id).await
    }
    async fn year(&self) -> i32 {
        self.0.value.year
    }
    async fn employees(&self) -> Option<i32> {
        self.0.show("employees", |f| f.employees).flatten()
    }
    /// Revenue in yuan (restricted).
    async fn annual_revenue(&self) -> Option<Money> {
        self.0
            .show("annualRevenue", |f| f.annual_revenue.map(Money))
            .flatten()
    }
    /// Industrial output value (工业总产值) in yuan (restricted).
    async fn output_value(&self) -> Option<Money> {
        self.0
            .show("outputValue", |f| f.output_value.map(Money))
            .flatten()
    }
    /// R&D spending in yuan (restricted).
    async fn rnd_spend(&self) -> Option<Money> {
        self.0
            .show("rndSpend", |f| f.rnd_spend.map(Money))
            .flatten()
    }
    /// Taxes paid in yuan (restricted).
    async fn tax_paid(&self) -> Option<Money> {
        self.0.show("taxPaid", |f| f.tax_paid.map(Money)).flatten()
    }
    /// Figures this viewer may not read (shown as null).
    async fn withheld_fields(&self) -> Vec<String> {
        self.0.withheld()
    }
}

/// A designation an enterprise holds or held (专精特新, 高新技术企业, …): public facts, for
/// signed-in callers.
pub struct EnterpriseDesignation(pub enterprise_designation::Model);

#[Object]
impl EnterpriseDesignation {
    pub async fn id(&self) -> ID {
        id::encode(Kind::Designation, self.0.id).into()
    }
    /// Row version, for `expectedVersion` in `removeDesignation`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn enterprise(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.organization_id).await
    }
    /// The designation (names in `labels(enums: ["Designation"])`).
    async fn designation(&self) -> enums::Designation {
        self.0.kind.into()
    }
    async fn granted_year(&self) -> i32 {
        self.0.granted_year
    }
    /// The last year it holds; null: until removed.
    async fn valid_until_year(&self) -> Option<i32> {
        self.0.valid_until_year
    }
    /// Whether it holds in `year` (this year by default).
    async fn held_in(&self, year: Option<i32>) -> bool {
        figures::holds_in(&self.0, year)
    }
    /// The granting department (for national designations, the recommending one), if any.
    async fn department(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Department>> {
        Ok(maybe_row::<department::Model>(ctx, self.0.department_id)
            .await?
            .map(Department))
    }
}

/// One year's figures of an enterprise: a new year, or a change to a recorded one (with the
/// version read). The latest recorded year is also the enterprise's profile.
#[derive(InputObject)]
pub struct RecordEnterpriseFiguresInput {
    pub enterprise_id: ID,
    pub year: i32,
    pub employees: Option<i32>,
    pub annual_revenue: Option<Money>,
    pub output_value: Option<Money>,
    pub rnd_spend: Option<Money>,
    pub tax_paid: Option<Money>,
    /// Required to change a recorded year (CONFLICT without it), absent for a new one.
    pub expected_version: Option<i32>,
}

/// A designation granted to an enterprise.
#[derive(InputObject)]
pub struct DesignateEnterpriseInput {
    pub enterprise_id: ID,
    pub designation: enums::Designation,
    pub granted_year: i32,
    /// The last year it holds, for designations granted for a term (高新技术企业: three years).
    pub valid_until_year: Option<i32>,
    /// The granting (or recommending) department; a DEPARTMENT records only its own.
    pub department: Option<enums::DepartmentCode>,
}

#[derive(SimpleObject)]
pub struct EnterpriseYearPayload {
    pub enterprise_year: EnterpriseYear,
}

#[derive(SimpleObject)]
pub struct DesignationPayload {
    pub designation: EnterpriseDesignation,
}

/// Mutations of enterprises' yearly figures and designations.
#[derive(Default)]
pub struct FiguresMutation;

#[Object]
impl FiguresMutation {
    /// Records an enterprise's figures for a year (OFFICE, or the enterprise's MUNICIPALITY).
    async fn record_enterprise_figures(
        &self,
        ctx: &Context<'_>,
        input: RecordEnterpriseFiguresInput,
    ) -> async_graphql::Result<EnterpriseYearPayload> {
        let organization = id::decode_as(&input.enterprise_id, Kind::Organization)?;
        let viewer = request(ctx)?.viewer.clone();
        let figures = YearFigures {
            employees: input.employees,
            annual_revenue: input.annual_revenue.map(|m| m.0),
            output_value: input.output_value.map(|m| m.0),
            rnd_spend: input.rnd_spend.map(|m| m.0),
            tax_paid: input.tax_paid.map(|m| m.0),
        };
        let figure = writer(ctx)?
            .record_enterprise_figures(organization, input.year, figures, input.expected_version)
            .await?;
        let unit = row::<organization::Model>(ctx, organization).await?;
        Ok(EnterpriseYearPayload {
            enterprise_year: EnterpriseYear::new(
                &viewer,
                figure,
                unit.and_then(|u| u.municipality_id),
            ),
        })
    }

    /// Records a designation (OFFICE, the enterprise's MUNICIPALITY, or the granting
    /// DEPARTMENT). A second one of the same kind may not overlap it in years (CONFLICT).
    async fn designate_enterprise(
        &self,
        ctx: &Context<'_>,
        input: DesignateEnterpriseInput,
    ) -> async_graphql::Result<DesignationPayload> {
        let organization = id::decode_as(&input.enterprise_id, Kind::Organization)?;
        let row = writer(ctx)?
            .designate_enterprise(NewDesignation {
                organization,
                kind: input.designation.into(),
                granted_year: input.granted_year,
                valid_until_year: input.valid_until_year,
                department: input.department.map(Into::into),
            })
            .await?;
        Ok(DesignationPayload {
            designation: EnterpriseDesignation(row),
        })
    }

    /// Removes a designation: one recorded in error, or one to record again with its end year.
    async fn remove_designation(
        &self,
        ctx: &Context<'_>,
        input: VersionedInput,
    ) -> async_graphql::Result<DesignationPayload> {
        let id = id::decode_as(&input.id, Kind::Designation)?;
        let row = writer(ctx)?
            .remove_designation(id, input.expected_version)
            .await?;
        Ok(DesignationPayload {
            designation: EnterpriseDesignation(row),
        })
    }
}
