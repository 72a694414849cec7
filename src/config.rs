//! Configuration from the environment (and `.env`), parsed once into typed values.
//!
//! The bot token is held in a [`DiscordToken`] that never prints: `Debug` shows `[REDACTED]`, and
//! no error message repeats it, so it cannot reach a log by accident.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use secrecy::{ExposeSecret, SecretString};

/// Every environment variable dailydrill reads: `--help` lists them, and tests and benchmarks
/// clear them so that the shell they run from cannot change what they measure.
pub const ENV_VARIABLES: [&str; 7] = [
    "DISCORD_TOKEN",
    "DATABASE_URL",
    "DISCORD_API_URL",
    "DEV_GUILD_ID",
    "QUESTIONS_DIR",
    "METRICS_ADDR",
    "RUST_LOG",
];

/// The database used when `DATABASE_URL` is unset: a SQLite file in the working directory,
/// created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:dailydrill.db";

/// What a newcomer without a token is told, as one paragraph.
pub const MISSING_TOKEN_HELP: &str = "\
dailydrill needs a Discord bot token to connect, and DISCORD_TOKEN is not set. To get one, open \
https://discord.com/developers/applications, create an application (New Application), open its Bot \
page and press Reset Token, then copy the token. Put it in a file named .env in the directory you \
run dailydrill from, as the line DISCORD_TOKEN=<your token> (see .env.example), or export \
DISCORD_TOKEN in your shell. README.md explains how to invite the bot to your server.";

/// What an operator is told when Discord refuses the token (gateway close code 4004), as one
/// paragraph that never repeats the token.
pub const TOKEN_REFUSED_HELP: &str = "\
Discord refused DISCORD_TOKEN (authentication failed): the token was reset, mistyped, or belongs \
to another application. Open https://discord.com/developers/applications, open the bot's \
application, press Reset Token on its Bot page, and put the new token in .env as \
DISCORD_TOKEN=<your token>.";

/// A configuration value that is missing or malformed; messages never include secret values.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{MISSING_TOKEN_HELP}")]
    MissingToken,
    #[error(
        "DISCORD_TOKEN does not look like a bot token ({0}). Copy it again from the Bot page of \
         your application at https://discord.com/developers/applications"
    )]
    MalformedToken(&'static str),
    #[error(
        "DATABASE_URL must be a SQLite URL such as {DEFAULT_DATABASE_URL} or \
         sqlite:///var/lib/dailydrill/bot.db; {0}"
    )]
    UnsupportedDatabase(String),
    #[error(
        "DISCORD_API_URL must be an http:// or https:// base URL such as http://127.0.0.1:8080"
    )]
    MalformedApiUrl,
    #[error(
        "METRICS_ADDR must be a port such as 9100 (served on 127.0.0.1) or an IP address and \
         port such as 0.0.0.0:9100 or [::1]:9100; {0}"
    )]
    MalformedMetricsAddr(String),
    #[error(".env line {line} could not be parsed; write it as NAME=value")]
    DotenvLine { line: usize },
    #[error("cannot read .env: {0}")]
    DotenvIo(String),
}

/// A Discord bot token. Only [`DiscordToken::expose`] reveals it, for the HTTP client.
#[derive(Clone)]
pub struct DiscordToken(SecretString);

impl DiscordToken {
    /// Checks the token's shape (three dot-separated parts, no spaces) so a pasted-wrong token is
    /// caught at start with a clear message instead of a 401 loop against Discord.
    pub fn parse(raw: &str) -> Result<DiscordToken, ConfigError> {
        let raw = raw.trim();
        let raw = raw.strip_prefix("Bot ").unwrap_or(raw);
        if raw.is_empty() {
            return Err(ConfigError::MissingToken);
        }
        if raw.chars().any(char::is_whitespace) {
            return Err(ConfigError::MalformedToken("it contains spaces"));
        }
        let parts: Vec<&str> = raw.split('.').collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
            return Err(ConfigError::MalformedToken(
                "a bot token has three parts separated by dots",
            ));
        }
        // Base64url: anything else (a control character, a quote, a non-ASCII letter from a
        // copy-paste) could never authenticate, and cannot even go into an HTTP header.
        let alphabet = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.';
        if !raw.chars().all(alphabet) {
            return Err(ConfigError::MalformedToken(
                "it contains characters other than letters, digits, '-', '_' and dots",
            ));
        }
        Ok(DiscordToken(SecretString::from(raw.to_owned())))
    }

    /// Reads `DISCORD_TOKEN`.
    pub fn from_env() -> Result<DiscordToken, ConfigError> {
        match std::env::var("DISCORD_TOKEN") {
            Ok(raw) => DiscordToken::parse(&raw),
            Err(_) => Err(ConfigError::MissingToken),
        }
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for DiscordToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DiscordToken([REDACTED])")
    }
}

/// A database URL the bot can open. Its `Display` shows only the scheme and path, never a password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<DatabaseUrl, ConfigError> {
        let raw = raw.trim();
        let scheme = raw.split(':').next().unwrap_or_default();
        match scheme {
            "" if raw.is_empty() => Err(ConfigError::UnsupportedDatabase(format!(
                "it is empty (unset it to use {DEFAULT_DATABASE_URL})"
            ))),
            "sqlite" if raw.len() > "sqlite:".len() => Ok(DatabaseUrl(raw.to_owned())),
            "sqlite" => Err(ConfigError::UnsupportedDatabase(
                "it names no file".to_owned(),
            )),
            "postgres" | "postgresql" => Err(ConfigError::UnsupportedDatabase(
                "PostgreSQL is not supported yet".to_owned(),
            )),
            _ if !raw.contains(':') => Err(ConfigError::UnsupportedDatabase(
                "it has no scheme (sqlite:)".to_owned(),
            )),
            other => Err(ConfigError::UnsupportedDatabase(format!(
                "the scheme {other:?} is not supported"
            ))),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SQLite URLs carry no credentials; other schemes are refused by `parse`.
        f.write_str(&self.0)
    }
}

/// Where REST calls go instead of `https://discord.com`: a fake Discord in tests and the demo, or a
/// shared rate-limit proxy. Unset in production, which leaves serenity's defaults untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiUrl(String);

impl ApiUrl {
    pub fn parse(raw: &str) -> Result<ApiUrl, ConfigError> {
        let raw = raw.trim().trim_end_matches('/');
        let rest = raw
            .strip_prefix("http://")
            .or_else(|| raw.strip_prefix("https://"))
            .ok_or(ConfigError::MalformedApiUrl)?;
        if rest.is_empty() || rest.chars().any(char::is_whitespace) {
            return Err(ConfigError::MalformedApiUrl);
        }
        Ok(ApiUrl(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where `/healthz` and `/metrics` are served (`METRICS_ADDR`). A bare port means loopback only,
/// so that turning metrics on never exposes them to the network by accident; an address is taken
/// as given (`0.0.0.0:9100` in a container, whose port the operator maps). No host names: the
/// address is bound before anything else could resolve them, and a name that resolves to several
/// addresses would leave the operator guessing which one listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsAddr(SocketAddr);

impl MetricsAddr {
    pub fn parse(raw: &str) -> Result<MetricsAddr, ConfigError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ConfigError::MalformedMetricsAddr(
                "it is empty (unset it to serve neither)".to_owned(),
            ));
        }
        if raw.chars().all(|c| c.is_ascii_digit()) {
            return match raw.parse::<u16>() {
                Ok(port) => Ok(MetricsAddr(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))),
                Err(_) => Err(ConfigError::MalformedMetricsAddr(format!(
                    "the port {raw} is above 65535"
                ))),
            };
        }
        match raw.parse::<SocketAddr>() {
            Ok(addr) => Ok(MetricsAddr(addr)),
            // A value this long is no address; it is not repeated whole (it may be a paste of
            // something else entirely).
            Err(_) if raw.chars().count() > 64 => Err(ConfigError::MalformedMetricsAddr(
                "it is not an address".to_owned(),
            )),
            Err(_) => Err(ConfigError::MalformedMetricsAddr(format!(
                "{raw:?} is neither a port nor an IP address with a port"
            ))),
        }
    }

    /// The address to listen on.
    pub fn listen(&self) -> SocketAddr {
        self.0
    }

    /// The address a local client (`dailydrill healthcheck`) connects to: a server listening on
    /// every interface (`0.0.0.0`, `[::]`) is reached through loopback.
    pub fn local(&self) -> SocketAddr {
        let ip = match self.0.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        SocketAddr::new(ip, self.0.port())
    }
}

impl fmt::Display for MetricsAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Loads `.env` from the working directory into the environment, if there is one. Variables
/// already set win, so an operator's shell overrides the file. Parse errors name the line but never
/// repeat it: the line may hold the token.
pub fn load_dotenv() -> Result<(), ConfigError> {
    match dotenvy::dotenv() {
        Ok(_) => Ok(()),
        Err(e) if e.not_found() => Ok(()),
        Err(dotenvy::Error::LineParse(bad, _)) => Err(dotenv_line(&bad)),
        Err(dotenvy::Error::Io(e)) => Err(ConfigError::DotenvIo(e.to_string())),
        Err(_) => Err(ConfigError::DotenvIo("unreadable".to_owned())),
    }
}

/// Finds the line of the text dotenvy could not parse, without ever printing that text.
fn dotenv_line(bad: &str) -> ConfigError {
    let line = std::fs::read_to_string(".env")
        .ok()
        .and_then(|text| {
            let at = text.find(bad.trim_end())?;
            Some(text[..at].matches('\n').count() + 1)
        })
        .unwrap_or(1);
    ConfigError::DotenvLine { line }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789";

    #[test]
    fn a_token_never_prints() {
        let token = DiscordToken::parse(TOKEN).unwrap();
        assert_eq!(token.expose(), TOKEN);
        let shown = format!("{token:?}");
        assert!(!shown.contains("GAbCdE"), "{shown}");
        assert!(shown.contains("REDACTED"));
    }

    #[test]
    fn malformed_tokens_are_refused_without_echoing_them() {
        for raw in [
            "abc",
            "a.b",
            "a..c",
            "a.b c.d",
            "a.b.c.d",
            "a.b.c\u{7}",
            "a.b.cé",
            "a.\"b\".c",
            "a.b.c\u{0}",
        ] {
            let err = DiscordToken::parse(raw).unwrap_err();
            assert!(matches!(err, ConfigError::MalformedToken(_)), "{raw}");
            assert!(!err.to_string().contains(raw), "{err}");
        }
        assert_eq!(
            DiscordToken::parse("  ").unwrap_err(),
            ConfigError::MissingToken
        );
        assert!(DiscordToken::parse(&format!("Bot {TOKEN}\n")).is_ok());
    }

    #[test]
    fn only_sqlite_urls_are_accepted_for_now() {
        assert!(DatabaseUrl::parse(DEFAULT_DATABASE_URL).is_ok());
        assert!(DatabaseUrl::parse("sqlite:///tmp/x.db?mode=rwc").is_ok());
        for (raw, why) in [
            ("sqlite:", "no file"),
            ("postgres://u:secret@h/db", "not supported yet"),
            ("mysql://u:secret@h/db", "\"mysql\""),
            ("dailydrill.db", "no scheme"),
            (" ", "it is empty"),
        ] {
            let err = DatabaseUrl::parse(raw).unwrap_err().to_string();
            assert!(err.contains(why), "{raw}: {err}");
            assert!(!err.contains("secret"), "{err}");
        }
    }

    #[test]
    fn api_urls_are_http_base_urls() {
        assert_eq!(
            ApiUrl::parse("http://127.0.0.1:9000/").unwrap().as_str(),
            "http://127.0.0.1:9000"
        );
        assert!(ApiUrl::parse("https://proxy.internal").is_ok());
        for bad in ["", "ftp://x", "127.0.0.1:9000", "http://", "http://a b"] {
            assert_eq!(
                ApiUrl::parse(bad),
                Err(ConfigError::MalformedApiUrl),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_bare_metrics_port_is_loopback_and_an_address_is_taken_as_given() {
        let parse = |raw| MetricsAddr::parse(raw).map(|addr| addr.listen().to_string());
        assert_eq!(parse("9100").as_deref(), Ok("127.0.0.1:9100"));
        assert_eq!(parse(" 9100\n").as_deref(), Ok("127.0.0.1:9100"));
        assert_eq!(parse("0.0.0.0:9100").as_deref(), Ok("0.0.0.0:9100"));
        assert_eq!(parse("[::1]:9100").as_deref(), Ok("[::1]:9100"));
        assert_eq!(parse("10.0.0.7:80").as_deref(), Ok("10.0.0.7:80"));
    }

    #[test]
    fn a_healthcheck_reaches_a_server_on_every_interface_through_loopback() {
        let local = |raw| MetricsAddr::parse(raw).unwrap().local().to_string();
        assert_eq!(local("0.0.0.0:9100"), "127.0.0.1:9100");
        assert_eq!(local("[::]:9100"), "[::1]:9100");
        assert_eq!(local("192.0.2.1:9100"), "192.0.2.1:9100");
    }

    #[test]
    fn anything_else_is_refused_naming_metrics_addr() {
        for (raw, why) in [
            ("", "it is empty"),
            ("nonsense", "\"nonsense\" is neither"),
            ("localhost:9100", "\"localhost:9100\""),
            ("99999", "above 65535"),
            ("127.0.0.1", "\"127.0.0.1\""),
            ("::1:9100", "\"::1:9100\""),
            ("http://127.0.0.1:9100", "neither"),
            (&"9".repeat(300), "above 65535"),
            (&"x".repeat(300), "not an address"),
        ] {
            let err = MetricsAddr::parse(raw).unwrap_err();
            assert!(matches!(err, ConfigError::MalformedMetricsAddr(_)));
            let err = err.to_string();
            assert!(err.starts_with("METRICS_ADDR must be"), "{err}");
            assert!(err.contains(why), "{raw:?}: {err}");
        }
    }

    #[test]
    fn the_missing_token_help_says_where_to_get_and_put_it() {
        let help = ConfigError::MissingToken.to_string();
        assert!(help.contains("discord.com/developers/applications"));
        assert!(help.contains(".env"));
        assert!(!help.contains('\n'));
    }
}
