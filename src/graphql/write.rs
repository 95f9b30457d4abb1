//! What every mutation shares: the service's writer for this request, ids and dates taken from
//! inputs, and the common input shapes (mirrors `service::write`).

use async_graphql::{Context, ID, InputObject};

use super::{request, scalars::Date};
use crate::{
    domain::id::{self, Kind},
    error::Result,
    service::write::Writer,
};

/// The one write path of the service layer, as the caller of this request.
pub(crate) fn writer<'a>(ctx: &Context<'a>) -> async_graphql::Result<Writer<'a>> {
    let request = request(ctx)?;
    Ok(Writer {
        db: &request.db,
        viewer: &request.viewer,
        bus: &request.bus,
        queue: &request.writes,
    })
}

/// An optional reference by global id.
pub(crate) fn decode_opt(global: &Option<ID>, kind: Kind) -> Result<Option<i64>> {
    global.as_ref().map(|g| id::decode_as(g, kind)).transpose()
}

pub(crate) fn date(value: Option<Date>) -> Option<chrono::NaiveDate> {
    value.map(|d| d.0)
}

/// An object and the version the caller last read (for archive/revoke-style changes).
#[derive(InputObject)]
pub struct VersionedInput {
    pub id: ID,
    pub expected_version: i32,
}

/// A unit and the person representing it.
#[derive(InputObject)]
pub struct RepresentativeInput {
    pub organization: ID,
    pub person: ID,
}
