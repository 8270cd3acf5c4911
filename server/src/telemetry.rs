//! Structured logs through `tracing`: human-readable by default, JSON lines with `LOG_FORMAT=json`, levels from
//! `RUST_LOG` (default `info`). Nothing personal is ever logged: requests are logged by route template only. The
//! security event log (`crate::security_log`) is part of the same stream, under the target `portal::security`.

use crate::config::LogFormat;
use tracing_subscriber::{fmt, fmt::MakeWriter, util::SubscriberInitExt, EnvFilter};

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // Colours only for a person at a terminal, never into a log file.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let _ = subscriber(format, filter, std::io::stdout, ansi).try_init();
}

/// The portal's log lines in `format`, written to `writer`: what [`init`] installs (for stdout), and what a test
/// installs to read the lines the portal writes.
pub fn subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
    ansi: bool,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(true)
        .with_ansi(ansi)
        .with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.finish()),
        LogFormat::Json => Box::new(builder.json().flatten_event(true).finish()),
    }
}
