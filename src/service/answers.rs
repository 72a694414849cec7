//! Members' answers: saved privately and editable until the reveal, then feedback on what they
//! covered.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use crate::domain::ids::{GuildId, PostId, UserId};
use crate::store::answers::{NewAnswer, PostTally};
use crate::store::{Store, answers, posts, streaks};

use super::{AnswerSaved, Error, Feedback, MAX_ANSWER_CHARS, Result, Service};

/// Characters that show nothing on their own: zero-width spaces and joiners, direction marks and
/// overrides, the byte-order mark, the soft hyphen and the blank fillers that pass for text. An
/// answer made only of these (and whitespace) is empty to whoever reads it.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
        )
}

/// Control characters other than tab and line breaks: a terminal escape or a NUL byte pasted into
/// an answer is never meant, and would travel into every place the answer is shown.
fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Trims an answer and checks it: not empty or invisible, no control characters, and within the
/// limit, counted in characters, as Discord counts it.
pub(super) fn check(text: &str) -> Result<&str> {
    let text = text.trim();
    if text.chars().all(is_invisible) {
        return Err(Error::EmptyAnswer);
    }
    if let Some(c) = text.chars().find(|&c| is_forbidden_control(c)) {
        return Err(Error::ControlCharacter { code: u32::from(c) });
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

/// A member's answer to save.
struct Answer {
    guild: GuildId,
    post: PostId,
    user: UserId,
    text: String,
    now: DateTime<Utc>,
}

/// An answer waiting for the answer writer, and where its outcome goes: `None` asks the submitter
/// to save the answer alone, because its batch failed as a whole.
type Submission = (Answer, oneshot::Sender<Option<Result<AnswerSaved>>>);

/// Group commit for answers. With `synchronous = FULL` every commit waits for the disk, and SQLite
/// has one writer at a time; a transaction per answer makes a burst of members queue for the write
/// lock (in the busy handler's sleeps) and pay one disk flush each. Instead one writer task takes
/// every answer waiting, in arrival order, and saves them in one transaction: one flush for the
/// lot, and no member is told "saved" before the commit. An answer whose submitter stopped waiting
/// is still saved, as one whose commit was under way would have been. The writer also checkpoints
/// the write-ahead log in the background as it grows (see [`Store::checkpoint`]).
#[derive(Default)]
pub(super) struct AnswerWriter {
    queue: OnceLock<mpsc::UnboundedSender<Submission>>,
}

impl AnswerWriter {
    /// Queues an answer, starting the writer task on first use (inside the caller's runtime).
    fn send(&self, store: &Store, submission: Submission) -> bool {
        let queue = self.queue.get_or_init(|| {
            let (queue, submissions) = mpsc::unbounded_channel();
            tokio::spawn(write_loop(store.clone(), submissions));
            queue
        });
        queue.send(submission).is_ok()
    }
}

/// Answer text saved between two background checkpoints: a sixteenth of what sets off the
/// write-ahead log's automatic checkpoint (1,000 pages of 4 KiB), so that it finds little to copy.
const CHECKPOINT_EVERY_BYTES: usize = 256 << 10;

/// Runs until every `Service` clone is dropped.
async fn write_loop(store: Store, mut submissions: mpsc::UnboundedReceiver<Submission>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let checkpointing = Arc::new(AtomicBool::new(false));
    let mut unchecked = 0;
    while submissions.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (answers, replies): (Vec<Answer>, Vec<_>) = batch.drain(..).unzip();
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
                    let _ = reply.send(Some(outcome));
                }
            }
            // Alone already, or refused by the database as a whole: saving each alone would only
            // make every member wait for the same refusal again (a lock's busy timeout twice
            // over would miss Discord's 3 s interaction deadline).
            Err(error) if replies.len() == 1 || error.is_database_unavailable() => {
                tracing::warn!(%error, answers = answers.len(), "an answer batch failed");
                let shared = error.to_string();
                let mut first = Some(error);
                for reply in replies {
                    let error = first
                        .take()
                        .unwrap_or_else(|| Error::Unavailable(shared.clone()));
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
/// a transaction of its own: refused (post not found, answers closed) or saved, with whether it
/// was the member's first answer and the post's answer count just after it. `Err` only when the
/// transaction failed, and then nothing was saved. A handful of statements whatever the count.
async fn save(store: &Store, batch: &[Answer]) -> Result<Vec<Result<AnswerSaved>>> {
    let mut tx = store.write().await?;
    let mut posts: Vec<PostId> = batch.iter().map(|a| a.post).collect();
    posts.sort();
    posts.dedup();
    let mut tallies = answers::tallies(&mut tx, &posts).await?;
    let outcomes: Vec<Result<DateTime<Utc>>> = batch
        .iter()
        .map(|a| open_until(tallies.get(&a.post), a.guild, a.now))
        .collect();
    let saving: Vec<NewAnswer> = batch
        .iter()
        .zip(&outcomes)
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
        .zip(outcomes)
        .map(|(a, open)| {
            let reveal_at = open?;
            // `upsert_many` answered once per accepted answer, in order; accepted posts were read.
            let first = first.next().unwrap_or_default();
            let answer_count = tallies.get_mut(&a.post).map_or(0, |t| {
                t.answers += i64::from(first);
                t.answers
            });
            Ok(AnswerSaved {
                first,
                reveal_at,
                answer_count,
            })
        })
        .collect())
}

/// When a post closes, if `guild` may still answer it at `now`. Refused after the reveal time even
/// if the reveal step has not run yet, so everyone gets the same deadline.
fn open_until(
    post: Option<&PostTally>,
    guild: GuildId,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    let post = post
        .filter(|p| p.guild == guild)
        .ok_or(Error::PostNotFound)?;
    if post.revealed_at.is_some() || now >= post.reveal_at {
        // An admin may have revealed early; answers closed at whichever came first.
        let closed_at = post
            .revealed_at
            .map_or(post.reveal_at, |r| r.min(post.reveal_at));
        return Err(Error::AnswersClosed { closed_at });
    }
    Ok(post.reveal_at)
}

impl Service {
    /// Saves (or replaces) a member's answer. The answer is committed before this returns, so a
    /// member told "saved" never loses it. Refused after the reveal time even if the reveal step
    /// has not run yet, so everyone gets the same deadline. Answers submitted at the same time are
    /// committed together (see [`AnswerWriter`]).
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
        let answer = || Answer {
            guild,
            post,
            user,
            text: text.to_owned(),
            now,
        };
        let (reply, outcome) = oneshot::channel();
        if self.answer_writer.send(&self.store, (answer(), reply)) {
            if let Ok(Some(saved)) = outcome.await {
                return saved;
            }
        }
        // Its batch failed, or the writer is gone with its runtime: saved alone, the answer meets
        // its own error, if any.
        let mut outcomes = save(&self.store, &[answer()]).await?;
        outcomes
            .pop()
            .unwrap_or_else(|| Err(Error::Corrupt("an answer saved without an outcome".into())))
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
        for invisible in [
            "\u{200B}\u{200D}\u{FEFF}",
            " \u{202E}\u{2067} ",
            "\u{3164}\u{2800}",
        ] {
            assert!(
                matches!(check(invisible), Err(Error::EmptyAnswer)),
                "{invisible:?}"
            );
        }
        for (text, code) in [
            ("a\u{0}b", 0),
            ("\u{1b}[31mred", 0x1b),
            ("x\u{7f}", 0x7f),
            ("x\u{85}y", 0x85),
        ] {
            assert!(
                matches!(check(text), Err(Error::ControlCharacter { code: c }) if c == code),
                "{text:?}"
            );
        }
        assert_eq!(
            check("שלום \u{200F}world\u{200B}\tline\r\nnext").ok(),
            Some("שלום \u{200F}world\u{200B}\tline\r\nnext"),
            "direction marks and zero-width characters inside real text are kept"
        );
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
