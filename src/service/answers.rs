//! Members' answers: saved privately and editable until the reveal, then feedback on what they
//! covered.

use crate::domain::ids::{GuildId, PostId, UserId};
use crate::feedback::Assessment;
use crate::store::AnswerOutcome;
use crate::store::answers::NewAnswer;
use crate::store::{answers, posts, streaks};

use super::{AnswerForm, AnswerSaved, Error, Feedback, MAX_ANSWER_CHARS, Result, Service};

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

impl Service {
    /// Saves (or replaces) a member's answer. The answer is committed before this returns, so a
    /// member told "saved" never loses it. Refused after the reveal time even if the reveal step
    /// has not run yet, so everyone gets the same deadline. Answers submitted at the same time are
    /// committed together (see [`AnswerWriter`](crate::store::AnswerWriter)).
    #[tracing::instrument(skip_all, fields(guild = %guild, post = %post, user = %user))]
    pub async fn submit_answer(
        &self,
        guild: GuildId,
        post: PostId,
        user: UserId,
        text: &str,
    ) -> Result<AnswerSaved> {
        let text = check(text)?;
        let answer = NewAnswer {
            post,
            user,
            body: text,
            now: self.now(),
        };
        match self.answer_writer.save(guild, answer).await? {
            AnswerOutcome::Saved {
                first,
                reveal_at,
                answer_count,
            } => Ok(AnswerSaved {
                first,
                reveal_at,
                answer_count,
            }),
            AnswerOutcome::NoSuchPost => Err(Error::PostNotFound),
            // An admin may have revealed early; answers closed at whichever came first.
            AnswerOutcome::Closed {
                reveal_at,
                revealed_at,
            } => Err(Error::AnswersClosed {
                closed_at: revealed_at.map_or(reveal_at, |r| r.min(reveal_at)),
            }),
        }
    }

    /// What the answer form of a post shows a member: the question, and their own saved answer
    /// to prefill it. Only the member's own: nobody can read another member's answer. One read,
    /// since members open forms in a burst when a question is posted.
    pub async fn answer_form(
        &self,
        guild: GuildId,
        post: PostId,
        user: UserId,
    ) -> Result<AnswerForm> {
        let mut conn = self.store.read().await?;
        let row = posts::get(&mut conn, post)
            .await?
            .filter(|p| p.guild == guild)
            .ok_or(Error::PostNotFound)?;
        let question = self
            .question(&row.question_id)
            .map_or_else(String::new, |q| q.question.clone());
        let earlier = answers::get(&mut conn, post, user).await?.map(|a| a.body);
        Ok(AnswerForm { question, earlier })
    }

    /// The member's own saved answer to a post ([`Service::answer_form`] without the question).
    pub async fn my_answer(
        &self,
        guild: GuildId,
        post: PostId,
        user: UserId,
    ) -> Result<Option<String>> {
        Ok(self.answer_form(guild, post, user).await?.earlier)
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
        let question = self.question(&row.question_id);
        let Some(answer) = answer else {
            return Ok(Feedback {
                answered: false,
                assessment: Assessment::recorded(question.as_deref(), &[], 0, None),
                points: 0,
                streak,
                practised_at: None,
            });
        };
        let covered = answer.covered.unwrap_or_default();
        let score = u8::try_from(answer.coverage_percent.unwrap_or(0).min(100)).unwrap_or(100);
        Ok(Feedback {
            answered: true,
            assessment: Assessment::recorded(question.as_deref(), &covered, score, answer.grade),
            points: answer.points.unwrap_or(0),
            streak,
            practised_at: answer.practised_at,
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
