//! Building serenity's HTTP client from configuration.

use serenity::http::{Http, HttpBuilder};

use crate::config::{ApiUrl, DiscordToken};

/// The bot's HTTP client. With an API URL (a fake Discord, or a rate-limit proxy such as
/// nirn-proxy) every route goes there and serenity's own rate limiter is off, as such proxies
/// expect; serenity ignores the proxy while its limiter is on. The gateway URL then comes from that
/// API's `GET /gateway`. Without one, serenity's production defaults are untouched.
pub fn http(token: &DiscordToken, api: Option<&ApiUrl>) -> Http {
    let builder = HttpBuilder::new(token.expose());
    match api {
        Some(api) => builder
            .proxy(api.as_str())
            .ratelimiter_disabled(true)
            .build(),
        None => builder.build(),
    }
}
