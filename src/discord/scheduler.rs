//! The scheduler inside the bot: each tick commits what is due (posts, reveals) through the
//! service, which makes both idempotent, then has the outbox deliver everything Discord has not
//! accepted yet. `tick` is a function tests call directly with a manual clock; `run` repeats it.

use std::sync::Arc;
use std::time::Duration;

use serenity::all::Http;

use super::outbox::{Delivered, Outbox};
use crate::service::Service;

/// How often the scheduler looks for due posts and reveals.
pub const TICK: Duration = Duration::from_secs(5);

/// What one tick did: its delivery pass.
pub type TickReport = Delivered;

/// One pass: commit due posts and due reveals, then deliver whatever is unsent.
pub async fn tick(http: &Arc<Http>, service: &Service, outbox: &Outbox) -> TickReport {
    if let Err(e) = service.post_due().await {
        tracing::error!("could not check for due posts: {e}");
    }
    if let Err(e) = service.reveal_due().await {
        tracing::error!("could not check for due reveals: {e}");
    }
    outbox.deliver_pending(http, service).await
}

/// Sends what was committed but never confirmed (a crash between commit and Discord's answer),
/// without committing anything new.
pub async fn resend_unsent(http: &Arc<Http>, service: &Service, outbox: &Outbox) {
    let delivered = outbox.deliver_pending(http, service).await;
    if delivered != Default::default() {
        tracing::info!(?delivered, "resent what was unsent");
    }
}

/// Ticks every `every` (production: [`TICK`]) until `stop` resolves; the first tick catches up at once (unsent, then due).
pub async fn run(
    http: Arc<Http>,
    service: Service,
    outbox: Outbox,
    every: Duration,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    resend_unsent(&http, &service, &outbox).await;
    let mut stop = stop;
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {
                let report = tick(&http, &service, &outbox).await;
                if report != TickReport::default() {
                    tracing::info!(?report, "scheduler tick");
                }
            }
            _ = stop.changed() => return,
        }
    }
}
