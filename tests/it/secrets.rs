//! The bot token never shows: not through the types that hold it, not through any code path that
//! could format it, and not in a panic, whose message goes through the hook `dailydrill run`
//! installs. (The binary's own output at trace level, with Discord refusing the token, a malformed
//! token and a bad DATABASE_URL, is checked in `tests/cli.rs`.)

use std::path::Path;
use std::process::Command;

use dailydrill::app::BotConfig;
use dailydrill::config::{ConfigError, DatabaseUrl, DiscordToken};
use dailydrill::telemetry;

const TOKEN: &str = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789";

fn assert_no_token(text: &str) {
    for part in TOKEN.split('.') {
        assert!(!text.contains(part), "the token leaked: {text}");
    }
}

/// Fails to compile if `DiscordToken` implements `Display`: with two candidate impls the call
/// below would be ambiguous. (The technique of `static_assertions::assert_not_impl_any!`.)
trait NotDisplay<Marker> {
    fn check() {}
}
impl<T: ?Sized> NotDisplay<()> for T {}
struct ImplementsDisplay;
impl<T: ?Sized + std::fmt::Display> NotDisplay<ImplementsDisplay> for T {}

#[test]
fn the_types_that_hold_the_token_never_print_it() {
    <DiscordToken as NotDisplay<_>>::check();
    let token = DiscordToken::parse(TOKEN).unwrap();
    assert_eq!(format!("{token:?}"), "DiscordToken([REDACTED])");
    assert_eq!(format!("{token:#?}"), "DiscordToken([REDACTED])");
    let config = BotConfig {
        token: token.clone(),
        database: DatabaseUrl::parse("sqlite:x.db").unwrap(),
        api: None,
        dev_guild: None,
        metrics: None,
    };
    let shown = format!("{config:?} {config:#?}");
    assert!(shown.contains("[REDACTED]"), "{shown}");
    assert_no_token(&shown);

    // What `unwrap`, `expect_err` or `{:?}` on a parse result would print.
    let results = [
        format!("{:?}", DiscordToken::parse(TOKEN)),
        format!("{:?}", DiscordToken::parse(&format!("Bot {TOKEN}"))),
        format!("{:?}", DiscordToken::parse(&TOKEN.replacen('.', " ", 1))),
        format!("{:?}", DiscordToken::parse(&format!("{TOKEN}.x"))),
        format!("{:?}", DiscordToken::parse(&format!("{TOKEN}\u{7}"))),
    ];
    for shown in &results {
        assert_no_token(shown);
    }
    let panic = std::panic::catch_unwind(|| DiscordToken::parse(TOKEN).unwrap_err()).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("DiscordToken([REDACTED])"), "{message}");
    assert_no_token(message);

    // Every configuration error, as shown to an operator.
    for error in [
        ConfigError::MissingToken,
        ConfigError::MalformedToken("it contains spaces"),
        ConfigError::UnsupportedDatabase("x".into()),
        ConfigError::MalformedApiUrl,
        ConfigError::DotenvLine { line: 2 },
        ConfigError::DotenvIo("unreadable".into()),
    ] {
        assert_no_token(&format!("{error} {error:?}"));
    }
}

/// Every `.rs` file below `dir`, with its path relative to the crate.
fn rust_files(dir: &Path, found: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap()
                .display()
                .to_string();
            found.push((rel, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// The token is readable only through `DiscordToken::expose`, and outside unit tests only two
/// places call it: the HTTP client, which hands it to serenity, and the panic hook, which removes
/// it. No other code can format it, so no log line or error message of ours can hold it.
#[test]
fn only_the_http_client_and_the_panic_hook_read_the_token() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 30, "the sources were found");
    let mut readers = Vec::new();
    for (path, source) in &files {
        // Unit tests sit at the end of a file, after `#[cfg(test)]`.
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        for line in code.lines() {
            let line = line.trim();
            if line.contains(".expose()") || line.contains("expose_secret") {
                readers.push(format!("{path}: {line}"));
            }
        }
    }
    readers.sort();
    assert_eq!(
        readers,
        [
            "src/config.rs: self.0.expose_secret()",
            "src/discord/client.rs: let builder = HttpBuilder::new(token.expose()).client(reqwest_client()?);",
            "src/telemetry.rs: token.expose(),",
        ],
    );
}

/// Set in the copy of this test binary that panics on purpose.
const CHILD: &str = "DAILYDRILL_SECRETS_PANIC_CHILD";

/// Panics that quote the token, in a thread, in a tokio task (as in serenity's tasks) and with a
/// payload that is not a string, go through the hook `dailydrill run` installs. This test runs
/// itself again as a child process, which installs the hook and panics; the parent reads the
/// child's whole output.
#[test]
fn a_panic_never_prints_the_token() {
    if std::env::var_os(CHILD).is_some() {
        let token = DiscordToken::parse(TOKEN).unwrap();
        telemetry::redact_panics(&token);
        let quoted = token.clone();
        let thread = std::thread::Builder::new()
            .name("leaky".into())
            .spawn(move || panic!("request failed: Authorization: Bot {}", quoted.expose()))
            .unwrap()
            .join();
        assert!(thread.is_err());
        let quoted = token.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let task = runtime.block_on(async move {
            tokio::spawn(async move {
                let header = format!("Bot {}", quoted.expose());
                let parts: Vec<&str> = header.split('.').collect();
                panic!("bad signature {}", parts[2]);
            })
            .await
        });
        assert!(task.unwrap_err().is_panic());
        assert!(std::panic::catch_unwind(|| std::panic::panic_any(7_u8)).is_err());
        return;
    }
    // This test's name as the harness knows it: its module path without the binary's name.
    let name = match module_path!().split_once("::") {
        Some((_, module)) => format!("{module}::a_panic_never_prints_the_token"),
        None => "a_panic_never_prints_the_token".to_owned(),
    };
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", &name, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{all}");
    assert_eq!(all.matches(" panicked at ").count(), 3, "{all}");
    assert!(
        all.contains(&format!("thread 'leaky' panicked at {}:", file!())),
        "{all}"
    );
    assert!(
        all.contains("request failed: Authorization: Bot [REDACTED]"),
        "{all}"
    );
    assert!(all.contains("bad signature [REDACTED]"), "{all}");
    assert!(all.contains("Box<dyn Any>"), "{all}");
    assert!(
        all.contains("stack backtrace:"),
        "RUST_BACKTRACE is honoured"
    );
    assert_no_token(&all);
}
