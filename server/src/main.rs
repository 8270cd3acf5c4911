//! Start-up only: configuration, logs, the application, and a clean shutdown on Ctrl-C or SIGTERM.

use server::{config::Config, startup::Application, telemetry};

fn main() -> std::process::ExitCode {
    private_files();
    tune_allocator();
    run()
}

/// Everything the portal writes (the SQLite database and its -wal/-shm, scans, staging files, keys) is readable by
/// its own user only: files 0600, folders 0700. Set before any thread starts or any file is opened.
fn private_files() {
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file-creation mask; no other thread exists yet.
    unsafe {
        libc::umask(0o077);
    }
}

/// glibc's allocator keeps freed memory in one arena per thread and, once a large block has been freed, serves
/// later large blocks from those arenas too, so memory that is no longer used stays with the process. Twenty
/// uploads at once, each passing through a different thread, then leave the server well over its memory budget.
/// Four arenas (two kept the memory lower but made threads queue for the allocator: the landing page fell from
/// about 15k to 9k requests a second), and blocks from 256 KiB up mapped and unmapped on their own, keep it within
/// budget (see the upload bench). Set before any thread starts.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 4);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

#[tokio::main]
async fn run() -> std::process::ExitCode {
    // A `.env` file is honoured for local runs; real environment variables win.
    let _ = dotenvy::dotenv();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args == ["deliver"] {
        telemetry::init(config.log_format);
        return match server::startup::deliver(config, shutdown_signal()).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(error) => {
                tracing::error!(%error, "the delivery worker could not start");
                std::process::ExitCode::FAILURE
            }
        };
    }
    // `server sweep-objects [--grace-secs N]`: deletes the stored objects no scan points at, printing each.
    if let Some(command) = server::documents::orphans::parse_command(&args) {
        return match command {
            Ok(grace) => reported(server::documents::orphans::command(&config, grace).await),
            Err(usage) => misused(&usage),
        };
    }
    if let Some(command) = server::admin::parse(&args) {
        return match command {
            Ok(command) => reported(server::admin::run(command, &config).await),
            Err(usage) => misused(&usage),
        };
    }
    telemetry::init(config.log_format);
    let public_url = config.public_base_url.clone();
    // The banner is for a person at a terminal; with JSON logs every line on stdout stays JSON.
    let banner = config.log_format == server::config::LogFormat::Text;
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(%error, "the portal could not start");
            return std::process::ExitCode::FAILURE;
        }
    };
    let addr = app.local_addr();
    tracing::info!(%addr, database = app.state.db.backend.name(), "listening");
    if banner {
        println!("Portal KTP-el is running at {public_url} (listening on {addr})");
    }
    match app.metrics_addr() {
        Some(metrics) => tracing::info!(%metrics, "metrics at http://{metrics}/metrics"),
        None => tracing::info!("no metrics listener (METRICS_ADDR=off)"),
    }
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

/// A command's end: its report on standard output (exit 0), or its error on standard error (exit 1).
fn reported<E: std::fmt::Display>(outcome: Result<String, E>) -> std::process::ExitCode {
    match outcome {
        Ok(report) => {
            println!("{report}");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// A command given wrongly: how to give it, on standard error (exit 2).
fn misused(usage: &str) -> std::process::ExitCode {
    eprintln!("{usage}");
    std::process::ExitCode::from(2)
}
