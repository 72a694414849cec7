//! TOML front matter: splitting it from the answer, and turning it into typed fields with the line
//! of every problem. Fields are read as optional and spanned so that all missing or bad fields are
//! reported at once, each on its own line.

use std::collections::BTreeSet;

use serde::Deserialize;
use toml::Spanned;

use super::problem::Lines;
pub(crate) use super::problem::Located;
use super::rubric::{self, RawClaim, RawKeyPoint};
use super::types::{Difficulty, KeyPoint, Misconception, QuestionId, TrackId, check_slug};

/// The longest question text accepted; a question is a sentence or two, not an essay.
pub const MAX_QUESTION_LEN: usize = 1000;

/// A question file cut at its `+++` delimiters.
pub(crate) struct Split<'a> {
    pub front: &'a str,
    /// Byte offset of `front` in the file, to turn TOML spans into file lines.
    pub front_offset: usize,
    pub body: &'a str,
    /// Line of the closing `+++`; the answer starts on the next line.
    pub closing_line: usize,
}

fn is_delimiter(line: &str) -> bool {
    line.trim_end() == "+++"
}

/// Cuts a question file into front matter and answer.
pub(crate) fn split(text: &str) -> Result<Split<'_>, Located> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if !is_delimiter(&text[..first_end]) {
        return Err((
            1,
            "a question file must start with a line \"+++\" that opens its TOML front matter"
                .into(),
        ));
    }
    let mut offset = first_end;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        if is_delimiter(&text[offset..end]) {
            return Ok(Split {
                front: &text[first_end..offset],
                front_offset: first_end,
                body: &text[end..],
                closing_line: line,
            });
        }
        offset = end;
        line += 1;
    }
    Err((
        1,
        "the front matter opened here is never closed by a line \"+++\"".into(),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFront {
    id: Option<Spanned<String>>,
    track: Option<Spanned<String>>,
    difficulty: Option<Spanned<String>>,
    tags: Option<Vec<Spanned<String>>>,
    question: Option<Spanned<String>>,
    key_points: Option<Spanned<Vec<Spanned<RawKeyPoint>>>>,
    synonyms: Option<Vec<Spanned<Vec<Spanned<String>>>>>,
    misconceptions: Option<Vec<Spanned<RawClaim>>>,
    red_flags: Option<Vec<Spanned<RawClaim>>>,
}

/// The typed front matter of a question, and the line of its id for duplicate reports.
pub(crate) struct Front {
    pub id: QuestionId,
    pub id_line: usize,
    pub track: TrackId,
    pub track_line: usize,
    pub difficulty: Difficulty,
    pub tags: Vec<String>,
    pub question: String,
    pub key_points: Vec<KeyPoint>,
    /// Misconceptions, then red flags.
    pub misconceptions: Vec<Misconception>,
    pub synonyms: Vec<Vec<String>>,
}

/// Parses and checks front matter; every problem found is returned, with its file line.
pub(crate) fn parse(text: &str, split: &Split<'_>) -> Result<Front, Vec<Located>> {
    let lines = Lines::new(text);
    let line = |span: std::ops::Range<usize>| lines.line(split.front_offset + span.start);
    let raw: RawFront = toml::from_str(split.front).map_err(|e| {
        let at = e.span().map_or(1, &line);
        vec![(at, format!("front matter: {}", e.message().trim_end()))]
    })?;

    let mut problems = Vec::new();
    let mut required = |name: &str, field: Option<Spanned<String>>| -> Option<(usize, String)> {
        match field {
            None => {
                problems.push((1, format!("front matter has no `{name}`")));
                None
            }
            Some(v) if v.get_ref().trim().is_empty() => {
                problems.push((line(v.span()), format!("`{name}` is empty")));
                None
            }
            Some(v) => Some((line(v.span()), v.into_inner())),
        }
    };
    let id = required("id", raw.id);
    let track = required("track", raw.track);
    let difficulty = required("difficulty", raw.difficulty);
    let question = required("question", raw.question);

    let id = id.and_then(|(at, s)| match s.parse::<QuestionId>() {
        Ok(id) => Some((id, at)),
        Err(why) => {
            problems.push((at, format!("`id` {s:?} {why}")));
            None
        }
    });
    let track = track.and_then(|(at, s)| match s.parse::<TrackId>() {
        Ok(t) => Some((t, at)),
        Err(why) => {
            problems.push((at, format!("`track` {s:?} {why}")));
            None
        }
    });
    let difficulty = difficulty.and_then(|(at, s)| {
        s.parse::<Difficulty>()
            .map_err(|why| problems.push((at, why)))
            .ok()
    });
    let question = question.and_then(|(at, s)| {
        let len = s.chars().count();
        if len > MAX_QUESTION_LEN {
            problems.push((
                at,
                format!("`question` is {len} characters; the limit is {MAX_QUESTION_LEN}"),
            ));
            return None;
        }
        Some(s.trim().to_owned())
    });

    let mut tags = Vec::new();
    let mut seen = BTreeSet::new();
    for tag in raw.tags.unwrap_or_default() {
        let at = line(tag.span());
        let tag = tag.into_inner();
        if let Err(why) = check_slug(&tag) {
            problems.push((at, format!("tag {tag:?} {why}")));
        } else if !seen.insert(tag.clone()) {
            problems.push((at, format!("tag {tag:?} is listed twice")));
        } else {
            tags.push(tag);
        }
    }

    let key_points = rubric::key_points(raw.key_points, &line, &mut problems);
    let mut misconceptions = rubric::claims(raw.misconceptions, false, &line, &mut problems);
    misconceptions.extend(rubric::claims(raw.red_flags, true, &line, &mut problems));
    let synonyms = rubric::synonyms(raw.synonyms, &line, &mut problems);

    match (id, track, difficulty, question) {
        (Some((id, id_line)), Some((track, track_line)), Some(difficulty), Some(question))
            if problems.is_empty() =>
        {
            Ok(Front {
                id,
                id_line,
                track,
                track_line,
                difficulty,
                tags,
                question,
                key_points,
                misconceptions,
                synonyms,
            })
        }
        _ => Err(problems),
    }
}
