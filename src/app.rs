//! Running the bot: the store, the service, the serenity client and the scheduler, started
//! together and stopped together on SIGINT or SIGTERM.

use std::sync::Arc;

use anyhow::Context as _;
use tokio::sync::watch;

use crate::clock::SystemClock;
use crate::config::{ApiUrl, DatabaseUrl, DiscordToken, MetricsAddr, TOKEN_REFUSED_HELP};
use crate::corpus::Corpus;
use crate::discord::outbox::Outbox;
use crate::discord::pace::Pacer;
use crate::discord::retry::Backoff;
use crate::discord::{bot, client, scheduler};
use crate::service::Service;
use crate::store::Store;

/// Everything `run` needs, parsed and checked.
#[derive(Debug)]
pub struct BotConfig {
    pub token: DiscordToken,
    pub database: DatabaseUrl,
    pub api: Option<ApiUrl>,
    /// Register commands in this guild only (instant updates while developing).
    pub dev_guild: Option<u64>,
    /// Serve `/healthz` and `/metrics` here (`METRICS_ADDR`); off when `None`.
    pub metrics: Option<MetricsAddr>,
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM, the signals a terminal or a service manager sends.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(e) => {
                    tracing::warn!("cannot listen for SIGTERM: {e}");
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// Runs until a shutdown signal. Answers acknowledged to members are committed before they are
/// acknowledged, so stopping loses none; the scheduler finishes its tick, then the shards close.
pub async fn run(config: BotConfig, corpus: Corpus) -> anyhow::Result<()> {
    let store = Store::open(&config.database)
        .await
        .with_context(|| format!("DATABASE_URL is {}", config.database))?;
    let service = Service::new(
        store,
        Arc::new(corpus),
        Arc::new(SystemClock),
        rand::random(),
    );
    let timing = Timing {
        tick: scheduler::TICK,
        backoff: Backoff::default(),
    };
    serve(config, service, timing).await
}

/// How often the scheduler ticks and how requests are retried; production uses the defaults,
/// crash tests a faster tick on a clock they move.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub tick: std::time::Duration,
    pub backoff: Backoff,
}

/// The bot on an opened service: the serenity client, the scheduler and graceful shutdown.
pub async fn serve(config: BotConfig, service: Service, timing: Timing) -> anyhow::Result<()> {
    let http = client::http(&config.token, config.api.as_ref());
    if let Some(api) = &config.api {
        // serenity asks this API for the gateway's address and, if it does not answer, quietly
        // connects to Discord's real gateway instead: a typo in DISCORD_API_URL would send the
        // bot past its proxy (or, offline, into a reconnect loop). Ask first, and fail clearly.
        let asked =
            tokio::time::timeout(std::time::Duration::from_secs(10), http.get_gateway()).await;
        match asked {
            Ok(Ok(_)) => {}
            Ok(Err(serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r))))
                if r.status_code.as_u16() == 401 =>
            {
                anyhow::bail!(TOKEN_REFUSED_HELP)
            }
            Ok(Err(e)) => anyhow::bail!(
                "DISCORD_API_URL {} does not answer as Discord's API: {e}",
                api.as_str()
            ),
            Err(_) => anyhow::bail!(
                "DISCORD_API_URL {} did not answer within 10 s",
                api.as_str()
            ),
        }
    }
    let outbox = Outbox::new(Pacer::discord(), timing.backoff);
    let mut client = bot::client(http, service.clone(), outbox.clone(), config.dev_guild).await?;

    let (stop, stopped) = watch::channel(false);
    let stop = std::sync::Arc::new(stop);
    let scheduler = tokio::spawn(scheduler::run(
        client.http.clone(),
        service.clone(),
        outbox,
        timing.tick,
        stopped,
    ));
    let shards = client.shard_manager.clone();
    let asked = stop.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        let _ = asked.send(true);
        shards.shutdown_all().await;
    });
    tracing::info!("connecting to Discord");
    if let Err(e) = client.start().await {
        if matches!(
            e,
            serenity::Error::Gateway(serenity::gateway::GatewayError::InvalidAuthentication)
        ) {
            anyhow::bail!(TOKEN_REFUSED_HELP);
        }
        return Err(e.into());
    }
    // The client also ends when the bot stopped itself (its commands could not be registered):
    // then stop the scheduler too, and fail.
    let unasked = !*stop.borrow();
    let _ = stop.send(true);
    let _ = scheduler.await;
    if unasked {
        service.store().close().await;
        anyhow::bail!(
            "the bot stopped because it could not register its slash commands (the error above says why)"
        );
    }
    service.store().close().await;
    tracing::info!("stopped");
    Ok(())
}

/// An error and its causes as one line, each cause once: libraries often repeat their source in
/// their own message, and printing the whole chain would then say the same thing three times.
pub fn error_chain(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&cause);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_chain_names_each_cause_once() {
        let inner = anyhow::anyhow!("unable to open database file");
        let middle = inner.context("cannot open the database: unable to open database file");
        let outer = middle.context("DATABASE_URL is sqlite:///x/y.db");
        assert_eq!(
            error_chain(&outer),
            "DATABASE_URL is sqlite:///x/y.db: cannot open the database: unable to open database file"
        );
    }
}
