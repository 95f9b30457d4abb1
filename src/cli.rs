//! The command line: `serve` (default), `migrate`, `seed`, `token`, `schema`, `backup`,
//! `restore`, `export`, `import`.

use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::{
    app::App,
    auth::{Claims, token_roles},
    config::{Config, ServeConfig, parse_duration},
    database,
    domain::id::{self, Kind},
    error::{Error, Result},
};

#[derive(Debug, Parser)]
#[command(
    name = "alliance-hub",
    version,
    about = "GraphQL data hub of the Yinchuan Metropolitan Area key-industry alliances"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(flatten)]
    pub serve: ServeConfig,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Load the demo dataset into an empty database (migrating it first).
    Seed(SeedArgs),
    /// Print a signed bearer token for a role (development and service accounts).
    Token(TokenArgs),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Take a consistent snapshot of the database into a new file while the service runs
    /// (SQLite: a database file; PostgreSQL: a pg_dump archive, which needs pg_dump).
    Backup(BackupArgs),
    /// Replace the database with a snapshot, after checking its migration level and rows. Stop
    /// every replica first.
    Restore(RestoreArgs),
    /// Write a list as CSV, XLSX or NDJSON, as the office sees it (or as a token's caller does).
    Export(ExportArgs),
    /// Check a CSV or XLSX file row by row and, with --apply, write it when every row is valid.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// organizations, memberships, supply-links or support-measures.
    pub dataset: String,
    /// The CSV (UTF-8) or XLSX file.
    pub file: std::path::PathBuf,
    /// Write the rows (all of them, only if every row is valid); without it, only check.
    #[arg(long)]
    pub apply: bool,
    /// Also write the rows with an `errors` column to this new XLSX file.
    #[arg(long)]
    pub report: Option<std::path::PathBuf>,
    /// Import as this bearer token's caller, instead of as the office.
    #[arg(long, env = "HUB_IMPORT_TOKEN")]
    pub token: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// organizations, memberships, alliances, supply-links, support-measures, people or
    /// audit-events; or a chain graph: neighborhood-graph (with --from) or sector-graph (with
    /// --sector).
    pub dataset: String,
    /// Lists: csv (UTF-8 with a byte-order mark; the default), xlsx or ndjson. Graphs: graphml
    /// (the default), nodes-csv, edges-csv or json (JSON Graph Format).
    #[arg(long)]
    pub format: Option<String>,
    /// neighborhood-graph: the unit's id.
    #[arg(long)]
    pub from: Option<String>,
    /// neighborhood-graph: DOWNSTREAM, UPSTREAM or BOTH (the default).
    #[arg(long)]
    pub direction: Option<String>,
    /// neighborhood-graph: how many steps (2 by default, at most 6).
    #[arg(long)]
    pub max_depth: Option<String>,
    /// sector-graph: EQUIPMENT, CHEMICALS or NEW_MATERIALS.
    #[arg(long)]
    pub sector: Option<String>,
    /// The header row's language: en (column keys) or zh.
    #[arg(long, default_value = "en")]
    pub headers: String,
    /// The file to write (it must not exist); `-` writes to standard output.
    #[arg(long, short, default_value = "-")]
    pub output: std::path::PathBuf,
    /// Export as this bearer token's caller sees the list, instead of as the office.
    #[arg(long, env = "HUB_EXPORT_TOKEN")]
    pub token: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The snapshot file to write (it must not exist).
    pub file: std::path::PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The snapshot file to restore.
    pub file: std::path::PathBuf,
    /// Replace the database: without it, only show what the snapshot holds.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, clap::Args)]
pub struct SeedArgs {
    /// Instead of the demo dataset, a synthetic one of this many organizations (benchmarks).
    #[arg(long)]
    pub scale: Option<u64>,
}

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// OFFICE, DEPARTMENT, MUNICIPALITY, SECRETARIAT or ANALYST (any case).
    #[arg(long)]
    pub role: String,
    /// Department code (DEPARTMENT tokens), e.g. DST.
    #[arg(long)]
    pub dept: Option<String>,
    /// Municipality code (MUNICIPALITY tokens), e.g. YINCHUAN.
    #[arg(long)]
    pub muni: Option<String>,
    /// Alliance: its GraphQL id, or its database id (SECRETARIAT tokens).
    #[arg(long)]
    pub alliance: Option<String>,
    /// Lifetime: seconds, or with a unit (`30m`, `8h`, `7d`).
    #[arg(long, default_value = "8h")]
    pub ttl: String,
    /// The subject (`sub`) of the token.
    #[arg(long, default_value = "developer")]
    pub sub: String,
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let sources = cli.config.identity_sources()?;
            let db = database::open(&cli.config, cli.serve.request_timeout).await?;
            let read = database::open_read(&cli.config, cli.serve.request_timeout).await?;
            let listen = cli.serve.listen;
            let mut started = Vec::new();
            for source in sources {
                started.push(source.start().await);
            }
            let mut app =
                App::serving(db, cli.config.jwt_keys()?, cli.serve)?.with_sources(started);
            if let Some(read) = read {
                app = app.with_read_replica(read);
            }
            crate::serve(app, listen).await
        }
        Command::Migrate => {
            let db = database::connect(&cli.config.database_url()).await?;
            database::migrate(&db).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Seed(args) => {
            let db = database::connect(&cli.config.database_url()).await?;
            database::migrate(&db).await?;
            if database::has_data(&db).await? {
                return Err(Error::Conflict(
                    "the database already holds data; seed only loads into an empty one".into(),
                ));
            }
            match args.scale {
                Some(n) if n > 0 => {
                    crate::seed::load_scale(&db, n).await?;
                    println!("synthetic dataset of {n} organizations loaded");
                }
                Some(_) => return Err(Error::bad_input("`--scale` must be positive")),
                None => {
                    crate::seed::load_demo(&db).await?;
                    println!("demo dataset loaded");
                }
            }
            Ok(())
        }
        Command::Token(args) => {
            println!("{}", mint_token(&cli.config, &args)?);
            Ok(())
        }
        Command::Schema => {
            print!("{}", crate::graphql::sdl());
            Ok(())
        }
        Command::Backup(args) => {
            let snapshot = crate::backup::backup(&cli.config.database_url(), &args.file).await?;
            print!("backed up to {}\n{snapshot}", args.file.display());
            Ok(())
        }
        Command::Restore(args) => {
            let url = cli.config.database_url();
            if !args.yes {
                let snapshot = crate::backup::inspect(&args.file).await?;
                println!(
                    "{snapshot}restoring replaces the database at {}: stop every replica, then run again with --yes",
                    crate::database::redacted(&url)
                );
                return Ok(());
            }
            let snapshot = crate::backup::restore(&url, &args.file).await?;
            print!("restored from {}\n{snapshot}", args.file.display());
            Ok(())
        }
        Command::Export(args) => export(&cli.config, &args).await,
        Command::Import(args) => import(&cli.config, &args).await,
    }
}

/// Who a command-line exchange acts as: the caller of `--token`, or else the office (the
/// operator can read the database anyway).
async fn operator(
    config: &Config,
    token: Option<&str>,
) -> Result<(crate::database::Store, crate::service::access::Viewer)> {
    use crate::domain::principal::{Principal, Role};
    let principal = match token {
        Some(token) => config.existing_jwt_keys()?.verify(token)?,
        None => Principal {
            subject: "cli".into(),
            role: Role::Office,
            ..Principal::public()
        },
    };
    let db = database::connect(&config.database_url()).await?;
    database::ensure_migrated(&db).await?;
    let viewer = crate::service::access::Viewer::new(&db, principal).await?;
    Ok((db, viewer))
}

/// `alliance-hub import`: prints the report; fails when a row has a problem.
async fn import(config: &Config, args: &ImportArgs) -> Result<()> {
    use crate::service::{export::Dataset, write::Writer};
    let dataset = Dataset::parse(&args.dataset)?;
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Error::bad_input(format!("cannot read {}: {e}", args.file.display())))?;
    let table = crate::import::read_table(&bytes)?;
    let (db, viewer) = operator(config, args.token.as_deref()).await?;
    let bus = crate::service::changes::ChangeBus::start(&db);
    let queue = crate::service::write::WriteQueue::default();
    let writer = Writer {
        db: &db,
        viewer: &viewer,
        bus: &bus,
        queue: &queue,
    };
    let report = writer.import(dataset, &table, args.apply).await?;
    if let Some(path) = &args.report {
        let file = crate::import::report_xlsx(&table, &report)?;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, &file))
            .map_err(|e| Error::bad_input(format!("cannot write {}: {e}", path.display())))?;
    }
    for problem in &report.problems {
        println!(
            "row {}{}: {}{} {}",
            problem.row,
            problem
                .column
                .as_deref()
                .map(|c| format!(" [{c}]"))
                .unwrap_or_default(),
            problem.code,
            problem.rule.map(|r| format!(" {r}")).unwrap_or_default(),
            problem.message
        );
    }
    println!(
        "{} rows: {} to create, {} to change, {} unchanged, {} problems; {}",
        report.rows,
        report.created,
        report.updated,
        report.unchanged,
        report.problems.len(),
        if report.applied {
            "written"
        } else if args.apply {
            "nothing written"
        } else {
            "checked only (add --apply to write)"
        }
    );
    if report.problems.is_empty() {
        Ok(())
    } else {
        Err(Error::bad_input(format!(
            "{} problems in {}",
            report.problems.len(),
            args.file.display()
        )))
    }
}

/// `alliance-hub export`: the operator acts as the office, or as the caller of `--token`.
async fn export(config: &Config, args: &ExportArgs) -> Result<()> {
    use crate::{
        export::{Format, Headers, write_all},
        service::export::{Dataset, Export},
    };
    if let Some(view) = args.dataset.strip_suffix("-graph") {
        return export_graph(config, args, view).await;
    }
    let dataset = Dataset::parse(&args.dataset)?;
    let format = Format::parse(args.format.as_deref().unwrap_or("csv"))?;
    let headers = Headers::parse(&args.headers)?;
    let (db, viewer) = operator(config, args.token.as_deref()).await?;
    let viewer = std::sync::Arc::new(viewer);
    let export = Export::start(db, viewer, dataset).await?;
    let rows = if args.output.as_os_str() == "-" {
        let mut out = std::io::BufWriter::new(std::io::stdout());
        write_all(export, format, headers, &mut out).await?
    } else {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&args.output)
            .map_err(|e| {
                Error::bad_input(format!("cannot create {}: {e}", args.output.display()))
            })?;
        let mut out = std::io::BufWriter::new(file);
        let rows = write_all(export, format, headers, &mut out).await?;
        eprintln!("{rows} rows written to {}", args.output.display());
        rows
    };
    tracing::info!(
        export.dataset = dataset.name(),
        export.rows = rows,
        "exported"
    );
    Ok(())
}

/// `alliance-hub export neighborhood-graph|sector-graph`: the chain graph as one file.
async fn export_graph(config: &Config, args: &ExportArgs, view: &str) -> Result<()> {
    use crate::{
        graph_export::{GraphFormat, encode},
        service::graph::GraphView,
    };
    let format = GraphFormat::parse(args.format.as_deref().unwrap_or("graphml"))?;
    let graph_view = GraphView::parse(view, |name| match name {
        "from" => args.from.clone(),
        "direction" => args.direction.clone(),
        "maxDepth" => args.max_depth.clone(),
        "sector" => args.sector.clone(),
        _ => None,
    })?;
    let (db, viewer) = operator(config, args.token.as_deref()).await?;
    let graph = graph_view.build(&db, &viewer).await?;
    let bytes = encode(&graph, format)?;
    if args.output.as_os_str() == "-" {
        std::io::Write::write_all(&mut std::io::stdout(), &bytes)
            .map_err(|e| Error::internal(format!("cannot write: {e}")))?;
    } else {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&args.output)
            .map_err(|e| {
                Error::bad_input(format!("cannot create {}: {e}", args.output.display()))
            })?;
        std::io::Write::write_all(&mut file, &bytes)
            .map_err(|e| Error::internal(format!("cannot write: {e}")))?;
        eprintln!(
            "{} nodes and {} edges written to {}",
            graph.nodes.len(),
            graph.edges.len(),
            args.output.display()
        );
    }
    tracing::info!(
        export.graph = graph.name,
        export.nodes = graph.nodes.len(),
        export.edges = graph.edges.len(),
        "exported"
    );
    Ok(())
}

fn mint_token(config: &Config, args: &TokenArgs) -> Result<String> {
    let role = args.role.to_ascii_uppercase();
    if !token_roles().contains(role.as_str()) {
        return Err(Error::bad_input(format!(
            "unknown role `{}`: use OFFICE, DEPARTMENT, MUNICIPALITY, SECRETARIAT or ANALYST",
            args.role
        )));
    }
    let alliance = args
        .alliance
        .as_deref()
        .map(|a| match a.parse::<i64>() {
            Ok(n) => Ok(id::encode(Kind::Alliance, n)),
            Err(_) => id::decode_as(a, Kind::Alliance).map(|_| a.to_owned()),
        })
        .transpose()?;
    let keys = config.existing_jwt_keys()?;
    if config.jwt_secret.is_none() {
        eprintln!(
            "signed with the secret in {}",
            config.secret_path().display()
        );
    }
    let now = chrono::Utc::now().timestamp();
    let ttl = i64::try_from(parse_ttl(&args.ttl)?.as_secs()).unwrap_or(i64::MAX);
    let claims = Claims {
        sub: args.sub.clone(),
        role,
        dept: args.dept.as_ref().map(|d| d.to_ascii_uppercase()),
        muni: args.muni.as_ref().map(|m| m.to_ascii_uppercase()),
        alliance,
        exp: now.saturating_add(ttl),
        iat: now,
        iss: keys.issuer().to_owned(),
        aud: keys.audience().to_owned(),
        nbf: None,
        // Every minted token can be revoked by its id (`revokeToken`).
        jti: Some(crate::auth::new_jti()),
        client_id: None,
        nonce: None,
    };
    let token = keys.sign(&claims)?;
    // Check the token the way the server will, so a bad `--dept` is caught here, not at use.
    keys.verify(&token)
        .map_err(|e| Error::bad_input(e.to_string()))?;
    Ok(token)
}

/// A token's lifetime: `3600`, `30m`, `8h`, `7d` (see [`parse_duration`]).
pub fn parse_ttl(text: &str) -> Result<Duration> {
    parse_duration(text).map_err(Error::bad_input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(args: &[&str]) -> Cli {
        let mut all = vec![
            "alliance-hub",
            "--jwt-secret",
            "a-test-secret-that-is-long-enough-to-use",
        ];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).unwrap()
    }

    #[test]
    fn a_minted_token_verifies_with_the_servers_keys_and_carries_its_claims() {
        let cli = cli(&[
            "token",
            "--role",
            "department",
            "--dept",
            "dst",
            "--ttl",
            "30m",
        ]);
        let Some(Command::Token(args)) = &cli.command else {
            panic!("not the token command")
        };
        let token = mint_token(&cli.config, args).unwrap();
        let principal = cli.config.jwt_keys().unwrap().verify(&token).unwrap();
        assert_eq!(principal.role, crate::domain::principal::Role::Department);
        assert_eq!(
            principal.department,
            Some(entity::enums::DepartmentCode::Dst)
        );
    }

    #[test]
    fn a_token_for_an_unknown_role_or_department_is_not_minted() {
        for args in [
            &["token", "--role", "root"][..],
            &["token", "--role", "department", "--dept", "XYZ"][..],
            &["token", "--role", "department"][..],
        ] {
            let cli = cli(args);
            let Some(Command::Token(token_args)) = &cli.command else {
                panic!("not the token command")
            };
            assert!(mint_token(&cli.config, token_args).is_err(), "{args:?}");
        }
    }

    #[test]
    fn a_token_is_not_signed_with_a_secret_the_server_does_not_have() {
        let empty = std::env::temp_dir().join(format!("hub-no-secret-{}", std::process::id()));
        let cli = Cli::try_parse_from([
            "alliance-hub",
            "token",
            "--role",
            "office",
            "--data-dir",
            empty.to_str().unwrap(),
        ])
        .unwrap();
        let Some(Command::Token(args)) = &cli.command else {
            panic!("not the token command")
        };
        let refused = mint_token(&cli.config, args).unwrap_err().to_string();
        assert!(refused.contains("jwt-secret"), "{refused}");
        assert!(
            !empty.join("jwt-secret").exists(),
            "no secret may be invented"
        );
    }

    #[test]
    fn global_flags_are_accepted_after_the_subcommand() {
        let token = cli(&["token", "--role", "office", "--data-dir", "/srv/hub"]);
        assert_eq!(token.config.data_dir, std::path::PathBuf::from("/srv/hub"));
        let serve = cli(&[
            "serve",
            "--listen",
            "0.0.0.0:9000",
            "--introspection",
            "off",
        ]);
        assert_eq!(serve.serve.listen.port(), 9000);
        assert!(!serve.serve.introspection);
    }

    #[test]
    fn lifetimes_take_seconds_minutes_hours_and_days() {
        assert_eq!(parse_ttl("90").unwrap().as_secs(), 90);
        assert_eq!(parse_ttl("30m").unwrap().as_secs(), 1800);
        assert_eq!(parse_ttl("8h").unwrap().as_secs(), 28_800);
        assert_eq!(parse_ttl("7d").unwrap().as_secs(), 604_800);
        assert!(parse_ttl("0").is_err() && parse_ttl("5w").is_err() && parse_ttl("soon").is_err());
    }
}
