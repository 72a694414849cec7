//! Delivery of what the service committed: daily posts and reveals go to Discord from the
//! database, never from memory. A post or reveal is committed first; the outbox then sends it,
//! records that Discord accepted it, and on the next pass sends again whatever is still
//! unrecorded (a crash, an outage, a 5xx). Every message carries a nonce with `enforce_nonce`, so
//! a resend of a message Discord did accept returns the first message instead of a second one.
//!
//! Each request waits for a slot of the shared [`Pacer`], is bounded by a timeout, and is retried
//! with backoff when the failure may pass (429, 5xx, transport, timeout). A refusal that cannot
//! pass (a deleted channel, lost access) is recorded on the post and not retried, so errors never
//! loop against Discord's invalid-request limit.
//!
//! Two deliveries of one parcel never run at once (`claims`), and each reads its parcel again
//! from the database once it holds the claim, so a list made before another task delivered it is
//! never acted on. A pass waits for its deliveries only up to a limit: one that hangs keeps its
//! claim and finishes (or times out) on its own, and every other parcel goes out meanwhile.

mod champion;
mod claims;
mod editor;
mod outcome;
mod recap;
mod remind;
mod report;
mod reveal;
mod share;
mod suggestions;

pub use claims::{Claim, Claims, Parcel};
pub use editor::Edited;
pub use outcome::{Delivered, DeliveryError, Sent};

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serenity::all::{ChannelId, EditMessage, Http, MessageId};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::pace::Pacer;
use super::render;
use super::retry::{Backoff, is_transient, with_retry};
use crate::domain::ids::{GuildId, PostId};
use crate::liveness::metrics;
use crate::service::{self, Service};
use crate::sync::Shared;
use editor::Editor;

/// How many deliveries may wait on Discord at once. Enough to keep the pacer's slots filled when
/// each request takes a few hundred milliseconds; the pacer, not this, bounds the rate.
pub const IN_FLIGHT: usize = 16;

/// How often, at most, a post's answer count is edited. Discord allows about five edits of a
/// channel's messages per five seconds, and a busy study group answers faster than that.
pub const COUNT_REFRESH: Duration = Duration::from_secs(2);

/// Paced, retried and deduplicated delivery; clones share the pacer, the claims and the edits.
#[derive(Debug, Clone)]
pub struct Outbox {
    pacer: Pacer,
    backoff: Backoff,
    claims: Claims,
    editor: Editor,
    count_refresh: Duration,
    counts_pending: Shared<HashSet<PostId>>,
    /// Posts Discord accepted whose message id the database did not take (read-only, full): the
    /// next pass records it without sending the post again, which after the nonce's few minutes
    /// would be a second copy.
    accepted: Shared<HashMap<PostId, u64>>,
    /// Deliveries of passes running at once.
    slots: Arc<Semaphore>,
}

impl Outbox {
    pub fn new(pacer: Pacer, backoff: Backoff) -> Outbox {
        Outbox {
            pacer,
            backoff,
            claims: Claims::default(),
            editor: Editor::default(),
            count_refresh: COUNT_REFRESH,
            counts_pending: Shared::default(),
            accepted: Shared::default(),
            slots: Arc::new(Semaphore::new(IN_FLIGHT)),
        }
    }

    /// The same outbox with another answer-count refresh interval (tests shorten it).
    pub fn with_count_refresh(mut self, every: Duration) -> Outbox {
        self.count_refresh = every;
        self
    }

    /// How requests that must not be lost are retried, for the handlers' own such requests.
    pub fn backoff(&self) -> Backoff {
        self.backoff
    }

    /// The pacer, for other requests that count towards the global limit.
    pub fn pacer(&self) -> &Pacer {
        &self.pacer
    }

    /// The parcels being delivered (tests check that none is left behind).
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// Posts whose message is being edited (tests check that none is left behind).
    pub fn edits_under_way(&self) -> usize {
        self.editor.editing()
    }

    /// Runs a request in pacer slots, retrying what may pass; each attempt is bounded.
    pub async fn call<T, F, Fut>(&self, mut op: F) -> Result<T, serenity::Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, serenity::Error>>,
    {
        with_retry(self.backoff, || {
            let request = op();
            let pacer = &self.pacer;
            async move {
                pacer.wait().await;
                request.await
            }
        })
        .await
    }

    /// Edits a post's answer count once the refresh interval has passed, with the count at that
    /// moment: every answer within the interval joins the one pending edit.
    pub fn refresh_count(&self, http: Arc<Http>, service: Service, guild: GuildId, post: PostId) {
        if !self.counts_pending.with(|pending| pending.insert(post)) {
            return;
        }
        let outbox = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(outbox.count_refresh).await;
            outbox.counts_pending.with(|pending| pending.remove(&post));
            match outbox.edit_question(&http, &service, guild, post).await {
                Edited::Done => {}
                Edited::Transient(e) | Edited::Refused(e) => {
                    tracing::warn!(post = %post, "could not update the answer count: {e}")
                }
            }
        });
    }

    /// Edits a post's message to what the database says when the edit starts: its answer count,
    /// and once closed, answers closed and the button greyed out. Edits of one post run one after
    /// another (see the `editor` module).
    pub fn edit_question(
        &self,
        http: &Arc<Http>,
        service: &Service,
        guild: GuildId,
        post: PostId,
    ) -> impl Future<Output = Edited> + use<> {
        let (outbox, http, service) = (self.clone(), http.clone(), service.clone());
        self.editor.edit(post, move || {
            let (outbox, http, service) = (outbox.clone(), http.clone(), service.clone());
            async move { outbox.edit_once(&http, &service, guild, post).await }
        })
    }

    /// One edit: read the post, render it, send it.
    async fn edit_once(
        &self,
        http: &Http,
        service: &Service,
        guild: GuildId,
        post: PostId,
    ) -> Edited {
        let (view, count) = match (
            service.post(guild, post).await,
            service.answer_count(post).await,
        ) {
            (Ok(view), Ok(count)) => (view, count),
            (Err(e), _) | (_, Err(e)) => {
                return Edited::Transient(format!("could not read the post: {e}"));
            }
        };
        let Some(message_id) = view.message_id else {
            return Edited::Done;
        };
        let (channel, message) = (ChannelId::new(view.channel.0), MessageId::new(message_id));
        let edit = EditMessage::new()
            .embed(render::question_embed(&view, count))
            .components(vec![render::answer_button(&view)])
            .allowed_mentions(render::no_mentions());
        match self
            .call(|| channel.edit_message(http, message, edit.clone()))
            .await
        {
            Ok(_) => Edited::Done,
            Err(e) if is_transient(&e) => Edited::Transient(e.to_string()),
            Err(e) => Edited::Refused(e.to_string()),
        }
    }

    /// Delivers a parcel now: a post (sent, its message recorded) or a reveal (the model
    /// answer, its thread, the question closed). A parcel another task is delivering is left
    /// to it.
    pub async fn deliver(
        &self,
        http: &Arc<Http>,
        service: &Service,
        parcel: Parcel,
    ) -> Result<Sent, DeliveryError> {
        match self.claims.claim(parcel) {
            Some(claim) => self.send(http, service, parcel, &claim).await,
            None => Ok(Sent::Elsewhere),
        }
    }

    /// The delivery of a claimed parcel, counted in `/metrics` and logged when it fails.
    async fn send(
        &self,
        http: &Arc<Http>,
        service: &Service,
        parcel: Parcel,
        claim: &Claim,
    ) -> Result<Sent, DeliveryError> {
        let (sent, what, post) = match parcel {
            Parcel::Post(post) => (
                self.send_post(http, service, post, claim).await,
                "the question",
                post,
            ),
            Parcel::Reveal(post) => (
                self.send_reveal(http, service, post, claim).await,
                "the model answer",
                post,
            ),
        };
        match &sent {
            Ok(Sent::Now) if matches!(parcel, Parcel::Post(_)) => metrics::post_sent(),
            Ok(Sent::Now) => metrics::reveal_sent(),
            Ok(_) => {}
            Err(e) => {
                metrics::delivery_failed(e.kind());
                if e.is_transient() {
                    tracing::error!(post = %post, "could not post {what} (retried at the next pass): {e}");
                } else {
                    tracing::error!(post = %post, "Discord refused {what} for good: {e}");
                }
            }
        }
        sent
    }

    /// The delivery of a claimed post: read it again, send it (or take the message Discord
    /// already accepted), record the message, and close it at once if it was closed meanwhile.
    async fn send_post(
        &self,
        http: &Arc<Http>,
        service: &Service,
        post: PostId,
        _claim: &Claim,
    ) -> Result<Sent, DeliveryError> {
        let accepted = self.accepted.with(|accepted| accepted.get(&post).copied());
        let view = match service.post_to_send(post).await {
            Ok(view) => view,
            // Its question left the corpus: it can never be rendered, so it is not retried.
            Err(e @ service::Error::Corrupt(_)) => {
                self.record_refusal(service, post, &e.to_string()).await;
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        };
        let message_id = match (accepted, view) {
            (Some(message_id), _) => message_id,
            (None, None) => return Ok(Sent::Already),
            (None, Some(view)) => {
                let channel = ChannelId::new(view.channel.0);
                let message = self
                    .call(|| channel.send_message(http, render::post_message(&view)))
                    .await;
                match message {
                    Ok(message) => {
                        let id = message.id.get();
                        self.accepted.with(|accepted| accepted.insert(post, id));
                        id
                    }
                    Err(e) => return Err(self.refused(service, post, e).await),
                }
            }
        };
        let closed = match service.record_message(post, message_id).await {
            Ok(closed) => closed,
            Err(e) => {
                tracing::error!(post = %post, "posted but could not record the message (recorded at the next pass, without sending again): {e}");
                return Err(e.into());
            }
        };
        self.accepted.with(|accepted| accepted.remove(&post));
        // Its reveal time came while it was being sent, and closed it: show it closed.
        if closed
            && let Ok(Some(now)) = service.post_by_id(post).await
            && let Edited::Transient(e) | Edited::Refused(e) =
                self.edit_question(http, service, now.guild, post).await
        {
            tracing::warn!(post = %post, "could not close a question that arrived after its reveal time: {e}");
        }
        Ok(Sent::Now)
    }

    /// Records a refusal that cannot pass, so the parcel is not retried; returns the error.
    async fn refused(
        &self,
        service: &Service,
        post: PostId,
        error: serenity::Error,
    ) -> DeliveryError {
        if !is_transient(&error) {
            self.record_refusal(service, post, &error.to_string()).await;
        }
        error.into()
    }

    async fn record_refusal(&self, service: &Service, post: PostId, error: &str) {
        if let Err(e) = service.record_delivery_error(post, error).await {
            tracing::error!(post = %post, "could not record a refused delivery: {e}");
        }
    }

    /// Sends every committed post Discord has not accepted yet, waiting for them up to `wait`
    /// (`None`: until all are done).
    pub async fn deliver_posts(
        &self,
        http: &Arc<Http>,
        service: &Service,
        wait: Option<Duration>,
    ) -> Delivered {
        match service.unsent_posts().await {
            Ok(mut posts) => {
                // Posts whose message the database did not take, even if closed since.
                let accepted: Vec<PostId> = self
                    .accepted
                    .with(|accepted| accepted.keys().copied().collect());
                for post in accepted {
                    if !posts.contains(&post) {
                        posts.push(post);
                    }
                }
                let parcels = posts.into_iter().map(Parcel::Post).collect();
                self.fan_out(parcels, http, service, wait).await
            }
            Err(e) => {
                tracing::error!("could not list unsent posts: {e}");
                Delivered::default()
            }
        }
    }

    /// Sends every committed reveal Discord has not accepted yet, waiting up to `wait`.
    pub async fn deliver_reveals(
        &self,
        http: &Arc<Http>,
        service: &Service,
        wait: Option<Duration>,
    ) -> Delivered {
        match service.unsent_reveals().await {
            Ok(posts) => {
                let parcels = posts.into_iter().map(Parcel::Reveal).collect();
                self.fan_out(parcels, http, service, wait).await
            }
            Err(e) => {
                tracing::error!("could not list unsent reveals: {e}");
                Delivered::default()
            }
        }
    }

    /// Sends everything unsent, posts first, waiting for all of it.
    pub async fn deliver_pending(&self, http: &Arc<Http>, service: &Service) -> Delivered {
        let mut delivered = self.deliver_posts(http, service, None).await;
        delivered += self.deliver_reveals(http, service, None).await;
        let reported = self.report_refusals(http, service).await;
        if reported > 0 {
            tracing::info!(reported, "reported refused deliveries to log channels");
        }
        delivered
    }

    /// Delivers each parcel not already claimed in a task of its own, at most [`IN_FLIGHT`] at
    /// once across passes, and waits for them up to `wait`. Tasks still running then are left to
    /// finish on their own with their claims (counted as pending): a request that never answers
    /// delays its own parcel only, until its attempts time out.
    async fn fan_out(
        &self,
        parcels: Vec<Parcel>,
        http: &Arc<Http>,
        service: &Service,
        wait: Option<Duration>,
    ) -> Delivered {
        let mut report = Delivered::default();
        let mut tasks = JoinSet::new();
        for parcel in parcels {
            let Some(claim) = self.claims.claim(parcel) else {
                report.pending += 1;
                continue;
            };
            let (outbox, http, service) = (self.clone(), http.clone(), service.clone());
            tasks.spawn(async move {
                let _slot = outbox.slots.clone().acquire_owned().await;
                let sent = outbox.send(&http, &service, parcel, &claim).await;
                drop(claim);
                (parcel, sent)
            });
        }
        let deadline = wait.map(|wait| tokio::time::Instant::now() + wait);
        loop {
            let next = match deadline {
                Some(deadline) => {
                    match tokio::time::timeout_at(deadline, tasks.join_next()).await {
                        Ok(next) => next,
                        Err(_) => {
                            report.pending += tasks.len();
                            tracing::warn!(
                                still_running = tasks.len(),
                                "deliveries are taking long; the pass goes on without them"
                            );
                            tasks.detach_all();
                            break;
                        }
                    }
                }
                None => tasks.join_next().await,
            };
            match next {
                None => break,
                Some(Ok((Parcel::Post(_), Ok(Sent::Now)))) => report.posted += 1,
                Some(Ok((Parcel::Reveal(_), Ok(Sent::Now)))) => report.revealed += 1,
                Some(Ok((_, Ok(Sent::Already)))) => {}
                Some(Ok((_, Ok(Sent::Elsewhere)))) => report.pending += 1,
                Some(Ok((_, Err(_)))) => report.failed += 1,
                Some(Err(e)) => {
                    report.failed += 1;
                    tracing::error!("a delivery task failed: {e}");
                }
            }
        }
        report
    }
}
