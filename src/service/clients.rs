//! API clients: the credentials a department's system signs in with (OAuth 2.0 client
//! credentials, RFC 6749 §4.4). The office registers any; a department its own systems. A
//! client's secret is shown once, when it is made, and stored only as an argon2 hash; rotating
//! it keeps the old secret valid for a grace period; disabling a client revokes its tokens on
//! every replica ([`super::revocation`]). Every change is audited (never the hashes).

use chrono::{DateTime, Utc};
use entity::{
    alliance, api_client,
    enums::{DepartmentCode, MunicipalityCode},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};

use super::{
    access::Viewer,
    revocation::revocation_row,
    write::{Tx, Writer, check_version},
};
use crate::{
    database::Store,
    domain::principal::{Principal, Role},
    error::{Error, Result},
};

/// The longest grace period a rotated secret may keep.
pub const MAX_GRACE: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// A client to register: its name and the role and scope its tokens carry.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub name: String,
    pub role: Role,
    pub department: Option<DepartmentCode>,
    pub municipality: Option<MunicipalityCode>,
    /// The alliance (database id) of a SECRETARIAT client.
    pub alliance: Option<i64>,
}

/// A client with its new secret, which is shown this once.
#[derive(Debug, Clone)]
pub struct Issued {
    pub client: api_client::Model,
    pub secret: String,
}

/// The subject a client's tokens carry.
pub fn subject_of(client_id: &str) -> String {
    format!("client:{client_id}")
}

/// The caller a client's tokens stand for.
pub fn principal_of(client: &api_client::Model) -> Result<Principal> {
    Ok(Principal {
        subject: subject_of(&client.client_id),
        role: role_of(client)?,
        department: client.department,
        municipality: client.municipality,
        alliance: client.alliance_id,
    })
}

fn role_of(client: &api_client::Model) -> Result<Role> {
    crate::auth::parse_code::<Role>(&client.role).ok_or_else(|| {
        Error::internal(format!("api client {} has role {}", client.id, client.role))
    })
}

/// The clients the caller manages, newest first (the office: all; a department: its own).
pub async fn clients(db: &Store, viewer: &Viewer) -> Result<Vec<api_client::Model>> {
    let mut query = api_client::Entity::find().order_by_desc(api_client::Column::Id);
    match viewer.role() {
        Role::Office => {}
        Role::Department => {
            query = query
                .filter(api_client::Column::Role.eq(Role::Department.as_str()))
                .filter(api_client::Column::Department.eq(viewer.principal.department));
        }
        _ => {
            return Err(Error::forbidden(
                "API clients are managed by the office and by each department for its systems",
            ));
        }
    }
    Ok(query.all(db).await?)
}

/// The client `id`, if the caller manages it.
pub async fn client(db: &Store, viewer: &Viewer, id: i64) -> Result<Option<api_client::Model>> {
    let Some(client) = api_client::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let role = role_of(&client)?;
    Ok(viewer
        .may_manage_api_client(role, client.department)
        .then_some(client))
}

/// Why a client was not given a token (RFC 6749 §5.2 `invalid_client`): for the log only.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub &'static str);

/// The client whose id and secret these are, if it is enabled; notes its use. A wrong id costs
/// as long as a wrong secret, so that ids cannot be probed.
pub async fn authenticate(
    db: &Store,
    client_id: &str,
    secret: &str,
) -> Result<std::result::Result<api_client::Model, Refused>> {
    let client = api_client::Entity::find()
        .filter(api_client::Column::ClientId.eq(client_id))
        .one(db)
        .await?;
    let now = Utc::now();
    let hashes = match &client {
        Some(client) => {
            let previous = client.previous_secret_hash.clone().filter(|_| {
                client
                    .previous_secret_until
                    .is_some_and(|until| until > now)
            });
            (client.secret_hash.clone(), previous)
        }
        None => (String::new(), None),
    };
    let secret = secret.to_owned();
    let matched = tokio::task::spawn_blocking(move || {
        let hashes = match hashes.0.is_empty() {
            true => (unknown_client(), None),
            false => hashes,
        };
        verify_secret(&secret, &hashes.0)
            || hashes
                .1
                .is_some_and(|previous| verify_secret(&secret, &previous))
    })
    .await
    .map_err(Error::internal)?;
    let Some(client) = client else {
        return Ok(Err(Refused("unknown client id")));
    };
    if !matched {
        return Ok(Err(Refused("wrong client secret")));
    }
    if client.disabled_at.is_some() {
        return Ok(Err(Refused("the client is disabled")));
    }
    api_client::Entity::update_many()
        .col_expr(
            api_client::Column::LastUsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(api_client::Column::Id.eq(client.id))
        .exec(db)
        .await?;
    Ok(Ok(client))
}

/// A hash no secret matches (of a random secret nobody kept), checked for unknown client ids.
fn unknown_client() -> String {
    use argon2::{Argon2, PasswordHasher, password_hash::SaltString};
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        SaltString::encode_b64(&rand::random::<[u8; 16]>())
            .ok()
            .and_then(|salt| {
                let nobody = rand::random::<[u8; 32]>();
                Argon2::default()
                    .hash_password(&nobody, &salt)
                    .ok()
                    .map(|hash| hash.to_string())
            })
            .unwrap_or_default()
    })
    .clone()
}

fn verify_secret(secret: &str, hash: &str) -> bool {
    use argon2::{Argon2, PasswordHash, PasswordVerifier};
    PasswordHash::new(hash).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &hash)
            .is_ok()
    })
}

/// A new random secret and its argon2 hash.
async fn new_secret() -> Result<(String, String)> {
    use argon2::{Argon2, PasswordHasher, password_hash::SaltString};
    use base64::Engine;
    let secret =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(Error::internal)?;
    let plain = secret.clone();
    let hash = tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(plain.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(Error::internal)?
    .map_err(Error::internal)?;
    Ok((secret, hash))
}

impl Tx<'_> {
    async fn api_client(&mut self, id: i64) -> Result<api_client::Model> {
        let client = self.find::<api_client::Entity>(id, "API client").await?;
        let role = role_of(&client)?;
        let allowed = self.viewer.may_manage_api_client(role, client.department);
        self.authorize(
            allowed,
            "api_client",
            Some(id),
            "a department manages only its own systems' clients",
        )?;
        Ok(client)
    }
}

impl Writer<'_> {
    /// Registers a client; its secret is in the answer and nowhere else.
    pub async fn register_api_client(self, new: NewClient) -> Result<Issued> {
        let (secret, hash) = new_secret().await?;
        let mut tx = self.begin("registerApiClient").await?;
        let outcome = async {
            let allowed = tx.viewer.may_manage_api_client(new.role, new.department);
            tx.authorize(
                allowed,
                "api_client",
                None,
                "the office registers clients; a department only DEPARTMENT clients of its own",
            )?;
            let name = new.name.trim();
            if name.is_empty() || name.chars().count() > 200 {
                return Err(Error::bad_input("a client's name is 1 to 200 characters"));
            }
            check_scope(&new)?;
            if let Some(id) = new.alliance {
                tx.find::<alliance::Entity>(id, "alliance").await?;
            }
            let client_id = format!("hub-{:024x}", rand::random::<u128>() >> 32);
            let row = api_client::ActiveModel {
                client_id: Set(client_id),
                name: Set(name.to_owned()),
                role: Set(new.role.as_str().to_owned()),
                department: Set(new.department),
                municipality: Set(new.municipality),
                alliance_id: Set(new.alliance),
                secret_hash: Set(hash),
                created_by: Set(tx.viewer.principal.subject.clone()),
                version: Set(1),
                created_at: Set(tx.now),
                updated_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            tx.record("api_client", row.id, None, None, Some(&row))
                .await?;
            Ok(row)
        }
        .await;
        let client = tx.finish(outcome).await?;
        Ok(Issued { client, secret })
    }

    /// Gives a client a new secret; the old one stays valid for `grace` (none: at once
    /// invalid), so that the system can be switched over without a gap.
    pub async fn rotate_api_client_secret(
        self,
        id: i64,
        expected_version: i32,
        grace: std::time::Duration,
    ) -> Result<Issued> {
        if grace > MAX_GRACE {
            return Err(Error::bad_input("a grace period is at most 30 days"));
        }
        let (secret, hash) = new_secret().await?;
        let mut tx = self.begin("rotateApiClientSecret").await?;
        let outcome = async {
            let before = tx.api_client(id).await?;
            check_version(before.version, expected_version, "API client")?;
            if before.disabled_at.is_some() {
                return Err(Error::Conflict(
                    "a disabled client cannot be given a secret".into(),
                ));
            }
            let until: Option<DateTime<Utc>> = (!grace.is_zero())
                .then(|| tx.now + chrono::Duration::from_std(grace).unwrap_or_default());
            let mut row = before.clone().into_active_model();
            row.previous_secret_hash = Set(until.map(|_| before.secret_hash.clone()));
            row.previous_secret_until = Set(until);
            row.secret_hash = Set(hash);
            tx.save("api_client", id, None, &before, row).await
        }
        .await;
        let client = tx.finish(outcome).await?;
        Ok(Issued { client, secret })
    }

    /// Disables a client: it gets no more tokens, and the tokens it holds are revoked.
    pub async fn disable_api_client(
        self,
        id: i64,
        expected_version: i32,
    ) -> Result<api_client::Model> {
        let mut tx = self.begin("disableApiClient").await?;
        let outcome = async {
            let before = tx.api_client(id).await?;
            check_version(before.version, expected_version, "API client")?;
            if before.disabled_at.is_some() {
                return Err(Error::Conflict("the client is already disabled".into()));
            }
            let mut row = before.clone().into_active_model();
            row.disabled_at = Set(Some(tx.now));
            row.previous_secret_hash = Set(None);
            row.previous_secret_until = Set(None);
            let after = tx.save("api_client", id, None, &before, row).await?;
            // Every token the client holds, and any it might still be issued, is refused.
            let forever = DateTime::<Utc>::MAX_UTC;
            let revocation = revocation_row(
                &tx.viewer.principal.subject,
                None,
                Some(subject_of(&before.client_id)),
                Some(forever),
                None,
                Some(format!("API client {} disabled", before.name)),
                tx.now,
            )
            .insert(&tx.db)
            .await?;
            tx.record(
                "token_revocation",
                revocation.id,
                None,
                None,
                Some(&revocation),
            )
            .await?;
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }
}

/// A client's scope is its role's, as a token's would be: a DEPARTMENT names its department, a
/// MUNICIPALITY its municipality, a SECRETARIAT its alliance, and nothing else is named.
fn check_scope(new: &NewClient) -> Result<()> {
    let needs = match new.role {
        Role::Public => return Err(Error::bad_input("PUBLIC needs no client: it has no token")),
        Role::Department => (true, false, false),
        Role::Municipality => (false, true, false),
        Role::Secretariat => (false, false, true),
        Role::Office | Role::Analyst => (false, false, false),
    };
    let has = (
        new.department.is_some(),
        new.municipality.is_some(),
        new.alliance.is_some(),
    );
    if needs != has {
        return Err(Error::bad_input(format!(
            "a {} client names {}",
            new.role.as_str(),
            match new.role {
                Role::Department => "its department and nothing else",
                Role::Municipality => "its municipality and nothing else",
                Role::Secretariat => "its alliance and nothing else",
                _ => "no department, municipality or alliance",
            }
        )));
    }
    Ok(())
}
