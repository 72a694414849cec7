//! The scheduler inside the bot: each tick commits what is due (posts, reveals) through the
//! service, which makes both idempotent, and has the outbox deliver everything Discord has not
//! accepted yet. `tick` is a function tests call directly with a manual clock; `run` repeats it
//! until asked to stop, and never waits on a delivery past its period.

use std::sync::Arc;
use std::time::Duration;

use serenity::all::Http;
use tokio::sync::watch;

use super::outbox::{Delivered, Outbox};
use crate::liveness::{Liveness, metrics};
use crate::service::Service;

/// How often the scheduler looks for due posts and reveals.
pub const TICK: Duration = Duration::from_secs(5);

/// How long a tick under way may go on after the bot was asked to stop. Everything it does is
/// safe to cut short (transactions roll back, deliveries are resent with their nonce), so this
/// only spares Discord a resend of what was about to be recorded.
pub const STOP_GRACE: Duration = Duration::from_secs(3);

/// What one tick did: its delivery passes.
pub type TickReport = Delivered;

/// One pass, waiting for every delivery (tests and benchmarks read the channel right after).
pub async fn tick(http: &Arc<Http>, service: &Service, outbox: &Outbox) -> TickReport {
    tick_within(http, service, outbox, None, None).await
}

/// One pass: commit due posts, deliver posts, commit due reveals, deliver reveals, waiting for
/// each delivery step up to `wait`, and telling `liveness` which step it is in (a stall names
/// it). Posts are delivered before reveals are committed, because a reveal needs its question's
/// message: a post sent (or recorded) in this pass is revealed in it.
pub async fn tick_within(
    http: &Arc<Http>,
    service: &Service,
    outbox: &Outbox,
    wait: Option<Duration>,
    liveness: Option<&Liveness>,
) -> TickReport {
    let phase = |what: &str| {
        if let Some(liveness) = liveness {
            liveness.phase(what);
        }
    };
    phase("committing due posts");
    if let Err(e) = service.post_due().await {
        metrics::database_error();
        tracing::error!("could not check for due posts: {e}");
    }
    phase("delivering posts");
    let mut report = outbox.deliver_posts(http, service, wait).await;
    phase("committing due reveals");
    if let Err(e) = service.reveal_due().await {
        metrics::database_error();
        tracing::error!("could not check for due reveals: {e}");
    }
    phase("delivering reveals");
    report += outbox.deliver_reveals(http, service, wait).await;
    phase("weekly recaps");
    if let Err(e) = service.commit_recaps_due().await {
        metrics::database_error();
        tracing::error!("could not check for weekly recaps: {e}");
    }
    logged(
        outbox.send_recaps(http, service).await,
        "posted weekly recaps",
    );
    phase("champion role");
    logged(
        outbox.apply_champions(http, service).await,
        "settled champion roles",
    );
    phase("ending idle mock interviews");
    if let Err(e) = service.end_idle_mocks().await {
        metrics::database_error();
        tracing::error!("could not end idle mock interviews: {e}");
    }
    phase("sending reminders");
    logged(outbox.send_reminders(http, service).await, "sent reminders");
    phase("suggestions");
    logged(
        outbox.send_suggestions(http, service).await,
        "posted suggestions and told suggesters",
    );
    phase("reporting refused deliveries");
    logged(
        outbox.report_refusals(http, service).await,
        "reported refused deliveries to log channels",
    );
    report
}

/// Logs how many things a step did, when it did any: most ticks do none.
fn logged(count: usize, what: &str) {
    if count > 0 {
        tracing::info!(count, "{what}");
    }
}

/// Sends what was committed but never confirmed (a crash between commit and Discord's answer),
/// without committing anything new.
pub async fn resend_unsent(http: &Arc<Http>, service: &Service, outbox: &Outbox) {
    let delivered = outbox.deliver_pending(http, service).await;
    if delivered != Default::default() {
        tracing::info!(?delivered, "resent what was unsent");
    }
}

/// Resolves once `stop` says true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Ticks every period of `liveness` (production: [`TICK`]) until `stop` says true, reporting
/// each tick and its phase to `liveness` (its watchdog and `/healthz` see a stall); the first
/// tick catches up at once (unsent, then due). The stop is checked before every tick, and a tick
/// under way when it comes gets [`STOP_GRACE`] to finish before it is dropped, so a stop never
/// waits on Discord and never starts new work.
pub async fn run(
    http: Arc<Http>,
    service: Service,
    outbox: Outbox,
    liveness: Liveness,
    stop: watch::Receiver<bool>,
) {
    let every = liveness.tick_period();
    let mut stop = stop;
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let due = tokio::select! {
            biased;
            () = stopped(&mut stop) => return,
            due = interval.tick() => due,
        };
        metrics::scheduler_lag(due.elapsed());
        liveness.tick_started();
        let pass = tick_within(&http, &service, &outbox, Some(every), Some(&liveness));
        tokio::pin!(pass);
        let report = tokio::select! {
            biased;
            report = &mut pass => report,
            () = stopped(&mut stop) => {
                if tokio::time::timeout(STOP_GRACE, pass).await.is_err() {
                    tracing::warn!("stopped the scheduler in the middle of a tick; what it left is sent at the next start");
                }
                return;
            }
        };
        liveness.tick_finished();
        if report != TickReport::default() {
            tracing::info!(?report, "scheduler tick");
        }
    }
}
