//! Server decks: importing, listing, exporting and removing a server's own questions, and the
//! lookup that lets every other use case find a deck question as it finds a corpus one.

use std::collections::{BTreeMap, HashMap};
use std::ops::Deref;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{Error, Result, Service};
use crate::corpus::deck_archive;
use crate::corpus::server_deck::{
    self, MAX_BYTES_PER_SERVER, MAX_DECKS_PER_SERVER, MAX_QUESTIONS_PER_SERVER, MAX_UPLOAD_BYTES,
};
use crate::corpus::{DECK_ID_PREFIX, Difficulty, Question, QuestionId, Track, TrackId};
use crate::domain::ids::{GuildId, ScheduleId, UserId};
use crate::store::decks::{self, DeckRow, StoredQuestion};

/// A question as the service found it: borrowed from the corpus, or shared with a server's deck.
/// Lookups never copy a question; a caller that keeps one takes it with [`QuestionRef::into_owned`].
#[derive(Debug, Clone)]
pub enum QuestionRef<'a> {
    Corpus(&'a Question),
    Deck(Arc<Question>),
}

impl Deref for QuestionRef<'_> {
    type Target = Question;

    fn deref(&self) -> &Question {
        match self {
            QuestionRef::Corpus(q) => q,
            QuestionRef::Deck(q) => q,
        }
    }
}

impl QuestionRef<'_> {
    pub fn into_owned(self) -> Question {
        match self {
            QuestionRef::Corpus(q) => q.clone(),
            QuestionRef::Deck(q) => Arc::unwrap_or_clone(q),
        }
    }
}

/// The deck questions the bot knows, kept in memory beside the corpus: question lookups are
/// synchronous and frequent, decks change only when an admin imports or removes one.
#[derive(Default)]
pub(crate) struct Shelf {
    /// Every deck question still stored, active or not: an open post or an answer given refers
    /// to it by id.
    questions: HashMap<QuestionId, Arc<Question>>,
    guilds: HashMap<GuildId, GuildDecks>,
}

/// One server's part of the shelf.
#[derive(Default)]
struct GuildDecks {
    /// Every stored question of the server, to drop them all when its decks are reloaded.
    all: Vec<QuestionId>,
    /// Its decks' active questions, by deck name.
    decks: BTreeMap<TrackId, Vec<QuestionId>>,
}

impl Shelf {
    /// Replaces what the shelf holds for the servers of `rows` (all of them: `all`).
    fn fill(&mut self, rows: Vec<StoredQuestion>, only: Option<GuildId>) {
        if let Some(guild) = only
            && let Some(old) = self.guilds.remove(&guild)
        {
            for id in old.all {
                self.questions.remove(&id);
            }
        }
        for row in rows {
            let guild = GuildId(crate::store::snowflake(row.guild_id));
            let (Ok(id), Ok(name)) = (
                format!("{DECK_ID_PREFIX}{}", row.id).parse::<QuestionId>(),
                row.deck.parse::<TrackId>(),
            ) else {
                continue;
            };
            let Some(mut question) =
                server_deck::deck_question(id.clone(), &name, &row.path, &row.text)
            else {
                tracing::warn!(question = %id, "a stored deck question no longer parses");
                continue;
            };
            question.suggested_by = row.suggested_by.map(crate::store::snowflake);
            let entry = self.guilds.entry(guild).or_default();
            entry.all.push(id.clone());
            if row.active {
                entry.decks.entry(name).or_default().push(id.clone());
            }
            self.questions.insert(id, Arc::new(question));
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckImported {
    pub name: TrackId,
    pub questions: usize,
    pub without_rubric: usize,
    /// The server had a deck of that name, now replaced.
    pub replaced: bool,
}

/// A deck as `/deck list` and `/deck show` describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckSummary {
    pub name: TrackId,
    pub questions: usize,
    pub without_rubric: usize,
    pub bytes: usize,
    pub imported_by: Option<UserId>,
    pub imported_at: DateTime<Utc>,
    /// The server's schedules that draw from it.
    pub schedules: Vec<ScheduleId>,
}

/// One question of a deck, as `/deck show` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckEntry {
    pub question: String,
    pub difficulty: Difficulty,
    pub has_rubric: bool,
}

/// What a removal did to the schedules that drew from the deck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckRemoved {
    /// Schedules the deck was taken out of.
    pub unscheduled: Vec<ScheduleId>,
    /// Those of them left with no track, paused.
    pub paused: Vec<ScheduleId>,
}

impl Service {
    /// Loads every server's decks; the bot calls it once at start, before serving.
    pub async fn load_decks(&self) -> Result<()> {
        let mut conn = self.store.read().await?;
        let rows = decks::all_questions(&mut conn).await?;
        drop(conn);
        self.shelf.with(|shelf| {
            *shelf = Shelf::default();
            shelf.fill(rows, None);
        });
        Ok(())
    }

    pub(super) async fn reload_decks_of(&self, guild: GuildId) -> Result<()> {
        let mut conn = self.store.read().await?;
        let rows = decks::questions_of(&mut conn, guild).await?;
        drop(conn);
        self.shelf.with(|shelf| shelf.fill(rows, Some(guild)));
        Ok(())
    }

    /// A question by id, from the corpus or a server's deck.
    pub(super) fn question(&self, id: &str) -> Option<QuestionRef<'_>> {
        let id: QuestionId = id.parse().ok()?;
        if let Some(q) = self.corpus.question(&id) {
            return Some(QuestionRef::Corpus(q));
        }
        let found = self.shelf.with(|shelf| shelf.questions.get(&id).cloned())?;
        Some(QuestionRef::Deck(found))
    }

    /// The questions a server can draw: the corpus's, then its decks'.
    pub(super) fn questions_in(&self, guild: GuildId) -> Vec<QuestionRef<'_>> {
        let deck: Vec<Arc<Question>> = self.shelf.with(|shelf| {
            shelf.guilds.get(&guild).map_or_else(Vec::new, |g| {
                g.decks
                    .values()
                    .flatten()
                    .filter_map(|id| shelf.questions.get(id).cloned())
                    .collect()
            })
        });
        self.corpus
            .questions()
            .iter()
            .map(QuestionRef::Corpus)
            .chain(deck.into_iter().map(QuestionRef::Deck))
            .collect()
    }

    /// The tracks a server can choose from: the corpus's, then its decks (by name).
    pub fn tracks_in(&self, guild: GuildId) -> Vec<Track> {
        let decks: Vec<(TrackId, usize)> = self.shelf.with(|shelf| {
            shelf.guilds.get(&guild).map_or_else(Vec::new, |g| {
                g.decks
                    .iter()
                    .map(|(n, ids)| (n.clone(), ids.len()))
                    .collect()
            })
        });
        let mut tracks = self.corpus.tracks().to_vec();
        tracks.extend(decks.into_iter().map(|(id, n)| Track {
            name: id.to_string(),
            description: format!("This server's deck, {n} question(s)"),
            id,
        }));
        tracks
    }

    /// What members read for a track: the corpus's name for it, or the deck's name.
    pub fn track_name(&self, track: &TrackId) -> String {
        self.corpus
            .track(track)
            .map_or_else(|| track.to_string(), |t| t.name.clone())
    }

    /// Imports (or replaces) a server deck from an upload called `filename`: one question file or
    /// a zip of them. Nothing is stored unless every file is valid and the server stays within
    /// its limits.
    #[tracing::instrument(skip_all, fields(guild = %guild, user = %user))]
    pub async fn import_deck(
        &self,
        guild: GuildId,
        user: UserId,
        filename: &str,
        bytes: &[u8],
        name: Option<&TrackId>,
    ) -> Result<DeckImported> {
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(Error::UploadTooLarge {
                bytes: bytes.len(),
                limit: MAX_UPLOAD_BYTES,
            });
        }
        let files = deck_archive::unpack(filename, bytes)
            .map_err(|p| Error::InvalidDeck(crate::corpus::Problems(vec![p])))?;
        let taken: Vec<TrackId> = self.corpus.tracks().iter().map(|t| t.id.clone()).collect();
        let deck = server_deck::parse_deck(&files, name, &taken).map_err(Error::InvalidDeck)?;

        let mut tx = self.store.write().await?;
        let existing = decks::list(&mut tx, guild).await?;
        let replaced = existing.iter().any(|d| d.name == deck.name.as_str());
        let change = Growth {
            deck: &deck.name,
            replaces: true,
            questions: deck.files.len(),
            bytes: deck.bytes(),
        };
        within_limits(&existing, change)?;
        decks::import(&mut tx, guild, user, &deck, self.now()).await?;
        decks::purge(&mut tx, guild).await?;
        tx.commit().await?;
        self.reload_decks_of(guild).await?;
        Ok(DeckImported {
            name: deck.name,
            questions: deck.files.len(),
            without_rubric: deck.without_rubric,
            replaced,
        })
    }

    /// The server's decks.
    pub async fn decks(&self, guild: GuildId) -> Result<Vec<DeckSummary>> {
        let mut conn = self.store.read().await?;
        let mut out = Vec::new();
        for row in decks::list(&mut conn, guild).await? {
            let schedules = decks::schedules_using(&mut conn, guild, &row.name).await?;
            out.push(self.summary(guild, row, schedules)?);
        }
        Ok(out)
    }

    fn summary(
        &self,
        guild: GuildId,
        row: DeckRow,
        schedules: Vec<ScheduleId>,
    ) -> Result<DeckSummary> {
        let name: TrackId = row
            .name
            .parse()
            .map_err(|e| Error::Corrupt(format!("deck name {:?} {e}", row.name)))?;
        let without_rubric = self
            .deck_questions(guild, &name)
            .iter()
            .filter(|q| q.key_points.is_empty())
            .count();
        Ok(DeckSummary {
            name,
            questions: row.questions,
            without_rubric,
            bytes: row.bytes,
            imported_by: row.imported_by,
            imported_at: row.imported_at,
            schedules,
        })
    }

    fn deck_questions(&self, guild: GuildId, name: &TrackId) -> Vec<Arc<Question>> {
        self.shelf.with(|shelf| {
            shelf
                .guilds
                .get(&guild)
                .and_then(|g| g.decks.get(name))
                .map_or_else(Vec::new, |ids| {
                    ids.iter()
                        .filter_map(|id| shelf.questions.get(id).cloned())
                        .collect()
                })
        })
    }

    /// One deck of the server, with its questions.
    pub async fn deck(&self, guild: GuildId, name: &str) -> Result<(DeckSummary, Vec<DeckEntry>)> {
        let mut conn = self.store.read().await?;
        let row = decks::find(&mut conn, guild, name)
            .await?
            .ok_or_else(|| unknown(name))?;
        let schedules = decks::schedules_using(&mut conn, guild, name).await?;
        let summary = self.summary(guild, row, schedules)?;
        let entries = self
            .deck_questions(guild, &summary.name)
            .iter()
            .map(|q| DeckEntry {
                question: q.question.clone(),
                difficulty: q.difficulty,
                has_rubric: !q.key_points.is_empty(),
            })
            .collect();
        Ok((summary, entries))
    }

    /// A deck's files as imported, zipped under a folder named for it: `(file name, bytes)`.
    pub async fn export_deck(&self, guild: GuildId, name: &str) -> Result<(String, Vec<u8>)> {
        let mut conn = self.store.read().await?;
        if decks::find(&mut conn, guild, name).await?.is_none() {
            return Err(unknown(name));
        }
        let files = decks::files(&mut conn, guild, name).await?;
        let bytes = deck_archive::pack(name, &files).map_err(|e| Error::Corrupt(e.to_string()))?;
        Ok((format!("{name}.zip"), bytes))
    }

    /// Removes a deck. Refused while a schedule draws from it, unless `force`: then it is taken
    /// out of those schedules, and any left with no track is paused. Answers already given, and
    /// a post still open, keep their question.
    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn remove_deck(
        &self,
        guild: GuildId,
        name: &str,
        force: bool,
    ) -> Result<DeckRemoved> {
        let mut tx = self.store.write().await?;
        if decks::find(&mut tx, guild, name).await?.is_none() {
            return Err(unknown(name));
        }
        let unscheduled = decks::schedules_using(&mut tx, guild, name).await?;
        if !unscheduled.is_empty() && !force {
            return Err(Error::DeckInUse {
                name: name.to_owned(),
                schedules: unscheduled,
            });
        }
        let paused = decks::unschedule(&mut tx, guild, name).await?;
        decks::remove(&mut tx, guild, name, self.now()).await?;
        decks::purge(&mut tx, guild).await?;
        tx.commit().await?;
        self.reload_decks_of(guild).await?;
        Ok(DeckRemoved {
            unscheduled,
            paused,
        })
    }
}

/// What a change adds to a server's decks: a whole deck that `replaces` the one of its name (an
/// import), or questions added to it (an approved suggestion).
pub(super) struct Growth<'a> {
    pub deck: &'a TrackId,
    pub replaces: bool,
    pub questions: usize,
    pub bytes: usize,
}

/// Refuses a change that would take the server's decks (`existing`) past a limit.
pub(super) fn within_limits(existing: &[DeckRow], change: Growth<'_>) -> Result<()> {
    let known = existing.iter().any(|d| d.name == change.deck.as_str());
    if !known && existing.len() >= MAX_DECKS_PER_SERVER {
        return Err(Error::TooManyDecks {
            limit: MAX_DECKS_PER_SERVER,
        });
    }
    let kept = existing
        .iter()
        .filter(|d| !(change.replaces && d.name == change.deck.as_str()));
    let questions = kept.clone().map(|d| d.questions).sum::<usize>() + change.questions;
    if questions > MAX_QUESTIONS_PER_SERVER {
        return Err(Error::DeckTooManyQuestions {
            total: questions,
            limit: MAX_QUESTIONS_PER_SERVER,
        });
    }
    let bytes = kept.map(|d| d.bytes).sum::<usize>() + change.bytes;
    if bytes > MAX_BYTES_PER_SERVER {
        return Err(Error::DeckTooLarge {
            total: bytes,
            limit: MAX_BYTES_PER_SERVER,
        });
    }
    Ok(())
}

fn unknown(name: &str) -> Error {
    Error::UnknownDeck {
        name: name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, questions: usize) -> DeckRow {
        DeckRow {
            name: name.into(),
            questions,
            bytes: questions * 1000,
            imported_by: None,
            imported_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_replacement_counts_its_new_size_and_an_addition_the_sum() {
        let ours: TrackId = "ours".parse().unwrap();
        let existing = [row("ours", 300), row("theirs", 100)];
        let grow = |replaces, questions| Growth {
            deck: &ours,
            replaces,
            questions,
            bytes: questions * 1000,
        };
        assert!(within_limits(&existing, grow(true, 400)).is_ok());
        assert!(matches!(
            within_limits(&existing, grow(false, 101)),
            Err(Error::DeckTooManyQuestions { total: 501, .. })
        ));
        let full: Vec<DeckRow> = (0..MAX_DECKS_PER_SERVER)
            .map(|n| row(&format!("d{n}"), 1))
            .collect();
        assert!(matches!(
            within_limits(&full, grow(false, 1)),
            Err(Error::TooManyDecks { .. })
        ));
        let d0: TrackId = "d0".parse().unwrap();
        let into_known = Growth {
            deck: &d0,
            ..grow(false, 1)
        };
        assert!(within_limits(&full, into_known).is_ok());
    }
}
