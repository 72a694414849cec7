//! Members' answers: saved privately and editable until the reveal, then feedback on what they
//! covered.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use crate::domain::ids::{GuildId, PostId, UserId};
use crate::store::answers::NewAnswer;
use crate::store::posts::PostRow;
use crate::store::{Store, answers, posts, streaks};

use super::{AnswerSaved, Error, Feedback, MAX_ANSWER_CHARS, Result, Service};

/// Trims an answer and checks it fits; the limit is counted in characters, as Discord counts it.
pub(super) fn check(text: &str) -> Result<&str> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::EmptyAnswer);
    }
    let length = text.chars().count();
    if length > MAX_ANSWER_CHARS {
        return Err(Error::AnswerTooLong {
            length,
            limit: MAX_ANSWER_CHARS,
        });
    }
    Ok(text)
}

/// The most answers committed in one transaction: enough to absorb a burst of a thousand members
/// in a few commits, small enough that a reveal waiting for the write lock waits only milliseconds.
const MAX_BATCH: usize = 1024;

/// One submission waiting for the answer writer.
struct Submission {
    guild: GuildId,
    post: PostId,
    user: UserId,
    text: String,
    now: DateTime<Utc>,
    /// `None` asks the submitter to write the answer alone: its batch failed as a whole.
    reply: oneshot::Sender<Option<Result<AnswerSaved>>>,
}

/// Group commit for answers. With `synchronous = FULL` every commit waits for the disk, and SQLite
/// has one writer at a time; a transaction per answer makes a burst of members queue for the write
/// lock (in the busy handler's sleeps) and pay one disk flush each. Instead one writer task takes
/// every submission waiting, in arrival order, and saves them in one transaction: one flush for the
/// lot, and no member is told "saved" before the commit. A submission whose caller stopped waiting
/// is still saved, as one whose commit was under way would have been.
#[derive(Default)]
pub(super) struct AnswerWriter {
    queue: OnceLock<mpsc::UnboundedSender<Submission>>,
}

impl AnswerWriter {
    /// Queues a submission, starting the writer task on first use (inside the caller's runtime).
    fn send(&self, store: &Store, submission: Submission) -> bool {
        let queue = self.queue.get_or_init(|| {
            let (queue, submissions) = mpsc::unbounded_channel();
            tokio::spawn(write_loop(store.clone(), submissions));
            queue
        });
        queue.send(submission).is_ok()
    }
}

/// Runs until every `Service` clone is dropped.
async fn write_loop(store: Store, mut submissions: mpsc::UnboundedReceiver<Submission>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while submissions.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match write_batch(&store, &batch).await {
            Ok(results) => {
                for (submission, result) in batch.drain(..).zip(results) {
                    let _ = submission.reply.send(Some(result));
                }
            }
            Err(error) => {
                tracing::warn!(%error, answers = batch.len(), "an answer batch failed; writing each alone");
                for submission in batch.drain(..) {
                    let _ = submission.reply.send(None);
                }
            }
        }
    }
}

/// Saves a batch in one transaction, in arrival order, with each submission's own outcome; `Err`
/// only when the transaction itself failed, and then nothing was saved.
async fn write_batch(store: &Store, batch: &[Submission]) -> Result<Vec<Result<AnswerSaved>>> {
    let mut tx = store.write().await?;
    let mut posts_read: HashMap<PostId, Option<PostRow>> = HashMap::new();
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut saving = Vec::with_capacity(batch.len());
    for s in batch {
        let row = match posts_read.entry(s.post) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(posts::get(&mut tx, s.post).await?),
        };
        outcomes.push(open_post(row.as_ref(), s.guild, s.now).map(|row| row.reveal_at));
        if outcomes.last().is_some_and(Result::is_ok) {
            saving.push(NewAnswer {
                post: s.post,
                user: s.user,
                body: &s.text,
                now: s.now,
            });
        }
    }
    // Answers to each post before this batch, plus its first answers so far: the count each member
    // would have seen had the answers been saved one transaction at a time.
    let mut counts: HashMap<PostId, i64> = HashMap::new();
    for a in &saving {
        if let Entry::Vacant(e) = counts.entry(a.post) {
            e.insert(answers::count(&mut tx, a.post).await?);
        }
    }
    let mut first = answers::upsert_many(&mut tx, &saving).await?.into_iter();
    tx.commit().await?;
    Ok(batch
        .iter()
        .zip(outcomes)
        .map(|(s, outcome)| {
            let reveal_at = outcome?;
            // `upsert_many` answered once per accepted submission, in order.
            let first = first.next().unwrap_or_default();
            let count = counts.entry(s.post).or_default();
            *count += i64::from(first);
            Ok(AnswerSaved {
                first,
                reveal_at,
                answer_count: *count,
            })
        })
        .collect())
}

/// The post if `guild` may answer it at `now`. Refused after the reveal time even if the reveal
/// step has not run yet, so everyone gets the same deadline.
fn open_post(row: Option<&PostRow>, guild: GuildId, now: DateTime<Utc>) -> Result<&PostRow> {
    let row = row
        .filter(|p| p.guild == guild)
        .ok_or(Error::PostNotFound)?;
    if row.revealed_at.is_some() || now >= row.reveal_at {
        // An admin may have revealed early; answers closed at whichever came first.
        let closed_at = row
            .revealed_at
            .map_or(row.reveal_at, |r| r.min(row.reveal_at));
        return Err(Error::AnswersClosed { closed_at });
    }
    Ok(row)
}

impl Service {
    /// Saves (or replaces) a member's answer. The answer is committed before this returns, so a
    /// member told "saved" never loses it. Refused after the reveal time even if the reveal step
    /// has not run yet, so everyone gets the same deadline. Concurrent submissions are committed
    /// together (see [`AnswerWriter`]).
    #[tracing::instrument(skip_all, fields(guild = %guild, post = %post, user = %user))]
    pub async fn submit_answer(
        &self,
        guild: GuildId,
        post: PostId,
        user: UserId,
        text: &str,
    ) -> Result<AnswerSaved> {
        let text = check(text)?;
        let now = self.now();
        let (reply, outcome) = oneshot::channel();
        let submission = Submission {
            guild,
            post,
            user,
            text: text.to_owned(),
            now,
            reply,
        };
        if self.answer_writer.send(&self.store, submission) {
            if let Ok(Some(result)) = outcome.await {
                return result;
            }
        }
        // The batch failed, or the writer is gone with its runtime: this answer's own transaction
        // reports its own error.
        self.submit_alone(guild, post, user, text, now).await
    }

    async fn submit_alone(
        &self,
        guild: GuildId,
        post: PostId,
        user: UserId,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<AnswerSaved> {
        let mut tx = self.store.write().await?;
        let row = posts::get(&mut tx, post).await?;
        let reveal_at = open_post(row.as_ref(), guild, now)?.reveal_at;
        let first = answers::upsert(&mut tx, post, user, text, now).await?;
        let answer_count = answers::count(&mut tx, post).await?;
        tx.commit().await?;
        Ok(AnswerSaved {
            first,
            reveal_at,
            answer_count,
        })
    }

    /// The member's own saved answer to an open post, to prefill the answer form. Only the
    /// member's own: nobody can read another member's answer.
    pub async fn my_answer(
        &self,
        guild: GuildId,
        post: PostId,
        user: UserId,
    ) -> Result<Option<String>> {
        let mut conn = self.store.read().await?;
        posts::get(&mut conn, post)
            .await?
            .filter(|p| p.guild == guild)
            .ok_or(Error::PostNotFound)?;
        Ok(answers::get(&mut conn, post, user).await?.map(|a| a.body))
    }

    /// How many members have answered a post.
    pub async fn answer_count(&self, post: PostId) -> Result<i64> {
        let mut conn = self.store.read().await?;
        Ok(answers::count(&mut conn, post).await?)
    }

    /// A member's feedback on a revealed post: key points covered and missed, points, streak.
    pub async fn feedback(&self, guild: GuildId, post: PostId, user: UserId) -> Result<Feedback> {
        let mut conn = self.store.read().await?;
        let row = posts::get(&mut conn, post)
            .await?
            .filter(|p| p.guild == guild)
            .ok_or(Error::PostNotFound)?;
        if row.revealed_at.is_none() {
            return Err(Error::NotRevealedYet {
                reveal_at: row.reveal_at,
            });
        }
        let streak = streaks::get(&mut conn, row.schedule, user).await?;
        let answer = answers::get(&mut conn, post, user).await?;
        let key_points = self
            .question(&row.question_id)
            .map(|q| q.key_points.as_slice())
            .unwrap_or_default();
        let Some(answer) = answer else {
            return Ok(Feedback {
                answered: false,
                covered: Vec::new(),
                missed: key_points.iter().map(|k| k.label.clone()).collect(),
                coverage_percent: 0,
                points: 0,
                streak,
            });
        };
        let covered = answer.covered.unwrap_or_default();
        let (hit, miss): (Vec<_>, Vec<_>) = key_points
            .iter()
            .enumerate()
            .partition(|(i, _)| covered.contains(i));
        Ok(Feedback {
            answered: true,
            covered: hit.into_iter().map(|(_, k)| k.label.clone()).collect(),
            missed: miss.into_iter().map(|(_, k)| k.label.clone()).collect(),
            coverage_percent: answer.coverage_percent.unwrap_or(0),
            points: answer.points.unwrap_or(0),
            streak,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_trimmed_and_bounded_in_characters() {
        assert_eq!(check("  yes  ").ok(), Some("yes"));
        assert!(matches!(check(" \n\t "), Err(Error::EmptyAnswer)));
        let max = "é".repeat(MAX_ANSWER_CHARS);
        assert!(check(&max).is_ok(), "4,000 two-byte characters fit");
        let over = format!("{max}x");
        assert!(matches!(
            check(&over),
            Err(Error::AnswerTooLong {
                length: 4001,
                limit: 4000
            })
        ));
    }
}
