//! Start-up only: configuration, logs, the application, and a clean shutdown on Ctrl-C or SIGTERM.

use server::{config::Config, startup::Application, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // A `.env` file is honoured for local runs; real environment variables win.
    let _ = dotenvy::dotenv();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    let public_url = config.public_base_url.clone();
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(%error, "the portal could not start");
            return std::process::ExitCode::FAILURE;
        }
    };
    let addr = app.local_addr();
    tracing::info!(%addr, database = app.state.db.backend.name(), "listening");
    println!("Portal KTP-el is running at {public_url} (listening on {addr})");
    match app.run_until(shutdown_signal()).await {
        Ok(()) => {
            tracing::info!("stopped cleanly");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!(%error, "the server failed");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests under way");
}
