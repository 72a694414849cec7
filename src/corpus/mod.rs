//! The question corpus: typed questions loaded from Markdown files, validated with file:line errors.
//!
//! A corpus is immutable once loaded; the bot shares one behind an `Arc`. Loading collects every
//! problem instead of stopping at the first, because an author fixing a corpus wants the whole list.

pub mod deck_archive;
mod embedded;
mod export;
mod front_matter;
pub mod import_doc;
mod load;
mod markdown;
mod problem;
pub mod quality;
mod rubric;
pub mod server_deck;
pub mod stats;
mod types;

pub use embedded::bundled_files;
pub use export::ExportedQuestion;
pub use front_matter::{DECK_ID_PREFIX, MAX_QUESTION_LEN};
pub use load::{CorpusSource, LoadError, SourceFile, load_dir};
pub use problem::{Problem, Problems};
pub use rubric::{BINDING, MAX_BINDING_PARTS, MAX_WEIGHT, MIN_MISCONCEPTIONS};
pub use types::{
    Difficulty, Example, KeyPoint, Misconception, Question, QuestionId, Runner, Track, TrackId,
};

use std::collections::BTreeMap;

/// The fewest key points a question may have: fewer gives members too little feedback.
pub const MIN_KEY_POINTS: usize = 3;
/// The most key points a question may have: more would not fit a readable feedback message.
pub const MAX_KEY_POINTS: usize = 6;

/// A validated set of tracks and questions.
#[derive(Debug, Clone)]
pub struct Corpus {
    tracks: Vec<Track>,
    questions: Vec<Question>,
}

impl Corpus {
    /// Parses and validates a corpus from its files; `files` holds `tracks.toml` and the question
    /// files, each with the path that errors should name.
    pub fn from_files(files: &[SourceFile]) -> Result<Corpus, Problems> {
        load::parse_files(files)
    }

    pub(crate) fn new(tracks: Vec<Track>, questions: Vec<Question>) -> Corpus {
        Corpus { tracks, questions }
    }

    pub fn tracks(&self) -> &[Track] {
        &self.tracks
    }

    /// Questions in a stable order: by track (as declared), then by file name.
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    pub fn question(&self, id: &QuestionId) -> Option<&Question> {
        self.questions.iter().find(|q| &q.id == id)
    }

    pub fn track(&self, id: &TrackId) -> Option<&Track> {
        self.tracks.iter().find(|t| &t.id == id)
    }

    /// Question counts per track and difficulty, in track order, for the `corpus check` summary.
    pub fn summary(&self) -> Vec<(&Track, BTreeMap<Difficulty, usize>)> {
        self.tracks
            .iter()
            .map(|track| {
                let mut counts = BTreeMap::new();
                for q in self.questions.iter().filter(|q| q.track == track.id) {
                    *counts.entry(q.difficulty).or_insert(0) += 1;
                }
                (track, counts)
            })
            .collect()
    }

    /// The corpus as plain serialisable records, for `corpus export`.
    pub fn export(&self) -> Vec<ExportedQuestion<'_>> {
        self.questions.iter().map(ExportedQuestion::from).collect()
    }
}
