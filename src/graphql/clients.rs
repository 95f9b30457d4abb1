//! API clients and revocation (`service::clients`, `service::revocation`): the client type, the
//! list a manager sees, and the mutations that register, rotate and disable clients and revoke
//! tokens.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{api_client, token_revocation};

use crate::{
    domain::id::{self, Kind},
    graphql::{
        access::Role,
        enums::{DepartmentCode, MunicipalityCode},
        formation::Alliance,
        request,
        write::{decode_opt, writer},
    },
    service::{
        clients::{self, NewClient},
        revocation::{Revocations, TokenRevocation},
    },
};

/// A department system's credentials: it obtains short-lived access tokens at `/oauth/token`
/// with its `clientId` and secret (OAuth 2.0 client credentials).
pub struct ApiClient(pub api_client::Model);

#[Object]
impl ApiClient {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::ApiClient, self.0.id).into())
    }
    /// The name it signs in with (`client_id`).
    async fn client_id(&self) -> &str {
        &self.0.client_id
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The role its tokens carry.
    async fn role(&self) -> async_graphql::Result<Role> {
        Ok(clients::principal_of(&self.0)?.role.into())
    }
    async fn department(&self) -> Option<DepartmentCode> {
        self.0.department.map(Into::into)
    }
    async fn municipality(&self) -> Option<MunicipalityCode> {
        self.0.municipality.map(Into::into)
    }
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        match self.0.alliance_id {
            Some(id) => Alliance::load(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Until when the secret replaced by the last rotation is still accepted.
    async fn previous_secret_valid_until(&self) -> Option<DateTime<Utc>> {
        self.0.previous_secret_until
    }
    /// When it last obtained a token.
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.0.disabled_at
    }
    /// The subject that registered it.
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

#[derive(Default)]
pub struct ClientQuery;

#[Object]
impl ClientQuery {
    /// The API clients the caller manages, newest first: every one for OFFICE, a department's
    /// own systems for DEPARTMENT.
    async fn api_clients(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiClient>> {
        let request = request(ctx)?;
        Ok(clients::clients(&request.db, &request.viewer)
            .await?
            .into_iter()
            .map(ApiClient)
            .collect())
    }
}

#[derive(InputObject)]
pub struct RegisterApiClientInput {
    /// What the system is, for the people who manage it (`税务局联盟成员同步`).
    pub name: String,
    pub role: Role,
    /// A DEPARTMENT client's department.
    pub department: Option<DepartmentCode>,
    /// A MUNICIPALITY client's city or base.
    pub municipality: Option<MunicipalityCode>,
    /// A SECRETARIAT client's alliance.
    pub alliance: Option<ID>,
}

#[derive(InputObject)]
pub struct RotateApiClientSecretInput {
    pub id: ID,
    pub expected_version: i32,
    /// How long the old secret stays valid, in seconds (default one day; at most 30 days; 0:
    /// at once invalid).
    #[graphql(default = 86400)]
    pub grace_seconds: i32,
}

#[derive(InputObject)]
pub struct DisableApiClientInput {
    pub id: ID,
    pub expected_version: i32,
}

/// A client and its new secret: shown this once, stored only as a hash.
#[derive(SimpleObject)]
pub struct ApiClientSecretPayload {
    pub client: ApiClient,
    pub client_secret: String,
}

#[derive(SimpleObject)]
pub struct ApiClientPayload {
    pub client: ApiClient,
}

#[derive(InputObject)]
pub struct RevokeTokenInput {
    /// The token's `jti`; or give the `token` itself.
    pub jti: Option<String>,
    /// The token (its `jti` and `exp` are read from it; its signature is not checked).
    pub token: Option<String>,
    pub reason: Option<String>,
}

#[derive(InputObject)]
pub struct RevokeSubjectTokensInput {
    /// The subject whose tokens issued until now are refused (as `viewer { subject }` shows it).
    pub subject: String,
    pub reason: Option<String>,
}

/// A revocation, as recorded.
pub struct TokenRevocationRecord(token_revocation::Model);

#[Object]
impl TokenRevocationRecord {
    async fn jti(&self) -> Option<&str> {
        self.0.jti.as_deref()
    }
    async fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }
    /// The subject's tokens issued before this are refused.
    async fn not_before(&self) -> Option<DateTime<Utc>> {
        self.0.not_before
    }
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(SimpleObject)]
pub struct RevocationPayload {
    pub revocation: TokenRevocationRecord,
}

#[derive(Default)]
pub struct ClientMutation;

#[Object]
impl ClientMutation {
    /// Registers an API client for a department system (OFFICE: any role; DEPARTMENT: a
    /// DEPARTMENT client of its own). The secret is in the answer and nowhere else.
    async fn register_api_client(
        &self,
        ctx: &Context<'_>,
        input: RegisterApiClientInput,
    ) -> async_graphql::Result<ApiClientSecretPayload> {
        let new = NewClient {
            name: input.name,
            role: input.role.into(),
            department: input.department.map(Into::into),
            municipality: input.municipality.map(Into::into),
            alliance: decode_opt(&input.alliance, Kind::Alliance)?,
        };
        let issued = writer(ctx)?.register_api_client(new).await?;
        Ok(ApiClientSecretPayload {
            client: ApiClient(issued.client),
            client_secret: issued.secret,
        })
    }

    /// Gives a client a new secret; the old one stays valid for the grace period.
    async fn rotate_api_client_secret(
        &self,
        ctx: &Context<'_>,
        input: RotateApiClientSecretInput,
    ) -> async_graphql::Result<ApiClientSecretPayload> {
        let grace = u64::try_from(input.grace_seconds)
            .map_err(|_| crate::error::Error::bad_input("a grace period is not negative"))?;
        let issued = writer(ctx)?
            .rotate_api_client_secret(
                id::decode_as(&input.id, Kind::ApiClient)?,
                input.expected_version,
                std::time::Duration::from_secs(grace),
            )
            .await?;
        Ok(ApiClientSecretPayload {
            client: ApiClient(issued.client),
            client_secret: issued.secret,
        })
    }

    /// Disables a client: no more tokens, and those it holds are refused on every replica
    /// within seconds.
    async fn disable_api_client(
        &self,
        ctx: &Context<'_>,
        input: DisableApiClientInput,
    ) -> async_graphql::Result<ApiClientPayload> {
        let client = writer(ctx)?
            .disable_api_client(
                id::decode_as(&input.id, Kind::ApiClient)?,
                input.expected_version,
            )
            .await?;
        known_here(ctx).await;
        Ok(ApiClientPayload {
            client: ApiClient(client),
        })
    }

    /// Revokes one token (OFFICE), by its `jti` or the token itself.
    async fn revoke_token(
        &self,
        ctx: &Context<'_>,
        input: RevokeTokenInput,
    ) -> async_graphql::Result<RevocationPayload> {
        let revocation = match (input.jti, input.token) {
            (Some(jti), None) => TokenRevocation {
                jti,
                expires_at: None,
                reason: input.reason,
            },
            (None, Some(token)) => {
                let claims =
                    jsonwebtoken::dangerous::insecure_decode::<serde_json::Value>(token.trim())
                        .map_err(|_| crate::error::Error::bad_input("`token` is not a JWT"))?
                        .claims;
                let jti = claims.get("jti").and_then(|v| v.as_str()).ok_or_else(|| {
                    crate::error::Error::bad_input(
                        "the token has no jti: revoke its subject's tokens instead",
                    )
                })?;
                TokenRevocation {
                    jti: jti.to_owned(),
                    expires_at: claims
                        .get("exp")
                        .and_then(|v| v.as_i64())
                        .and_then(|exp| DateTime::from_timestamp(exp, 0)),
                    reason: input.reason,
                }
            }
            _ => {
                return Err(crate::error::Error::bad_input("give either `jti` or `token`").into());
            }
        };
        let row = writer(ctx)?.revoke_token(revocation).await?;
        known_here(ctx).await;
        Ok(RevocationPayload {
            revocation: TokenRevocationRecord(row),
        })
    }

    /// Refuses every token of a subject issued until now (OFFICE): the subject must sign in
    /// again.
    async fn revoke_subject_tokens(
        &self,
        ctx: &Context<'_>,
        input: RevokeSubjectTokensInput,
    ) -> async_graphql::Result<RevocationPayload> {
        let row = writer(ctx)?
            .revoke_subject(input.subject, input.reason)
            .await?;
        known_here(ctx).await;
        Ok(RevocationPayload {
            revocation: TokenRevocationRecord(row),
        })
    }
}

/// A revocation just committed counts on this replica at once (the others read it within
/// seconds); if it cannot be read now, the background read will.
async fn known_here(ctx: &Context<'_>) {
    if let Ok(revocations) = ctx.data::<Revocations>()
        && let Err(err) = revocations.reconcile().await
    {
        tracing::warn!(error = %err, "cannot read revoked tokens");
    }
}

/// The client `id` if the caller manages it (`node`).
pub async fn visible(ctx: &Context<'_>, id: i64) -> async_graphql::Result<Option<ApiClient>> {
    let request = request(ctx)?;
    Ok(clients::client(&request.db, &request.viewer, id)
        .await?
        .map(ApiClient))
}
