//! Logging set-up: human-readable lines on stderr, filtered by `RUST_LOG`.

use tracing_subscriber::EnvFilter;

/// The filter used when `RUST_LOG` is unset: our own events at info, dependencies only when they warn.
pub const DEFAULT_FILTER: &str = "warn,dailydrill=info";

/// Installs the global subscriber. An invalid `RUST_LOG` falls back to the default, with a warning,
/// rather than silencing the logs an operator asked for.
pub fn init() {
    let (filter, bad) = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.trim().is_empty() => match EnvFilter::try_new(&spec) {
            Ok(filter) => (filter, None),
            Err(e) => (EnvFilter::new(DEFAULT_FILTER), Some(e)),
        },
        _ => (EnvFilter::new(DEFAULT_FILTER), None),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    if let Some(e) = bad {
        tracing::warn!("RUST_LOG is not a valid filter ({e}); using {DEFAULT_FILTER:?}");
    }
}
