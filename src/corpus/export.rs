//! The corpus as JSON records, for `corpus export`: other tools (a website, a flash-card app) read
//! the corpus without parsing its Markdown files.

use serde::Serialize;

use super::types::{Difficulty, Example, KeyPoint, Misconception, Question};

/// One question as exported; field names are a stable interface.
#[derive(Debug, Serialize)]
pub struct ExportedQuestion<'a> {
    pub id: &'a str,
    pub track: &'a str,
    pub difficulty: Difficulty,
    pub tags: &'a [String],
    pub question: &'a str,
    /// Questions an interviewer asks next.
    pub follow_ups: &'a [String],
    /// The documentation pages the answer was checked against.
    pub sources: &'a [String],
    /// The question this one builds on.
    pub follow_up_of: Option<&'a str>,
    /// The model answer in Markdown.
    pub answer: &'a str,
    pub key_points: &'a [KeyPoint],
    /// The misconceptions and red flags (`red_flag: true`), each with its correction.
    pub misconceptions: &'a [Misconception],
    pub synonyms: &'a [Vec<String>],
    /// The answer's python blocks (line, code, runner, expected output), for the example checker.
    pub examples: &'a [Example],
    /// The file the question came from.
    pub source: &'a str,
}

impl<'a> From<&'a Question> for ExportedQuestion<'a> {
    fn from(q: &'a Question) -> Self {
        ExportedQuestion {
            id: q.id.as_str(),
            track: q.track.as_str(),
            difficulty: q.difficulty,
            tags: &q.tags,
            question: &q.question,
            follow_ups: &q.follow_ups,
            sources: &q.sources,
            follow_up_of: q.follow_up_of.as_ref().map(|id| id.as_str()),
            answer: &q.answer,
            key_points: &q.key_points,
            misconceptions: &q.misconceptions,
            synonyms: &q.synonyms,
            examples: &q.examples,
            source: &q.source,
        }
    }
}
