//! Running the bot: the store, the service, the serenity client and the scheduler, started
//! together and stopped together on SIGINT or SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::watch;

use crate::clock::SystemClock;
use crate::config::{ApiUrl, DatabaseUrl, DiscordToken, MetricsAddr, TOKEN_REFUSED_HELP};
use crate::corpus::Corpus;
use crate::discord::outbox::Outbox;
use crate::discord::pace::Pacer;
use crate::discord::retry::Backoff;
use crate::discord::{bot, client, scheduler};
use crate::liveness::{self, Liveness};
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

/// Ctrl-C (SIGINT) and SIGTERM, the signals a terminal or a service manager sends. Listening
/// starts when this is built (the process no longer dies of them), not when it is first awaited.
struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn listen() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let listen = |kind: SignalKind, name: &str| match signal(kind) {
                Ok(signal) => Some(signal),
                Err(e) => {
                    tracing::warn!("cannot listen for {name}: {e}");
                    None
                }
            };
            Signals {
                term: listen(SignalKind::terminate(), "SIGTERM"),
                interrupt: listen(SignalKind::interrupt(), "SIGINT"),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// Resolves at the next signal.
    async fn next(&mut self) {
        #[cfg(unix)]
        {
            async fn recv(signal: &mut Option<tokio::signal::unix::Signal>) {
                match signal {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending().await,
                }
            }
            tokio::select! {
                () = recv(&mut self.term) => {}
                () = recv(&mut self.interrupt) => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// How long each step of a stop may take at most: the shards' close handshake, the client's
/// return, the scheduler's tick under way (its own grace, [`scheduler::STOP_GRACE`], plus a
/// margin) and the database's close. Together well inside the 10 s a service manager allows
/// before it kills the process, whatever state the bot is in (connecting, reconnecting to an
/// unreachable Discord, in the middle of a fan-out).
const SHARDS_STOP: Duration = Duration::from_secs(2);
const CLIENT_STOP: Duration = Duration::from_secs(1);
const SCHEDULER_STOP: Duration = Duration::from_millis(3_500);
const STORE_CLOSE: Duration = Duration::from_secs(2);
const OPERATOR_STOP: Duration = Duration::from_millis(500);

/// A stop requested by a signal, shared by every part of the bot. The first SIGINT or SIGTERM
/// asks for a graceful stop; a second one ends the process at once (exit 130), for an operator
/// who does not want to wait.
#[derive(Clone)]
pub struct Stop {
    asked: Arc<watch::Sender<bool>>,
}

impl Stop {
    /// Listens for the stop signals from now on; call it first thing, so that a stop during
    /// start-up (loading the corpus, migrating the database) is a clean stop too. Needs a Tokio
    /// runtime.
    pub fn on_signals() -> Stop {
        let (asked, _) = watch::channel(false);
        let stop = Stop {
            asked: Arc::new(asked),
        };
        let signalled = stop.clone();
        let mut signals = Signals::listen();
        tokio::spawn(async move {
            signals.next().await;
            tracing::info!("shutting down");
            signalled.ask();
            signals.next().await;
            tracing::warn!("a second stop signal: exiting at once");
            std::process::exit(130);
        });
        stop
    }

    fn ask(&self) {
        self.asked.send_replace(true);
    }

    fn is_asked(&self) -> bool {
        *self.asked.borrow()
    }

    fn subscribe(&self) -> watch::Receiver<bool> {
        self.asked.subscribe()
    }

    /// Resolves once a stop is asked.
    async fn asked(&self) {
        let mut asked = self.subscribe();
        let _ = asked.wait_for(|asked| *asked).await;
    }
}

/// Runs until `stop` is asked. Answers acknowledged to members are committed before they are
/// acknowledged, so stopping loses none; a scheduler tick under way gets a few seconds to finish,
/// and what it leaves unsent goes out at the next start. A stop asked during start-up ends it
/// after the step under way (the database is left migrated or not, never half).
pub async fn run(config: BotConfig, corpus: Corpus, stop: Stop) -> anyhow::Result<()> {
    if stop.is_asked() {
        tracing::info!("stopped");
        return Ok(());
    }
    let store = Store::open(&config.database)
        .await
        .with_context(|| format!("DATABASE_URL is {}", config.database))?;
    let service = Service::new(
        store,
        Arc::new(corpus),
        Arc::new(SystemClock),
        rand::random(),
    );
    service
        .load_decks()
        .await
        .context("could not read the servers' decks")?;
    // A server's history becomes reviewable; should it fail, it is tried at the next start.
    if let Err(e) = service.rate_history().await {
        tracing::error!("could not make review cards from earlier answers: {e}");
    }
    let timing = Timing {
        tick: scheduler::TICK,
        backoff: Backoff::default(),
    };
    serve_until(config, service, timing, stop).await
}

/// How often the scheduler ticks and how requests are retried; production uses the defaults,
/// crash tests a faster tick on a clock they move.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub tick: std::time::Duration,
    pub backoff: Backoff,
}

/// The bot on an opened service: the serenity client, the scheduler and graceful shutdown.
/// A stop signal is obeyed in every phase (checking the API, connecting, reconnecting to a
/// Discord that cannot be reached, running) and every wait after it is bounded.
pub async fn serve(config: BotConfig, service: Service, timing: Timing) -> anyhow::Result<()> {
    serve_until(config, service, timing, Stop::on_signals()).await
}

async fn serve_until(
    config: BotConfig,
    service: Service,
    timing: Timing,
    stop: Stop,
) -> anyhow::Result<()> {
    let liveness = Liveness::new(timing.tick);
    let operator = match &config.metrics {
        Some(addr) => Some(serve_liveness(addr, &liveness, &service, &stop).await?),
        None => None,
    };
    let started = tokio::select! {
        biased;
        () = stop.asked() => None,
        client = connect(&config, &service, &timing, &liveness) => Some(client?),
    };
    let Some((bot, outbox)) = started else {
        stop_operator(operator).await;
        close_store(&service).await;
        tracing::info!("stopped");
        return Ok(());
    };
    let scheduler = tokio::spawn(scheduler::run(
        bot.http.clone(),
        service.clone(),
        outbox,
        liveness.clone(),
        stop.subscribe(),
    ));
    let mut client = bot.task;
    let ended = tokio::select! {
        biased;
        () = stop.asked() => {
            // serenity's `shutdown_all` returns at once while no shard is running (still
            // connecting, or waiting to reconnect), and the client would then retry forever:
            // ask, wait a bounded time, and abort it either way.
            let _ = tokio::time::timeout(SHARDS_STOP, bot.shards.shutdown_all()).await;
            if tokio::time::timeout(CLIENT_STOP, &mut client).await.is_err() {
                client.abort();
            }
            None
        }
        ended = &mut client => Some(ended),
    };
    // The client also ends when the bot stopped itself (its commands could not be registered):
    // then stop the scheduler too, and fail.
    let unasked = !stop.is_asked();
    stop.ask();
    if tokio::time::timeout(SCHEDULER_STOP, scheduler)
        .await
        .is_err()
    {
        tracing::warn!("the scheduler did not stop in time; leaving it");
    }
    stop_operator(operator).await;
    close_store(&service).await;
    match ended {
        Some(Ok(Err(serenity::Error::Gateway(
            serenity::gateway::GatewayError::InvalidAuthentication,
        )))) => anyhow::bail!(TOKEN_REFUSED_HELP),
        Some(Ok(Err(e))) => Err(e.into()),
        Some(Err(failed)) => anyhow::bail!("the Discord client failed: {failed}"),
        Some(Ok(Ok(()))) if unasked => anyhow::bail!(
            "the bot stopped because it could not register its slash commands (the error above says why)"
        ),
        _ => {
            tracing::info!("stopped");
            Ok(())
        }
    }
}

/// Checks the configured API, then starts the serenity client (which asks for the gateway's
/// address) with the outbox it shares with the scheduler.
async fn connect(
    config: &BotConfig,
    service: &Service,
    timing: &Timing,
    liveness: &Liveness,
) -> anyhow::Result<(bot::Running, Outbox)> {
    let http =
        client::http(&config.token, config.api.as_ref()).context("cannot build an HTTP client")?;
    if let Some(api) = &config.api {
        // serenity asks this API for the gateway's address and, if it does not answer, quietly
        // connects to Discord's real gateway instead: a typo in DISCORD_API_URL would send the
        // bot past its proxy (or, offline, into a reconnect loop). Ask first, and fail clearly.
        let asked = tokio::time::timeout(Duration::from_secs(10), http.get_gateway()).await;
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
    tracing::info!("connecting to Discord");
    let bot = bot::spawn(
        http,
        service.clone(),
        outbox.clone(),
        liveness.clone(),
        config.dev_guild,
    )
    .await?;
    Ok((bot, outbox))
}

/// What serves the operator: `/healthz` and `/metrics`, and the watchdog that logs a stall.
struct Operator {
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    watchdog: tokio::task::JoinHandle<()>,
}

/// Binds `METRICS_ADDR` before anything connects (a port in use fails the start, not a scrape),
/// installs the metrics recorder, and serves until the stop.
async fn serve_liveness(
    addr: &MetricsAddr,
    liveness: &Liveness,
    service: &Service,
    stop: &Stop,
) -> anyhow::Result<Operator> {
    let listen = addr.listen();
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("METRICS_ADDR {listen} cannot be served"))?;
    let metrics = liveness::install_recorder()?;
    tracing::info!(%listen, "serving /healthz and /metrics");
    let stopped = stop.clone();
    let server = tokio::spawn(liveness::serve(
        listener,
        liveness.clone(),
        service.store().clone(),
        metrics,
        async move { stopped.asked().await },
    ));
    let watchdog = tokio::spawn(liveness::watchdog(liveness.clone(), stop.subscribe()));
    Ok(Operator { server, watchdog })
}

/// Waits (bounded) for the operator's server and watchdog to end after the stop.
async fn stop_operator(operator: Option<Operator>) {
    let Some(Operator { server, watchdog }) = operator else {
        return;
    };
    match tokio::time::timeout(OPERATOR_STOP, server).await {
        Ok(Ok(Err(e))) => tracing::warn!("the /healthz server failed: {e}"),
        Err(_) => tracing::warn!("the /healthz server did not stop in time; leaving it"),
        _ => {}
    }
    let _ = tokio::time::timeout(OPERATOR_STOP, watchdog).await;
}

/// Closes the database's connections, without waiting on one a cancelled task still holds.
async fn close_store(service: &Service) {
    if tokio::time::timeout(STORE_CLOSE, service.store().close())
        .await
        .is_err()
    {
        tracing::warn!("the database did not close in time; every commit is already on disk");
    }
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
