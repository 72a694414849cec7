//! Members' answers: saved privately and editable until the reveal, then feedback on what they
//! covered.

use crate::domain::ids::{GuildId, PostId, UserId};
use crate::store::{answers, posts, streaks};

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

impl Service {
    /// Saves (or replaces) a member's answer. The answer is committed before this returns, so a
    /// member told "saved" never loses it. Refused after the reveal time even if the reveal step
    /// has not run yet, so everyone gets the same deadline.
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
        let mut tx = self.store.write().await?;
        let row = posts::get(&mut tx, post)
            .await?
            .filter(|p| p.guild == guild)
            .ok_or(Error::PostNotFound)?;
        if row.revealed_at.is_some() || now >= row.reveal_at {
            // An admin may have revealed early; answers closed at whichever came first.
            let closed_at = row
                .revealed_at
                .map_or(row.reveal_at, |r| r.min(row.reveal_at));
            return Err(Error::AnswersClosed { closed_at });
        }
        let first = answers::upsert(&mut tx, post, user, text, now).await?;
        let answer_count = answers::count(&mut tx, post).await?;
        tx.commit().await?;
        Ok(AnswerSaved {
            first,
            reveal_at: row.reveal_at,
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
