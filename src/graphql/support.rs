//! Support measures of the departments, the cities and the base (`service::support`): the type,
//! the list and the mutations.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::{department, municipality, support_measure};

use crate::{
    domain::id::{self, Kind},
    error::Error,
    graphql::{
        connection::{Conn, list, page},
        directory::{Department, Municipality, Organization},
        enums,
        formation::Alliance,
        inputs::{SupportMeasureFilter, SupportMeasureOrderBy},
        loader::maybe_row,
        request,
        scalars::{Date, Money},
        write::VersionedInput,
        write::{date, decode_opt, writer},
    },
    service::{
        access::{Guarded, Viewer},
        listing,
        support::{Grantor, NewSupport, SupportChanges},
    },
};

/// Support given by a department (plan §四(二), §四(三)), or by a city or the Ningdong base as its
/// own measure (§四(一)). Amount and beneficiary are detail: OFFICE and the owner see them (tax
/// incentives: OFFICE and TAX); others get aggregates.
pub struct SupportMeasure(pub Guarded<support_measure::Model>);

impl SupportMeasure {
    pub fn new(viewer: &Viewer, model: support_measure::Model) -> Self {
        Self(viewer.support_measure(model))
    }
}

#[Object]
impl SupportMeasure {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::SupportMeasure, self.0.value.id).into())
    }
    /// The department that grants it (null for a city's or the base's own measure).
    async fn department(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Department>> {
        Ok(
            maybe_row::<department::Model>(ctx, self.0.value.department_id)
                .await?
                .map(Department),
        )
    }
    /// The city or the base that grants it as its own measure (null for a department's).
    async fn municipality(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Municipality>> {
        Ok(
            maybe_row::<municipality::Model>(ctx, self.0.value.municipality_id)
                .await?
                .map(Municipality),
        )
    }
    async fn kind(&self) -> enums::SupportKind {
        self.0.value.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.value.title
    }
    async fn beneficiary_organization(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organization>> {
        match self
            .0
            .show("beneficiaryOrganization", |m| m.beneficiary_organization_id)
            .flatten()
        {
            Some(id) => Organization::load(ctx, id).await,
            None => Ok(None),
        }
    }
    async fn beneficiary_alliance(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Alliance>> {
        match self.0.value.beneficiary_alliance_id {
            Some(id) => Alliance::load(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Amount in yuan.
    async fn amount(&self) -> Option<Money> {
        self.0.show("amount", |m| Money(m.amount))
    }
    async fn granted_on(&self) -> Date {
        Date(self.0.value.granted_on)
    }
    async fn status(&self) -> enums::SupportStatus {
        self.0.value.status.into()
    }
    async fn is_demo(&self) -> bool {
        self.0.value.is_demo
    }
    async fn version(&self) -> i32 {
        self.0.value.version
    }
    /// Fields withheld from this caller.
    async fn withheld_fields(&self) -> Vec<String> {
        self.0.withheld()
    }
}

/// `supportMeasures`.
#[derive(Default)]
pub struct SupportQuery;

#[Object]
impl SupportQuery {
    /// Support measures of the departments, the cities and the base (not public; detail only for
    /// OFFICE and the owner).
    #[allow(clippy::too_many_arguments)]
    async fn support_measures(
        &self,
        ctx: &Context<'_>,
        filter: Option<SupportMeasureFilter>,
        order_by: Option<Vec<SupportMeasureOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<SupportMeasure>> {
        let viewer = request(ctx)?.viewer.clone();
        let filter = SupportMeasureFilter::convert(filter)?;
        let listing = listing::support_measures(
            &viewer,
            filter.as_ref(),
            &SupportMeasureOrderBy::sorts(order_by),
        )?;
        list(ctx, listing, page(first, after, last, before), |m| {
            SupportMeasure::new(&viewer, m)
        })
        .await
    }
}

#[derive(InputObject)]
pub struct CreateSupportMeasureInput {
    /// The granting department (a DEPARTMENT caller: its own). Name exactly one of
    /// `department` and `municipality`.
    pub department: Option<enums::DepartmentCode>,
    /// The granting city or base, for its own measure (a MUNICIPALITY caller: its own).
    pub municipality: Option<enums::MunicipalityCode>,
    pub kind: enums::SupportKind,
    pub title: String,
    pub beneficiary_organization: Option<ID>,
    pub beneficiary_alliance: Option<ID>,
    pub amount: Money,
    pub granted_on: Date,
    #[graphql(default_with = "enums::SupportStatus::Granted")]
    pub status: enums::SupportStatus,
}

#[derive(InputObject)]
pub struct UpdateSupportMeasureInput {
    pub id: ID,
    pub expected_version: i32,
    pub title: Option<String>,
    pub amount: Option<Money>,
    pub granted_on: Option<Date>,
    pub status: Option<enums::SupportStatus>,
}

#[derive(SimpleObject)]
pub struct SupportMeasurePayload {
    pub support_measure: SupportMeasure,
}

#[derive(Default)]
pub struct SupportMutation;

#[Object]
impl SupportMutation {
    /// Records a support measure (OFFICE; a DEPARTMENT or a MUNICIPALITY its own).
    async fn create_support_measure(
        &self,
        ctx: &Context<'_>,
        input: CreateSupportMeasureInput,
    ) -> async_graphql::Result<SupportMeasurePayload> {
        let grantor = match (input.department, input.municipality) {
            (Some(code), None) => Grantor::Department(code.into()),
            (None, Some(code)) => Grantor::Municipality(code.into()),
            _ => {
                return Err(Error::bad_input(
                    "name exactly one of `department` and `municipality` as the grantor",
                )
                .into());
            }
        };
        let new = NewSupport {
            grantor,
            kind: input.kind.into(),
            title: input.title,
            beneficiary_organization: decode_opt(
                &input.beneficiary_organization,
                Kind::Organization,
            )?,
            beneficiary_alliance: decode_opt(&input.beneficiary_alliance, Kind::Alliance)?,
            amount: input.amount.0,
            granted_on: input.granted_on.0,
            status: input.status.into(),
        };
        let row = writer(ctx)?.create_support_measure(new).await?;
        Ok(SupportMeasurePayload {
            support_measure: SupportMeasure::new(&request(ctx)?.viewer, row),
        })
    }

    async fn update_support_measure(
        &self,
        ctx: &Context<'_>,
        input: UpdateSupportMeasureInput,
    ) -> async_graphql::Result<SupportMeasurePayload> {
        let changes = SupportChanges {
            expected_version: input.expected_version,
            title: input.title,
            amount: input.amount.map(|m| m.0),
            granted_on: date(input.granted_on),
            status: input.status.map(Into::into),
        };
        let row = writer(ctx)?
            .update_support_measure(
                id::decode_as(&input.id, Kind::SupportMeasure)?,
                changes,
                false,
            )
            .await?;
        Ok(SupportMeasurePayload {
            support_measure: SupportMeasure::new(&request(ctx)?.viewer, row),
        })
    }

    /// Marks a measure REVOKED (measures are never deleted).
    async fn revoke_support_measure(
        &self,
        ctx: &Context<'_>,
        input: VersionedInput,
    ) -> async_graphql::Result<SupportMeasurePayload> {
        let changes = SupportChanges {
            expected_version: input.expected_version,
            ..Default::default()
        };
        let row = writer(ctx)?
            .update_support_measure(
                id::decode_as(&input.id, Kind::SupportMeasure)?,
                changes,
                true,
            )
            .await?;
        Ok(SupportMeasurePayload {
            support_measure: SupportMeasure::new(&request(ctx)?.viewer, row),
        })
    }
}
