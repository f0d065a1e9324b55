//! `gantry`: parse the command line, load settings, run. Nothing else lives here.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use server::config::Settings;
use server::startup::{Application, Options};

#[derive(Debug, Parser)]
#[command(
    name = "gantry",
    version,
    about = "Gantry: construction projects inside WeCom (企业微信)"
)]
struct Cli {
    /// A TOML file layered over config/default.toml (env GANTRY__SECTION__KEY wins over both).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the app, callbacks and workers.
    Serve,
    /// Run with SQLite, the built-in WeCom simulator and seeded data.
    Demo {
        /// Port for Gantry; the simulator takes the next free one.
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Where the demo keeps its SQLite file and spool.
        #[arg(long, default_value = "data/demo")]
        data_dir: PathBuf,
        /// Members in the generated company.
        #[arg(long, default_value_t = 300)]
        users: usize,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Copy departments, members and tags from WeCom into the database once.
    SyncOrg,
    /// Rewrite every personal field not sealed under the current key
    /// (security.field_key_id): plain text, and values under retired keys. Exit with
    /// status 1 while anything is left that no configured key opens, or changed meanwhile.
    Reseal,
    /// Work with the tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walk the whole hash chain and compare it with the latest anchor; exit with status 1
    /// at the first edited, removed or reordered row, or a chain cut short of its anchor.
    Verify,
    /// Verify, then record the chain's head as today's anchor outside the database
    /// (`audit-anchors/<day>.json` in the file store, and the log); the leader does this
    /// once a day by itself.
    Anchor,
}

#[actix_web::main]
async fn main() -> anyhow::Result<ExitCode> {
    server::telemetry::init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve => {
            let settings = Settings::load(cli.config.as_deref())?;
            let app = Application::build(settings, Options::default()).await?;
            tracing::info!(port = app.port(), "gantry is serving");
            app.run_until_stopped().await?;
        }
        Command::Demo {
            port,
            data_dir,
            users,
        } => {
            server::demo::run(cli.config.as_deref(), port, data_dir, users).await?;
        }
        Command::Migrate => {
            let settings = Settings::load(cli.config.as_deref())?;
            let store = store::Store::connect(settings.database.url.expose()).await?;
            store.migrate().await?;
            tracing::info!("migrations applied");
        }
        Command::SyncOrg => {
            let settings = Settings::load(cli.config.as_deref())?;
            settings.validate()?;
            let report = server::org::sync::run_once(&settings).await?;
            tracing::info!(?report, "org synced");
        }
        Command::Reseal => {
            let settings = Settings::load(cli.config.as_deref())?;
            let report = server::org::personal::run_reseal(&settings).await?;
            writeln!(std::io::stdout(), "{report}")?;
            if !report.is_complete() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Audit { command } => {
            use server::admin::audit_log::anchor;
            let settings = Settings::load(cli.config.as_deref())?;
            let store = store::Store::connect(settings.database.url.expose()).await?;
            let files = server::file_store::FileStore::from_settings(
                &settings.files,
                &settings.server.data_dir,
            )?;
            let record = match command {
                AuditCommand::Verify => anchor::Record::Never,
                AuditCommand::Anchor => anchor::Record::IfIntact,
            };
            let now = domain::clock::Clock::now_ms(&domain::clock::SystemClock);
            let checked = anchor::check(&store, &files, now, record).await?;
            writeln!(std::io::stdout(), "{}", checked.message)?;
            if checked.verdict != api::AuditVerdict::Intact {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
