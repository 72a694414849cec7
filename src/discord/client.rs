//! Building serenity's HTTP client from configuration.

use std::time::Duration;

use serenity::http::{Http, HttpBuilder};

use crate::config::{ApiUrl, DiscordToken};

/// How long a connection to Discord (or the proxy) may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one HTTP request may take, from connecting to the last byte of the answer. serenity's
/// default client has no limit, so one request accepted and never answered (a stalled proxy, a
/// half-open connection) would hold whatever waits on it forever: an interaction reply, a
/// command registration that parks every event, a delivery.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// The reqwest client under serenity: rustls, as serenity's own default, plus the timeouts.
pub fn reqwest_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .build()
}

/// The bot's HTTP client. With an API URL (a fake Discord, or a rate-limit proxy such as
/// nirn-proxy) every route goes there and serenity's own rate limiter is off, as such proxies
/// expect; serenity ignores the proxy while its limiter is on. The gateway URL then comes from that
/// API's `GET /gateway`. Without one, serenity's production defaults are untouched but for the
/// timeouts.
pub fn http(token: &DiscordToken, api: Option<&ApiUrl>) -> reqwest::Result<Http> {
    let builder = HttpBuilder::new(token.expose()).client(reqwest_client()?);
    Ok(match api {
        Some(api) => builder
            .proxy(api.as_str())
            .ratelimiter_disabled(true)
            .build(),
        None => builder.build(),
    })
}
