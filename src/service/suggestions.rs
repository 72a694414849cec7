//! Members' suggestions: `/suggest` sends a question and its model answer to the server's
//! moderation channel, where a moderator edits, approves (into a deck) or rejects it; the
//! suggester is told privately what happened.

use super::answers::check;
use super::decks::{Growth, within_limits};
use super::{Error, Result, Service};
use crate::corpus::server_deck;
use crate::corpus::{Difficulty, MAX_QUESTION_LEN, TrackId};
use crate::domain::ids::{ChannelId, GuildId, UserId};
use crate::store::decks;
use crate::store::suggestions::{self, Decision, Status, SuggestionRow};

/// Open suggestions a member may have in a server at once: enough to share a few ideas, not to
/// flood the moderators.
pub const MAX_OPEN_SUGGESTIONS: usize = 5;
/// The longest topic (a deck name or a word) a suggestion gives.
pub const MAX_TOPIC_CHARS: usize = 64;
/// The longest reason a moderator gives for a rejection.
pub const MAX_REASON_CHARS: usize = 300;

/// What a member suggests, as typed.
#[derive(Debug, Clone, Copy)]
pub struct SuggestionText<'a> {
    pub question: &'a str,
    pub answer: &'a str,
    /// The deck or topic the member has in mind; the moderator picks the deck.
    pub topic: &'a str,
}

/// Checks a suggestion's text: the question and the answer as an answer is checked, the topic
/// short; returns them trimmed.
fn checked(text: SuggestionText<'_>) -> Result<(String, String, String)> {
    let question = text.question.trim();
    if question.is_empty() {
        return Err(Error::EmptyAnswer);
    }
    let length = question.chars().count();
    if length > MAX_QUESTION_LEN {
        return Err(Error::SuggestionTooLong {
            field: "question",
            length,
            limit: MAX_QUESTION_LEN,
        });
    }
    check(question)?;
    let answer = check(text.answer)?;
    let topic = text.topic.trim();
    let length = topic.chars().count();
    if length > MAX_TOPIC_CHARS {
        return Err(Error::SuggestionTooLong {
            field: "deck or topic",
            length,
            limit: MAX_TOPIC_CHARS,
        });
    }
    if let Some(c) = topic.chars().find(|c| c.is_control()) {
        return Err(Error::ControlCharacter { code: u32::from(c) });
    }
    Ok((question.to_owned(), answer.to_owned(), topic.to_owned()))
}

/// The deck a topic names, for the moderator's default: the topic as a deck name when it is one,
/// else `suggestions`.
pub fn default_deck(topic: &str) -> String {
    let slug = topic.trim().to_lowercase().replace([' ', '_'], "-");
    match slug.parse::<TrackId>() {
        Ok(deck) => deck.to_string(),
        Err(_) => "suggestions".to_owned(),
    }
}

impl Service {
    /// Sets (or clears) the channel where suggestions go for moderation.
    pub async fn set_moderation_channel(
        &self,
        guild: GuildId,
        channel: Option<ChannelId>,
    ) -> Result<()> {
        let mut tx = self.store.write().await?;
        suggestions::set_moderation_channel(&mut tx, guild, channel).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn moderation_channel(&self, guild: GuildId) -> Result<Option<ChannelId>> {
        let mut conn = self.store.read().await?;
        Ok(suggestions::moderation_channel(&mut conn, guild).await?)
    }

    /// Records a member's suggestion for moderation: refused when the server takes none (no
    /// moderation channel) or the member has [`MAX_OPEN_SUGGESTIONS`] open already.
    #[tracing::instrument(skip_all, fields(guild = %guild, user = %user))]
    pub async fn suggest(
        &self,
        guild: GuildId,
        user: UserId,
        text: SuggestionText<'_>,
    ) -> Result<SuggestionRow> {
        let (question, answer, topic) = checked(text)?;
        let mut tx = self.store.write().await?;
        if suggestions::moderation_channel(&mut tx, guild)
            .await?
            .is_none()
        {
            return Err(Error::NoModerationChannel);
        }
        if suggestions::open_count(&mut tx, guild, user).await? >= MAX_OPEN_SUGGESTIONS as i64 {
            return Err(Error::TooManyOpenSuggestions {
                limit: MAX_OPEN_SUGGESTIONS,
            });
        }
        let id = suggestions::insert(
            &mut tx,
            guild,
            user,
            (&question, &answer, &topic),
            self.now(),
        )
        .await?;
        let row = suggestions::get(&mut tx, guild, id)
            .await?
            .ok_or(Error::SuggestionNotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// A suggestion of the server.
    pub async fn suggestion(&self, guild: GuildId, id: i64) -> Result<SuggestionRow> {
        let mut conn = self.store.read().await?;
        suggestions::get(&mut conn, guild, id)
            .await?
            .ok_or(Error::SuggestionNotFound)
    }

    /// A moderator's edit of an open suggestion.
    pub async fn edit_suggestion(
        &self,
        guild: GuildId,
        id: i64,
        text: SuggestionText<'_>,
    ) -> Result<SuggestionRow> {
        let (question, answer, topic) = checked(text)?;
        let mut tx = self.store.write().await?;
        let row = open(&mut tx, guild, id).await?;
        suggestions::edit(&mut tx, guild, row.id, (&question, &answer, &topic)).await?;
        let row = suggestions::get(&mut tx, guild, id)
            .await?
            .ok_or(Error::SuggestionNotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// Approves an open suggestion into the server's deck `deck` (created if need be), within
    /// the server's deck limits; the question is credited to its suggester.
    #[tracing::instrument(skip_all, fields(guild = %guild, suggestion = id))]
    pub async fn approve_suggestion(
        &self,
        guild: GuildId,
        id: i64,
        moderator: UserId,
        deck: &TrackId,
        difficulty: Difficulty,
    ) -> Result<SuggestionRow> {
        if self.corpus.track(deck).is_some() {
            return Err(Error::DeckNameTaken {
                name: deck.to_string(),
            });
        }
        let mut tx = self.store.write().await?;
        let row = open(&mut tx, guild, id).await?;
        let file = server_deck::suggested_file(id, deck, difficulty, &row.question, &row.answer)
            .map_err(Error::InvalidDeck)?;
        let existing = decks::list(&mut tx, guild).await?;
        let change = Growth {
            deck,
            replaces: false,
            questions: 1,
            bytes: file.text.len(),
        };
        within_limits(&existing, change)?;
        let now = self.now();
        decks::add_question(
            &mut tx,
            guild,
            deck.as_str(),
            moderator,
            &file,
            row.user,
            now,
        )
        .await?;
        let decision = Decision {
            status: Status::Approved,
            by: moderator,
            deck: Some(deck.as_str()),
            reason: None,
        };
        let decided = suggestions::decide(&mut tx, guild, id, decision, now).await?;
        if !decided {
            return Err(Error::SuggestionDecided);
        }
        let row = suggestions::get(&mut tx, guild, id)
            .await?
            .ok_or(Error::SuggestionNotFound)?;
        tx.commit().await?;
        self.reload_decks_of(guild).await?;
        Ok(row)
    }

    /// Rejects an open suggestion, with the moderator's reason (if any) for the suggester.
    pub async fn reject_suggestion(
        &self,
        guild: GuildId,
        id: i64,
        moderator: UserId,
        reason: &str,
    ) -> Result<SuggestionRow> {
        let reason = reason.trim();
        let length = reason.chars().count();
        if length > MAX_REASON_CHARS {
            return Err(Error::SuggestionTooLong {
                field: "reason",
                length,
                limit: MAX_REASON_CHARS,
            });
        }
        if let Some(c) = reason.chars().find(|c| c.is_control() && *c != '\n') {
            return Err(Error::ControlCharacter { code: u32::from(c) });
        }
        let mut tx = self.store.write().await?;
        open(&mut tx, guild, id).await?;
        let reason = (!reason.is_empty()).then_some(reason);
        let now = self.now();
        let decision = Decision {
            status: Status::Rejected,
            by: moderator,
            deck: None,
            reason,
        };
        if !suggestions::decide(&mut tx, guild, id, decision, now).await? {
            return Err(Error::SuggestionDecided);
        }
        let row = suggestions::get(&mut tx, guild, id)
            .await?
            .ok_or(Error::SuggestionNotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// Open suggestions still to post for moderation, with their server's moderation channel.
    pub async fn suggestions_to_post(&self) -> Result<Vec<(SuggestionRow, ChannelId)>> {
        let mut conn = self.store.read().await?;
        Ok(suggestions::unposted(&mut conn).await?)
    }

    pub async fn record_suggestion_posted(
        &self,
        id: i64,
        channel: ChannelId,
        message: u64,
    ) -> Result<()> {
        let mut tx = self.store.write().await?;
        suggestions::set_posted(&mut tx, id, channel, message).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that Discord refused a suggestion's moderation post for good.
    pub async fn record_suggestion_refused(&self, id: i64, reason: &str) -> Result<()> {
        let mut tx = self.store.write().await?;
        suggestions::set_post_error(&mut tx, id, reason).await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many of the server's suggestions Discord refused to post, with the latest reason.
    pub async fn refused_suggestions(&self, guild: GuildId) -> Result<(usize, Option<String>)> {
        let mut conn = self.store.read().await?;
        let (count, reason) = suggestions::refused(&mut conn, guild).await?;
        Ok((usize::try_from(count).unwrap_or(0), reason))
    }

    /// Decided suggestions whose suggester has not been told.
    pub async fn suggestions_to_notify(&self) -> Result<Vec<SuggestionRow>> {
        let mut conn = self.store.read().await?;
        Ok(suggestions::unnotified(&mut conn).await?)
    }

    /// Records that a suggester was told (or could not be: DMs closed).
    pub async fn record_suggestion_notified(&self, id: i64) -> Result<()> {
        let mut tx = self.store.write().await?;
        suggestions::set_notified(&mut tx, id, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The open suggestion `id` of the server, or why not.
async fn open(conn: &mut sqlx::SqliteConnection, guild: GuildId, id: i64) -> Result<SuggestionRow> {
    let row = suggestions::get(conn, guild, id)
        .await?
        .ok_or(Error::SuggestionNotFound)?;
    if row.status != Status::Open {
        return Err(Error::SuggestionDecided);
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::MAX_ANSWER_CHARS;

    #[test]
    fn a_topic_names_a_deck_when_it_can() {
        assert_eq!(default_deck("Our Stack"), "our-stack");
        assert_eq!(default_deck("  "), "suggestions");
        assert_eq!(default_deck("C++ & Rust"), "suggestions");
    }

    #[test]
    fn a_suggestion_is_checked_like_an_answer() {
        let text = |question, answer, topic| SuggestionText {
            question,
            answer,
            topic,
        };
        assert!(checked(text("Why?", "Because.", "")).is_ok());
        assert!(matches!(
            checked(text(" ", "x", "")),
            Err(Error::EmptyAnswer)
        ));
        let long = "q".repeat(MAX_QUESTION_LEN + 1);
        assert!(matches!(
            checked(text(&long, "x", "")),
            Err(Error::SuggestionTooLong {
                field: "question",
                ..
            })
        ));
        let answer = "a".repeat(MAX_ANSWER_CHARS + 1);
        assert!(matches!(
            checked(text("Why?", &answer, "")),
            Err(Error::AnswerTooLong { .. })
        ));
        assert!(matches!(
            checked(text("Why?", "x\u{1b}[31m", "")),
            Err(Error::ControlCharacter { code: 0x1b })
        ));
    }
}
