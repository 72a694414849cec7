//! Group commit for members' answers: one writer task saves every answer waiting in one
//! transaction, and tells each submitter what became of theirs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use super::answers::{self, NewAnswer, PostTally};
use super::{QueryError, Store};
use crate::domain::ids::{GuildId, PostId, UserId};

/// The most answers committed in one transaction: enough to absorb a burst of a thousand members
/// in a few commits, small enough that a reveal waiting for the write lock waits only milliseconds.
const MAX_BATCH: usize = 1024;

/// Answer text saved between two background checkpoints: a sixteenth of what sets off the
/// write-ahead log's automatic checkpoint (1,000 pages of 4 KiB), so that it finds little to copy.
const CHECKPOINT_EVERY_BYTES: usize = 256 << 10;

/// What became of an answer, as a transaction of its own would have decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerOutcome {
    /// Committed.
    Saved {
        /// False when it replaced the member's earlier answer.
        first: bool,
        /// When the post closes.
        reveal_at: DateTime<Utc>,
        /// The post's answer count just after this answer.
        answer_count: i64,
    },
    /// Not saved: the post does not exist, or belongs to another guild.
    NoSuchPost,
    /// Not saved: the post was revealed, or its reveal time had come at the answer's `now`.
    Closed {
        reveal_at: DateTime<Utc>,
        revealed_at: Option<DateTime<Utc>>,
    },
}

/// Why an answer's fate is unknown: nothing of it was saved.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Its transaction failed: the one it had alone, or the batch's, for the first answer of a
    /// batch the database refused as a whole.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The database refused, as a whole, a batch this answer shared with others (locked by
    /// another process, full, failing): each of them but the first gets this copy of the one error.
    #[error("{0}")]
    Shared(String),
    /// The writer lost track of the answer's outcome: a bug, not the database's doing.
    #[error("an answer saved without an outcome")]
    NoOutcome,
}

/// A member's answer waiting for the writer.
struct Queued {
    guild: GuildId,
    post: PostId,
    user: UserId,
    text: String,
    now: DateTime<Utc>,
}

/// An answer waiting for the answer writer, and where its outcome goes: `None` asks the submitter
/// to save the answer alone, because its batch failed as a whole.
type Submission = (
    Queued,
    oneshot::Sender<Option<Result<AnswerOutcome, WriteError>>>,
);

/// Group commit for answers. With `synchronous = FULL` every commit waits for the disk, and SQLite
/// has one writer at a time; a transaction per answer makes a burst of members queue for the write
/// lock (in the busy handler's sleeps) and pay one disk flush each. Instead one writer task takes
/// every answer waiting, in arrival order, and saves them in one transaction: one flush for the
/// lot, and no member is told "saved" before the commit. An answer whose submitter stopped waiting
/// is still saved, as one whose commit was under way would have been. The writer also checkpoints
/// the write-ahead log in the background as it grows (see [`Store::checkpoint`]).
pub struct AnswerWriter {
    store: Store,
    queue: OnceLock<mpsc::UnboundedSender<Submission>>,
}

impl AnswerWriter {
    /// A writer for `store`; its task starts with the first answer and runs until the writer is
    /// dropped.
    pub fn new(store: Store) -> AnswerWriter {
        AnswerWriter {
            store,
            queue: OnceLock::new(),
        }
    }

    /// Saves (or replaces) a member's answer to a post of `guild`, committed before this returns,
    /// so a member told "saved" never loses it. Answers submitted at the same time are committed
    /// together. An answer is saved only to an existing post of `guild`, and only before its
    /// reveal time, even if the reveal step has not run yet, so everyone gets the same deadline:
    /// the check runs in the transaction that saves it, where no reveal can slip in between.
    pub async fn save(
        &self,
        guild: GuildId,
        answer: NewAnswer<'_>,
    ) -> Result<AnswerOutcome, WriteError> {
        let queued = || Queued {
            guild,
            post: answer.post,
            user: answer.user,
            text: answer.body.to_owned(),
            now: answer.now,
        };
        let (reply, outcome) = oneshot::channel();
        if self.send((queued(), reply)) {
            if let Ok(Some(saved)) = outcome.await {
                return saved;
            }
        }
        // Its batch failed, or the writer is gone with its runtime: saved alone, the answer meets
        // its own error, if any.
        let mut outcomes = save(&self.store, &[queued()]).await?;
        outcomes.pop().ok_or(WriteError::NoOutcome)
    }

    /// Queues an answer, starting the writer task on first use (inside the caller's runtime).
    fn send(&self, submission: Submission) -> bool {
        let queue = self.queue.get_or_init(|| {
            let (queue, submissions) = mpsc::unbounded_channel();
            tokio::spawn(write_loop(self.store.clone(), submissions));
            queue
        });
        queue.send(submission).is_ok()
    }
}

/// Runs until its [`AnswerWriter`] is dropped.
async fn write_loop(store: Store, mut submissions: mpsc::UnboundedReceiver<Submission>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let checkpointing = Arc::new(AtomicBool::new(false));
    let mut unchecked = 0;
    while submissions.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (answers, replies): (Vec<Queued>, Vec<_>) = batch.drain(..).unzip();
        let saved = save(&store, &answers).await;
        // SQLite's own checkpoint runs inside a commit, which then waits for it: a burst's answers
        // would, every few batches. The log is copied beside the next batch instead.
        unchecked += answers.iter().map(|a| a.text.len()).sum::<usize>();
        if unchecked >= CHECKPOINT_EVERY_BYTES && !checkpointing.swap(true, Ordering::AcqRel) {
            unchecked = 0;
            let (store, checkpointing) = (store.clone(), checkpointing.clone());
            tokio::spawn(async move {
                if let Err(error) = store.checkpoint().await {
                    tracing::debug!(%error, "a background checkpoint failed");
                }
                checkpointing.store(false, Ordering::Release);
            });
        }
        match saved {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(Some(Ok(outcome)));
                }
            }
            // Alone already, or refused by the database as a whole: saving each alone would only
            // make every member wait for the same refusal again (a lock's busy timeout twice
            // over would miss Discord's 3 s interaction deadline).
            Err(error) if replies.len() == 1 || error.is_unavailable() => {
                tracing::warn!(%error, answers = answers.len(), "an answer batch failed");
                let shared = error.to_string();
                let mut first = Some(WriteError::Query(error));
                for reply in replies {
                    let error = first
                        .take()
                        .unwrap_or_else(|| WriteError::Shared(shared.clone()));
                    let _ = reply.send(Some(Err(error)));
                }
            }
            Err(error) => {
                tracing::warn!(%error, answers = answers.len(), "an answer batch failed; saving each alone");
                for reply in replies {
                    let _ = reply.send(None);
                }
            }
        }
    }
}

/// Saves answers in one transaction, in order, and returns each one's outcome as if each had had
/// a transaction of its own: refused (no such post, answers closed) or saved, with whether it
/// was the member's first answer and the post's answer count just after it. `Err` only when the
/// transaction failed, and then nothing was saved. A handful of statements whatever the count.
async fn save(store: &Store, batch: &[Queued]) -> Result<Vec<AnswerOutcome>, QueryError> {
    let mut tx = store.write().await?;
    let mut posts: Vec<PostId> = batch.iter().map(|a| a.post).collect();
    posts.sort();
    posts.dedup();
    let mut tallies = answers::tallies(&mut tx, &posts).await?;
    let admitted: Vec<Result<DateTime<Utc>, AnswerOutcome>> = batch
        .iter()
        .map(|a| open_until(tallies.get(&a.post), a.guild, a.now))
        .collect();
    let saving: Vec<NewAnswer> = batch
        .iter()
        .zip(&admitted)
        .filter(|(_, open)| open.is_ok())
        .map(|(a, _)| NewAnswer {
            post: a.post,
            user: a.user,
            body: &a.text,
            now: a.now,
        })
        .collect();
    let mut first = answers::upsert_many(&mut tx, &saving).await?.into_iter();
    tx.commit().await?;
    Ok(batch
        .iter()
        .zip(admitted)
        .map(|(a, open)| {
            let reveal_at = match open {
                Ok(reveal_at) => reveal_at,
                Err(refused) => return refused,
            };
            // `upsert_many` answered once per accepted answer, in order; accepted posts were read.
            let first = first.next().unwrap_or_default();
            let answer_count = tallies.get_mut(&a.post).map_or(0, |t| {
                t.answers += i64::from(first);
                t.answers
            });
            AnswerOutcome::Saved {
                first,
                reveal_at,
                answer_count,
            }
        })
        .collect())
}

/// When a post closes, if `guild` may still answer it at `now`; otherwise why not. Refused after
/// the reveal time even if the reveal step has not run yet, so everyone gets the same deadline.
fn open_until(
    post: Option<&PostTally>,
    guild: GuildId,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, AnswerOutcome> {
    let post = post
        .filter(|p| p.guild == guild)
        .ok_or(AnswerOutcome::NoSuchPost)?;
    if post.revealed_at.is_some() || now >= post.reveal_at {
        return Err(AnswerOutcome::Closed {
            reveal_at: post.reveal_at,
            revealed_at: post.revealed_at,
        });
    }
    Ok(post.reveal_at)
}
