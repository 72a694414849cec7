//! Logging set-up: human-readable lines on stderr, filtered by `RUST_LOG`.

use tracing_subscriber::EnvFilter;

use crate::config::DiscordToken;

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
    // Colours only for a person at a terminal: journald, `docker logs` and log files would
    // otherwise keep the escape codes.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .try_init();
    if let Some(e) = bad {
        tracing::warn!("RUST_LOG is not a valid filter ({e}); using {DEFAULT_FILTER:?}");
    }
}

/// What replaces a secret in a panic message.
pub const REDACTED: &str = "[REDACTED]";

/// Installs a panic hook that prints what Rust's default hook prints (the thread, the location,
/// the message, and a backtrace when `RUST_BACKTRACE` asks for one) with the token and each of its
/// parts replaced by [`REDACTED`]. No code of ours formats the token, but a dependency's panic
/// could quote a request; a panic in a spawned task goes through the same hook.
pub fn redact_panics(token: &DiscordToken) {
    let token = token.clone();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "Box<dyn Any>".to_owned());
        let location = info
            .location()
            .map_or_else(String::new, |l| format!(" at {l}"));
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("<unnamed>");
        let backtrace = std::backtrace::Backtrace::capture();
        let trace = match backtrace.status() {
            std::backtrace::BacktraceStatus::Captured => format!("stack backtrace:\n{backtrace}"),
            _ => "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace"
                .to_owned(),
        };
        let text = redact(
            &format!("\nthread '{name}' panicked{location}:\n{message}\n{trace}\n"),
            token.expose(),
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), text.as_bytes());
    }));
}

/// `text` with `secret`, and each of its dot-separated parts of six characters or more, replaced
/// by [`REDACTED`].
pub fn redact(text: &str, secret: &str) -> String {
    let mut parts: Vec<&str> = secret.split('.').filter(|p| p.len() >= 6).collect();
    parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let mut text = text.replace(secret, REDACTED);
    for part in parts {
        text = text.replace(part, REDACTED);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_removes_the_token_and_its_parts() {
        let token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789";
        let text = format!("Bot {token} / abcdefghijklmnopqrstuvwxyz0123456789 / GAbCdE / ok");
        assert_eq!(
            redact(&text, token),
            "Bot [REDACTED] / [REDACTED] / [REDACTED] / ok"
        );
    }
}
