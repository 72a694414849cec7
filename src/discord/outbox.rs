//! Delivery of what the service committed: daily posts and reveals go to Discord from the
//! database, never from memory. A post or reveal is committed first; the outbox then sends it,
//! records that Discord accepted it, and on the next pass sends again whatever is still
//! unrecorded (a crash, an outage, a 5xx). Every message carries a nonce with `enforce_nonce`, so
//! a resend of a message Discord did accept returns the first message instead of a second one.
//!
//! Each request waits for a slot of the shared [`Pacer`] and is retried with backoff when the
//! failure may pass (429, 5xx, transport). A refusal that cannot pass (a deleted channel, lost
//! access) is recorded on the post and not retried, so errors never loop against Discord's
//! invalid-request limit.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serenity::all::{AutoArchiveDuration, ChannelId, CreateThread, EditMessage, Http, MessageId};
use serenity::http::HttpError;

use super::pace::Pacer;
use super::render;
use super::retry::{Backoff, is_transient, with_retry};
use crate::domain::ids::{GuildId, PostId};
use crate::service::{PostView, RevealView, Service};

/// How many deliveries may wait on Discord at once. Enough to keep the pacer's slots filled when
/// each request takes a few hundred milliseconds; the pacer, not this, bounds the rate.
pub const IN_FLIGHT: usize = 16;

/// Discord's code for a second thread started from the same message.
const THREAD_ALREADY_CREATED: isize = 160004;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Parcel {
    Post(PostId),
    Reveal(PostId),
}

/// What one delivery pass did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    /// Posts Discord accepted in this pass (new ones and resends).
    pub posted: usize,
    /// Reveals Discord accepted in this pass (new ones and resends).
    pub revealed: usize,
    /// Deliveries that failed; transient ones are retried on the next pass.
    pub failed: usize,
}

/// How often, at most, a post's answer count is edited. Discord allows about five edits of a
/// channel's messages per five seconds, and a busy study group answers faster than that.
pub const COUNT_REFRESH: Duration = Duration::from_secs(2);

/// Paced, retried and deduplicated delivery; clones share the pacer and the in-flight sets.
#[derive(Debug, Clone)]
pub struct Outbox {
    pacer: Pacer,
    backoff: Backoff,
    in_flight: Arc<Mutex<HashSet<Parcel>>>,
    count_refresh: Duration,
    counts_pending: Arc<Mutex<HashSet<PostId>>>,
    /// One lock per post being edited, around reading the post and editing its message: a count
    /// edit that read the post before its reveal cannot land after the closing edit and bring
    /// the Answer button back.
    edits: Arc<Mutex<HashMap<PostId, Arc<tokio::sync::Mutex<()>>>>>,
}

impl Outbox {
    pub fn new(pacer: Pacer, backoff: Backoff) -> Outbox {
        Outbox {
            pacer,
            backoff,
            in_flight: Arc::default(),
            count_refresh: COUNT_REFRESH,
            counts_pending: Arc::default(),
            edits: Arc::default(),
        }
    }

    /// The same outbox with another answer-count refresh interval (tests shorten it).
    pub fn with_count_refresh(mut self, every: Duration) -> Outbox {
        self.count_refresh = every;
        self
    }

    /// Edits a post's answer count once the refresh interval has passed, with the count at that
    /// moment: every answer within the interval joins the one pending edit.
    pub fn refresh_count(&self, http: Arc<Http>, service: Service, guild: GuildId, post: PostId) {
        {
            let mut pending = self
                .counts_pending
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if !pending.insert(post) {
                return;
            }
        }
        let outbox = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(outbox.count_refresh).await;
            outbox
                .counts_pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&post);
            // Retried like a post: after a burst of server errors the count would otherwise stay
            // stale until the next answer, or for good after the last one.
            if let Err(e) = outbox.edit_question(&http, &service, guild, post).await {
                tracing::warn!(post = %post, "could not update the answer count: {e}");
            }
        });
    }

    /// Edits a post's message to what the database says now: its answer count, and once
    /// revealed, answers closed and the button greyed out. A post that cannot be read is left as
    /// it is.
    async fn edit_question(
        &self,
        http: &Http,
        service: &Service,
        guild: GuildId,
        post: PostId,
    ) -> Result<(), serenity::Error> {
        let lock = self
            .edits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(post)
            .or_default()
            .clone();
        let edited = async {
            let _held = lock.lock().await;
            let (view, count) = match (
                service.post(guild, post).await,
                service.answer_count(post).await,
            ) {
                (Ok(view), Ok(count)) => (view, count),
                (Err(e), _) | (_, Err(e)) => {
                    tracing::warn!(post = %post, "could not read the post to edit it: {e}");
                    return Ok(());
                }
            };
            let Some(message_id) = view.message_id else {
                return Ok(());
            };
            let (channel, message) = (ChannelId::new(view.channel.0), MessageId::new(message_id));
            let edit = EditMessage::new()
                .embed(render::question_embed(&view, count))
                .components(vec![render::answer_button(&view)])
                .allowed_mentions(render::no_mentions());
            self.call(|| channel.edit_message(http, message, edit.clone()))
                .await
                .map(drop)
        }
        .await;
        drop(lock);
        let mut edits = self.edits.lock().unwrap_or_else(|e| e.into_inner());
        if edits.get(&post).is_some_and(|l| Arc::strong_count(l) == 1) {
            edits.remove(&post);
        }
        edited
    }

    /// How requests that must not be lost are retried, for the handlers' own such requests.
    pub fn backoff(&self) -> Backoff {
        self.backoff
    }

    /// The pacer, for other requests that count towards the global limit.
    pub fn pacer(&self) -> &Pacer {
        &self.pacer
    }

    /// Runs a request in pacer slots, retrying what may pass.
    pub async fn call<T, F, Fut>(&self, mut op: F) -> Result<T, serenity::Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, serenity::Error>>,
    {
        with_retry(self.backoff, || {
            let request = op();
            async {
                self.pacer.wait().await;
                request.await
            }
        })
        .await
    }

    /// Claims a parcel for this task; false when another task is already delivering it.
    fn claim(&self, parcel: Parcel) -> Option<Claim<'_>> {
        let mut set = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        set.insert(parcel).then_some(Claim {
            outbox: self,
            parcel,
        })
    }

    /// Sends a post and records its message. A post another task is sending is left to it.
    pub async fn deliver_post(
        &self,
        http: &Http,
        service: &Service,
        post: &PostView,
    ) -> Result<(), serenity::Error> {
        let Some(_claim) = self.claim(Parcel::Post(post.id)) else {
            return Ok(());
        };
        let channel = ChannelId::new(post.channel.0);
        let sent = self
            .call(|| channel.send_message(http, render::post_message(post)))
            .await;
        match sent {
            Ok(message) => {
                if let Err(e) = service.record_message(post.id, message.id.get()).await {
                    // The next pass resends it; the nonce makes Discord return this message.
                    tracing::error!(post = %post.id, "posted but could not record the message: {e}");
                }
                Ok(())
            }
            Err(e) => Err(self.refused(service, post.id, e).await),
        }
    }

    /// Posts the model answer in reply to the question (in parts, each with its own nonce), opens
    /// a discussion thread on the question, closes the question's post (final count, button
    /// greyed out), and records the reveal as sent.
    pub async fn deliver_reveal(
        &self,
        http: &Http,
        service: &Service,
        reveal: &RevealView,
    ) -> Result<(), serenity::Error> {
        let Some(_claim) = self.claim(Parcel::Reveal(reveal.post)) else {
            return Ok(());
        };
        let channel = ChannelId::new(reveal.channel.0);
        if let Some(question) = &reveal.question {
            let reply_to = reveal.message_id.map(|m| (reveal.channel.0, m));
            for message in render::reveal_messages(&question.answer, reply_to, reveal.post.0) {
                if let Err(e) = self
                    .call(|| channel.send_message(http, message.clone()))
                    .await
                {
                    return Err(self.refused(service, reveal.post, e).await);
                }
            }
            if let Some(message_id) = reveal.message_id {
                let name: String = format!("Discuss: {}", question.question)
                    .chars()
                    .take(100)
                    .collect();
                let thread =
                    CreateThread::new(name).auto_archive_duration(AutoArchiveDuration::OneDay);
                let opened = self
                    .call(|| {
                        channel.create_thread_from_message(
                            http,
                            MessageId::new(message_id),
                            thread.clone(),
                        )
                    })
                    .await;
                match opened {
                    Ok(_) => {}
                    Err(e) if discord_code(&e) == Some(THREAD_ALREADY_CREATED) => {}
                    // Not recorded as sent: the next pass sends the parts again, which their
                    // nonces turn into the messages already there, and then opens the thread.
                    Err(e) if is_transient(&e) => return Err(e),
                    // Refused for good (no permission to open threads, say): the thread is a
                    // convenience, and the answer itself is out.
                    Err(e) => {
                        tracing::warn!(post = %reveal.post, "could not open the discussion thread: {e}")
                    }
                }
            }
            // The question's post says answers are closed, with the final count, and loses its
            // button. Not recorded as sent when this may pass: the next pass repeats the reveal
            // (its parts and thread are deduplicated) and this edit.
            match self
                .edit_question(http, service, reveal.guild, reveal.post)
                .await
            {
                Ok(()) => {}
                Err(e) if is_transient(&e) => return Err(e),
                // The question was deleted, say: nothing left to close.
                Err(e) => {
                    tracing::warn!(post = %reveal.post, "could not close the question's post: {e}")
                }
            }
        } else {
            tracing::warn!(post = %reveal.post, "revealed a question no longer in the corpus");
        }
        if let Err(e) = service.record_reveal_sent(reveal.post).await {
            tracing::error!(post = %reveal.post, "revealed but could not record it: {e}");
        }
        Ok(())
    }

    /// Records a refusal that cannot pass, so the parcel is not retried; returns the error.
    async fn refused(
        &self,
        service: &Service,
        post: PostId,
        error: serenity::Error,
    ) -> serenity::Error {
        if !is_transient(&error)
            && let Err(e) = service
                .record_delivery_error(post, &error.to_string())
                .await
        {
            tracing::error!(post = %post, "could not record a refused delivery: {e}");
        }
        error
    }

    /// Sends every committed post and reveal Discord has not accepted yet: posts first, so a
    /// reveal can reply to its question, each kind with up to [`IN_FLIGHT`] at once.
    pub async fn deliver_pending(&self, http: &Arc<Http>, service: &Service) -> Delivered {
        let mut delivered = Delivered::default();
        match service.unsent_posts().await {
            Ok(posts) => {
                let (ok, failed) = self
                    .fan_out(posts, |outbox, post| {
                        let (http, service) = (http.clone(), service.clone());
                        async move {
                            let sent = outbox.deliver_post(&http, &service, &post).await;
                            if let Err(e) = &sent {
                                tracing::error!(post = %post.id, "could not post (retried at the next pass unless refused for good): {e}");
                            }
                            sent.is_ok()
                        }
                    })
                    .await;
                delivered.posted += ok;
                delivered.failed += failed;
            }
            Err(e) => tracing::error!("could not list unsent posts: {e}"),
        }
        match service.unsent_reveals().await {
            Ok(reveals) => {
                let (ok, failed) = self
                    .fan_out(reveals, |outbox, reveal| {
                        let (http, service) = (http.clone(), service.clone());
                        async move {
                            let sent = outbox.deliver_reveal(&http, &service, &reveal).await;
                            if let Err(e) = &sent {
                                tracing::error!(post = %reveal.post, "could not post the model answer (retried at the next pass unless refused for good): {e}");
                            }
                            sent.is_ok()
                        }
                    })
                    .await;
                delivered.revealed += ok;
                delivered.failed += failed;
            }
            Err(e) => tracing::error!("could not list unsent reveals: {e}"),
        }
        delivered
    }

    /// Runs `send` over `items` with at most [`IN_FLIGHT`] at once; counts successes and failures.
    async fn fan_out<I, F, Fut>(&self, items: Vec<I>, send: F) -> (usize, usize)
    where
        F: Fn(Outbox, I) -> Fut,
        Fut: Future<Output = bool> + Send + 'static,
    {
        let mut tasks = tokio::task::JoinSet::new();
        let (mut ok, mut failed) = (0, 0);
        let mut tally = |result: Result<bool, tokio::task::JoinError>| match result {
            Ok(true) => ok += 1,
            Ok(false) => failed += 1,
            Err(e) => {
                failed += 1;
                tracing::error!("a delivery task failed: {e}");
            }
        };
        for item in items {
            if tasks.len() >= IN_FLIGHT
                && let Some(result) = tasks.join_next().await
            {
                tally(result);
            }
            tasks.spawn(send(self.clone(), item));
        }
        while let Some(result) = tasks.join_next().await {
            tally(result);
        }
        (ok, failed)
    }
}

/// Releases a claim when the delivery ends, however it ends.
struct Claim<'a> {
    outbox: &'a Outbox,
    parcel: Parcel,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        let mut set = self
            .outbox
            .in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        set.remove(&self.parcel);
    }
}

/// Discord's JSON error code of a refused request, if any.
fn discord_code(error: &serenity::Error) -> Option<isize> {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            Some(response.error.code)
        }
        _ => None,
    }
}
