use std::process::ExitCode;
use std::sync::Arc;

use auth::{DemoAccount, SystemClock};
use clap::Parser as _;
use server::cli::{Cli, Command};
use server::config::LogFormat;
use server::{Application, Config, operator};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = match cli.command {
        None => return serve(cli.serve).await,
        Some(Command::Serve(config)) => return serve(*config).await,
        Some(Command::Operator(command)) => command,
    };
    init_logs("warn", LogFormat::Text);
    match operator::run(command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("latchkey: {err}");
            ExitCode::FAILURE
        }
    }
}

fn init_logs(default: &str, format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .init(),
    }
}

async fn serve(config: Config) -> ExitCode {
    init_logs("info,sqlx=warn", config.log_format);
    let mut app = match Application::build(&config, Arc::new(SystemClock)).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!("latchkey: {err}");
            return ExitCode::FAILURE;
        }
    };
    if config.dev {
        tracing::warn!(
            "development mode: the session cookie is sent over plain HTTP without the \
             __Host- prefix and the Secure flag; never use this outside your own machine"
        );
    }
    if let Some(demo) = app.take_demo_account() {
        print_demo_account(&demo);
    }
    println!("Latchkey is running at http://{}", app.addr());
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("latchkey: {err}");
            ExitCode::FAILURE
        }
    }
}

fn print_demo_account(demo: &DemoAccount) {
    println!();
    println!("A demo account was created. Sign in with (shown only this once):");
    println!(
        "  owner   {:<20} {}",
        demo.owner_email,
        demo.owner_password.expose()
    );
    println!(
        "  member  {:<20} {}",
        demo.member_email,
        demo.member_password.expose()
    );
    println!();
}
