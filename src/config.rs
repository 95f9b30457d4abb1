//! Configuration: environment variables (see `.env.example`), overridden by command-line flags.

use std::{net::SocketAddr, path::PathBuf};

use jsonwebtoken::Algorithm;

use crate::{
    auth::{JwtKeys, PublicKey},
    error::{Error, Result},
    graphql::executor::MAX_RUNNING_COST,
    service::{budget::BudgetLimits, disclosure::Rules},
};

/// Settings shared by every subcommand that touches the database or tokens.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Database URL (`sqlite://…` or `postgres://…`). Default: a SQLite file in the data directory.
    #[arg(long, global = true, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// A PostgreSQL streaming replica of DATABASE_URL for queries, statistics and exports
    /// (writes, subscriptions and a caller's reads after its own writes use the primary).
    #[arg(long, global = true, env = "DATABASE_READ_URL")]
    pub database_read_url: Option<String>,
    /// Where the embedded SQLite database and the generated JWT secret live.
    #[arg(long, global = true, env = "HUB_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// HS256 secret for bearer tokens. Default: generated once and kept in the data directory.
    #[arg(long, global = true, env = "HUB_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// During a key rotation, the secret being replaced: tokens it signed stay valid until they
    /// expire; new tokens are signed with HUB_JWT_SECRET.
    #[arg(
        long,
        global = true,
        env = "HUB_JWT_PREVIOUS_SECRET",
        hide_env_values = true
    )]
    pub jwt_previous_secret: Option<String>,
    /// Required `iss` claim.
    #[arg(
        long,
        global = true,
        env = "HUB_JWT_ISSUER",
        default_value = "alliance-hub"
    )]
    pub jwt_issuer: String,
    /// Required `aud` claim.
    #[arg(
        long,
        global = true,
        env = "HUB_JWT_AUDIENCE",
        default_value = "alliance-hub"
    )]
    pub jwt_audience: String,
    /// PEM file of an RS256 public key whose tokens are also accepted.
    #[arg(long, global = true, env = "HUB_JWT_RS256_PUBLIC_KEY")]
    pub jwt_rs256_public_key: Option<PathBuf>,
    /// PEM file of an ES256 public key whose tokens are also accepted.
    #[arg(long, global = true, env = "HUB_JWT_ES256_PUBLIC_KEY")]
    pub jwt_es256_public_key: Option<PathBuf>,
    /// PEM file of an Ed25519 (EdDSA) public key whose tokens are also accepted.
    #[arg(long, global = true, env = "HUB_JWT_EDDSA_PUBLIC_KEY")]
    pub jwt_eddsa_public_key: Option<PathBuf>,
    /// `typ` headers accepted on tokens, comma-separated (a token without `typ` is accepted).
    #[arg(
        long,
        global = true,
        env = "HUB_JWT_TYPES",
        value_delimiter = ',',
        default_value = "at+jwt,JWT"
    )]
    pub jwt_types: Vec<String>,
    /// A JSON file naming key sources besides the hub's own: OpenID providers' JWKS URLs and
    /// PEM keys, each with its issuer, audience, algorithms and claim mapping (`docs/identity.md`).
    #[arg(long, global = true, env = "HUB_IDENTITY_FILE")]
    pub identity_file: Option<PathBuf>,
    /// The simple case without a file: one provider's JWKS URL, whose tokens carry the hub's
    /// claim names (`role`, `dept`, `muni`, `alliance`). Needs HUB_JWKS_ISSUER and
    /// HUB_JWKS_AUDIENCE.
    #[arg(long, global = true, env = "HUB_JWKS_URL")]
    pub jwks_url: Option<String>,
    /// The issuer (`iss`) of HUB_JWKS_URL's tokens.
    #[arg(long, global = true, env = "HUB_JWKS_ISSUER")]
    pub jwks_issuer: Option<String>,
    /// The audience (`aud`) HUB_JWKS_URL's tokens must name.
    #[arg(long, global = true, env = "HUB_JWKS_AUDIENCE")]
    pub jwks_audience: Option<String>,
    /// The algorithms HUB_JWKS_URL's keys sign with, comma-separated.
    #[arg(
        long,
        global = true,
        env = "HUB_JWKS_ALGORITHMS",
        value_delimiter = ',',
        default_value = "RS256"
    )]
    pub jwks_algorithms: Vec<String>,
}

impl Config {
    /// The key sources besides the hub's own, checked (not yet started): the identity file's,
    /// then HUB_JWKS_URL's. A wrong setting is an error naming it.
    pub fn identity_sources(&self) -> Result<Vec<crate::auth::sources::Planned>> {
        use crate::auth::sources::{self, Audience, SourceSettings};
        let mut planned = match &self.identity_file {
            Some(path) => sources::read_file(path, "HUB_IDENTITY_FILE")?,
            None => Vec::new(),
        };
        if let Some(url) = &self.jwks_url {
            let required = |value: &Option<String>, name: &str| {
                value
                    .clone()
                    .filter(|v| !v.trim().is_empty())
                    .ok_or_else(|| Error::bad_input(format!("HUB_JWKS_URL needs {name} as well")))
            };
            let settings = SourceSettings {
                name: "jwks".into(),
                issuer: required(&self.jwks_issuer, "HUB_JWKS_ISSUER")?,
                audience: Audience::One(required(&self.jwks_audience, "HUB_JWKS_AUDIENCE")?),
                algorithms: self.jwks_algorithms.clone(),
                jwks_url: Some(url.clone()),
                ca_file: None,
                refresh: Default::default(),
                pem_files: None,
                mapping: Default::default(),
            };
            planned.extend(sources::plan(vec![settings], "HUB_JWKS_URL")?);
        }
        Ok(planned)
    }

    /// True when no `DATABASE_URL` is given: the embedded SQLite default, seeded on first start.
    pub fn is_embedded(&self) -> bool {
        self.database_url.is_none()
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("alliance-hub.db").display()
            ),
        }
    }

    /// The verification keys. Without `HUB_JWT_SECRET`, a random secret is generated on first use
    /// and kept in `<data dir>/jwt-secret` (mode 0600), so tokens survive restarts.
    pub fn jwt_keys(&self) -> Result<JwtKeys> {
        self.keys(true)
    }

    /// The keys a server with this configuration verifies with, never a new secret: what the
    /// `token` subcommand signs with, so that its tokens are ones the server accepts.
    pub fn existing_jwt_keys(&self) -> Result<JwtKeys> {
        self.keys(false)
    }

    /// Where the generated secret is kept.
    pub fn secret_path(&self) -> PathBuf {
        self.data_dir.join("jwt-secret")
    }

    fn keys(&self, may_create: bool) -> Result<JwtKeys> {
        let secret = match &self.jwt_secret {
            Some(secret) if secret.len() < 32 => {
                return Err(Error::bad_input(
                    "HUB_JWT_SECRET must be at least 32 bytes long",
                ));
            }
            Some(secret) => secret.as_bytes().to_vec(),
            None => self.stored_secret(may_create)?,
        };
        let mut public_keys = Vec::new();
        for (algorithm, path) in [
            (Algorithm::RS256, &self.jwt_rs256_public_key),
            (Algorithm::ES256, &self.jwt_es256_public_key),
            (Algorithm::EdDSA, &self.jwt_eddsa_public_key),
        ] {
            if let Some(path) = path {
                let pem = std::fs::read_to_string(path).map_err(|e| {
                    Error::bad_input(format!("cannot read {}: {e}", path.display()))
                })?;
                public_keys.push(PublicKey { algorithm, pem });
            }
        }
        let previous = match self.jwt_previous_secret.as_deref() {
            None | Some("") => None,
            Some(previous) if previous.len() < 32 => {
                return Err(Error::bad_input(
                    "HUB_JWT_PREVIOUS_SECRET must be at least 32 bytes long",
                ));
            }
            Some(previous) => Some(previous.as_bytes().to_vec()),
        };
        Ok(JwtKeys::new(
            secret,
            &public_keys,
            self.jwt_issuer.clone(),
            self.jwt_audience.clone(),
        )?
        .with_previous_secret(previous)
        .with_types(self.jwt_types.clone()))
    }

    fn stored_secret(&self, may_create: bool) -> Result<Vec<u8>> {
        use base64::{Engine, engine::general_purpose::STANDARD};
        let path = self.secret_path();
        if let Ok(text) = std::fs::read_to_string(&path) {
            return STANDARD
                .decode(text.trim())
                .map_err(|_| Error::internal(format!("{} is corrupt", path.display())));
        }
        if !may_create {
            return Err(Error::bad_input(format!(
                "no signing secret: {} does not exist and HUB_JWT_SECRET is not set. Give the \
                 server's data directory (--data-dir or HUB_DATA_DIR, where it keeps jwt-secret) \
                 or its HUB_JWT_SECRET; a new secret would sign tokens the server rejects",
                path.display()
            )));
        }
        std::fs::create_dir_all(&self.data_dir).map_err(Error::internal)?;
        let secret: [u8; 48] = rand::random();
        write_private(&path, &STANDARD.encode(secret))?;
        Ok(secret.to_vec())
    }
}

/// Settings of the HTTP edge (`serve`).
#[derive(Debug, Clone, clap::Args)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(
        long,
        global = true,
        env = "HUB_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    pub listen: SocketAddr,
    /// Whether the schema answers introspection (`on` or `off`). The schema is public; turn it off
    /// only where clients load `schema.graphql` instead.
    #[arg(
        long, global = true, env = "HUB_INTROSPECTION", default_value = "on",
        value_parser = on_off, action = clap::ArgAction::Set
    )]
    pub introspection: bool,
    /// Origins that browsers may call the API from, comma-separated (`https://dash.example.cn`).
    /// None by default: only same-origin pages (GraphiQL) can call it from a browser.
    #[arg(long, global = true, env = "HUB_CORS_ORIGINS", value_delimiter = ',', value_parser = origin)]
    pub cors_origins: Vec<axum::http::HeaderValue>,
    /// A manifest of trusted documents (`{"sha256:<hex>": "<document>"}`, as GraphQL Code
    /// Generator's client preset writes it): only those run, except for OFFICE. Unset: any
    /// document runs, and clients may persist documents by hash.
    #[arg(long, global = true, env = "HUB_TRUSTED_DOCUMENTS")]
    pub trusted_documents: Option<PathBuf>,
    /// How long a request may run (`10s`, `500ms`, `2m`): past it the work is stopped and the
    /// answer is TIMEOUT. PostgreSQL's `statement_timeout` is set to the same.
    #[arg(long, global = true, env = "HUB_REQUEST_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub request_timeout: std::time::Duration,
    /// Cost points each caller may spend per minute, by role, where they differ from the
    /// defaults (`PUBLIC=20000`, `OFFICE=300000`, every other role 100000):
    /// `PUBLIC=5000,OFFICE=unlimited`.
    #[arg(long, global = true, env = "HUB_COST_BUDGETS", default_value = "", value_parser = BudgetLimits::parse)]
    pub cost_budgets: BudgetLimits,
    /// How long a client may take to send a request's headers; also how long an idle keep-alive
    /// connection stays open.
    #[arg(long, global = true, env = "HUB_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub header_timeout: std::time::Duration,
    /// Open connections at most; past it new connections are closed at once. Keep it under the
    /// process's file limit (`ulimit -n`), less the database pool.
    #[arg(
        long,
        global = true,
        env = "HUB_MAX_CONNECTIONS",
        default_value_t = 900
    )]
    pub max_connections: usize,
    /// GraphQL requests running at once at most; past it a request is refused at once with
    /// UNAVAILABLE (503, `Retry-After: 1`) rather than queued.
    #[arg(long, global = true, env = "HUB_MAX_IN_FLIGHT", default_value_t = 64)]
    pub max_in_flight: usize,
    /// Cost points running at once, across requests (`docs/cost.md`); past it a request is
    /// refused at once with UNAVAILABLE (503, `Retry-After: 1`): memory stays bounded under a
    /// flood of costly requests.
    #[arg(
        long,
        global = true,
        env = "HUB_MAX_IN_FLIGHT_COST",
        default_value_t = 250_000
    )]
    pub max_in_flight_cost: u64,
    /// The largest answer sent, in bytes; a larger one is replaced by BAD_USER_INPUT asking
    /// for smaller pages.
    #[arg(long, global = true, env = "HUB_MAX_RESPONSE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_response_bytes: usize,
    /// How long an access token issued at `/oauth/token` to an API client lasts.
    #[arg(long, global = true, env = "HUB_CLIENT_TOKEN_TTL", default_value = "15m", value_parser = parse_duration)]
    pub client_token_ttl: std::time::Duration,
    /// On SIGTERM or SIGINT, how long requests in flight may take to finish.
    #[arg(long, global = true, env = "HUB_SHUTDOWN_GRACE", default_value = "15s", value_parser = parse_duration)]
    pub shutdown_grace: std::time::Duration,
    /// Statistics below OFFICE: the fewest contributors a published cell has.
    #[arg(long, global = true, env = "HUB_SDC_MIN_UNITS", default_value_t = 3, value_parser = clap::value_parser!(i64).range(2..))]
    pub sdc_min_units: i64,
    /// Statistics below OFFICE: p of the p % dominance rule, and the least noise on a unit's
    /// figure, in percent.
    #[arg(long, global = true, env = "HUB_SDC_P_PERCENT", default_value_t = 10.0, value_parser = parse_percent)]
    pub sdc_p_percent: f64,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            listen: ([127, 0, 0, 1], 8080).into(),
            introspection: true,
            cors_origins: Vec::new(),
            trusted_documents: None,
            request_timeout: std::time::Duration::from_secs(10),
            cost_budgets: BudgetLimits::default(),
            header_timeout: std::time::Duration::from_secs(10),
            max_connections: 900,
            max_in_flight: 64,
            max_in_flight_cost: MAX_RUNNING_COST,
            max_response_bytes: 16 * 1024 * 1024,
            shutdown_grace: std::time::Duration::from_secs(15),
            client_token_ttl: std::time::Duration::from_secs(15 * 60),
            sdc_min_units: Rules::default().min_units,
            sdc_p_percent: Rules::default().p_percent,
        }
    }
}

impl ServeConfig {
    /// The disclosure rules of statistics.
    pub fn disclosure(&self) -> Rules {
        Rules {
            min_units: self.sdc_min_units,
            p_percent: self.sdc_p_percent,
        }
    }
}

/// A percentage above 0 and at most 50.
fn parse_percent(text: &str) -> std::result::Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if p > 0.0 && p <= 50.0 => Ok(p),
        _ => Err(format!("`{text}` is not a percentage between 0 and 50")),
    }
}

/// A duration as operators write it: a number of seconds, or with a unit (`500ms`, `10s`, `30m`,
/// `8h`, `7d`). Zero is refused. Request deadlines and token lifetimes both read it.
pub fn parse_duration(text: &str) -> std::result::Result<std::time::Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unknown = || format!("`{text}` is not a duration: write 500ms, 10s, 30m, 8h or 7d");
    let n: u64 = number.parse().map_err(|_| unknown())?;
    let seconds = |factor: u64| std::time::Duration::from_secs(n.saturating_mul(factor));
    let duration = match unit.trim() {
        "ms" => std::time::Duration::from_millis(n),
        "" | "s" => seconds(1),
        "m" => seconds(60),
        "h" => seconds(3600),
        "d" => seconds(86_400),
        _ => return Err(unknown()),
    };
    if duration.is_zero() {
        return Err("a duration must be positive".into());
    }
    Ok(duration)
}

/// An origin as browsers send it: `scheme://host[:port]`, nothing after.
fn origin(text: &str) -> std::result::Result<axum::http::HeaderValue, String> {
    let text = text.trim().trim_end_matches('/');
    let (scheme, rest) = text.split_once("://").ok_or(format!(
        "`{text}` is not an origin: write it as https://host[:port]"
    ))?;
    if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.contains(['/', '?', '#']) {
        return Err(format!(
            "`{text}` is not an origin: write it as https://host[:port]"
        ));
    }
    axum::http::HeaderValue::from_str(text).map_err(|_| format!("`{text}` is not an origin"))
}

fn on_off(text: &str) -> std::result::Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Ok(true),
        "off" | "false" | "0" | "no" => Ok(false),
        other => Err(format!("`{other}`: use on or off")),
    }
}

fn write_private(path: &std::path::Path, contents: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(Error::internal)?;
    file.write_all(contents.as_bytes()).map_err(Error::internal)
}
