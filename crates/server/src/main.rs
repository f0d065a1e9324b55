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
    /// Work with the tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walk the whole hash chain; exit with status 1 at the first edited, removed or
    /// reordered row.
    Verify,
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
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let settings = Settings::load(cli.config.as_deref())?;
            let store = store::Store::connect(settings.database.url.expose()).await?;
            let report = server::audit::verify(&store).await?;
            writeln!(std::io::stdout(), "{report}")?;
            if !report.is_intact() {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
