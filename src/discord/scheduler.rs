//! The scheduler inside the bot: each tick posts what is due and reveals what is due, through the
//! service (which makes both idempotent) and then to Discord. `tick` is a function tests call
//! directly with a manual clock; `run` only repeats it.

use std::time::Duration;

use serenity::all::{AutoArchiveDuration, ChannelId, CreateThread, Http, MessageId};

use super::render;
use super::retry::{Backoff, with_retry};
use crate::service::{PostView, RevealView, Service};

/// How often the scheduler looks for due posts and reveals.
pub const TICK: Duration = Duration::from_secs(5);

/// What one tick did, for logs and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TickReport {
    pub posted: usize,
    pub revealed: usize,
    pub failed: usize,
}

/// Sends a post and records its message. Called for new posts and, at start, for posts committed
/// before a crash and never confirmed: the nonce makes Discord return the earlier message.
pub async fn send_post(
    http: &Http,
    service: &Service,
    backoff: Backoff,
    post: &PostView,
) -> Result<(), serenity::Error> {
    let channel = ChannelId::new(post.channel.0);
    let message = with_retry(backoff, || {
        channel.send_message(http, render::post_message(post))
    })
    .await?;
    if let Err(e) = service.record_message(post.id, message.id.get()).await {
        tracing::error!(post = %post.id, "posted but could not record the message: {e}");
    }
    Ok(())
}

/// Posts the model answer in reply to the question, opens a discussion thread on the question, and
/// offers each member their feedback.
pub async fn send_reveal(
    http: &Http,
    backoff: Backoff,
    reveal: &RevealView,
) -> Result<(), serenity::Error> {
    let Some(question) = &reveal.question else {
        tracing::warn!(post = %reveal.post, "revealed a question no longer in the corpus");
        return Ok(());
    };
    let channel = ChannelId::new(reveal.channel.0);
    let reply_to = reveal.message_id.map(|m| (reveal.channel.0, m));
    for message in render::reveal_messages(&question.answer, reply_to, reveal.post.0) {
        with_retry(backoff, || channel.send_message(http, message.clone())).await?;
    }
    if let Some(message_id) = reveal.message_id {
        let name: String = format!("Discuss: {}", question.question)
            .chars()
            .take(100)
            .collect();
        let thread = CreateThread::new(name).auto_archive_duration(AutoArchiveDuration::OneDay);
        with_retry(backoff, || {
            channel.create_thread_from_message(http, MessageId::new(message_id), thread.clone())
        })
        .await?;
    }
    Ok(())
}

/// One pass: post what is due, then reveal what is due.
pub async fn tick(http: &Http, service: &Service, backoff: Backoff) -> TickReport {
    let mut report = TickReport::default();
    match service.post_due().await {
        Ok(due) => {
            for post in &due.posted {
                match send_post(http, service, backoff, post).await {
                    Ok(()) => report.posted += 1,
                    Err(e) => {
                        report.failed += 1;
                        tracing::error!(post = %post.id, "could not post; it is retried at the next start: {e}");
                    }
                }
            }
        }
        Err(e) => tracing::error!("could not check for due posts: {e}"),
    }
    match service.reveal_due().await {
        Ok(reveals) => {
            for reveal in &reveals {
                match send_reveal(http, backoff, reveal).await {
                    Ok(()) => report.revealed += 1,
                    Err(e) => {
                        report.failed += 1;
                        tracing::error!(post = %reveal.post, "revealed, but could not post the answer: {e}");
                    }
                }
            }
        }
        Err(e) => tracing::error!("could not check for due reveals: {e}"),
    }
    report
}

/// Resends posts committed but never confirmed (a crash between commit and Discord's answer).
pub async fn resend_unsent(http: &Http, service: &Service, backoff: Backoff) {
    match service.unsent_posts().await {
        Ok(posts) => {
            for post in &posts {
                if let Err(e) = send_post(http, service, backoff, post).await {
                    tracing::error!(post = %post.id, "could not resend: {e}");
                }
            }
        }
        Err(e) => tracing::error!("could not list unsent posts: {e}"),
    }
}

/// Ticks until `stop` resolves; catches up at start (unsent posts, then due posts and reveals).
pub async fn run(
    http: std::sync::Arc<Http>,
    service: Service,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    let backoff = Backoff::default();
    resend_unsent(&http, &service, backoff).await;
    let mut stop = stop;
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {
                let report = tick(&http, &service, backoff).await;
                if report != TickReport::default() {
                    tracing::info!(?report, "scheduler tick");
                }
            }
            _ = stop.changed() => return,
        }
    }
}
