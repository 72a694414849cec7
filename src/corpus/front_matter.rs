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
    follow_ups: RawList,
    sources: RawList,
    follow_up_of: Option<Spanned<String>>,
    key_points: Option<Spanned<Vec<Spanned<RawKeyPoint>>>>,
    synonyms: Option<Vec<Spanned<Vec<Spanned<String>>>>>,
    misconceptions: Option<Vec<Spanned<RawClaim>>>,
    red_flags: Option<Vec<Spanned<RawClaim>>>,
    /// Set by `dailydrill deck import-doc` on the rubric it drafts; an author deletes it.
    rubric_draft: Option<Spanned<bool>>,
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
    pub question_line: usize,
    pub follow_ups: Vec<String>,
    pub sources: Vec<String>,
    /// The question this one builds on, with the line that says so.
    pub follow_up_of: Option<(QuestionId, usize)>,
    pub key_points: Vec<KeyPoint>,
    /// Misconceptions, then red flags.
    pub misconceptions: Vec<Misconception>,
    pub synonyms: Vec<Vec<String>>,
}

/// How the ids of server deck questions start, so that they never meet a corpus id.
pub const DECK_ID_PREFIX: &str = "deck-";

/// Which rules a question file is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rules {
    /// The bundled corpus (or a `QUESTIONS_DIR`): a full rubric, follow-ups and sources.
    Corpus,
    /// A server's own deck: a group may bring questions without a rubric (scored on answering
    /// only), follow-ups or sources; whatever it does bring is checked as strictly.
    Deck,
}

/// Parses and checks front matter; every problem found is returned, with its file line.
pub(crate) fn parse(text: &str, split: &Split<'_>, rules: Rules) -> Result<Front, Vec<Located>> {
    let lines = Lines::new(text);
    let line = |span: std::ops::Range<usize>| lines.line(split.front_offset + span.start);
    let raw: RawFront = toml::from_str(split.front).map_err(|e| {
        let at = e.span().map_or(1, &line);
        vec![(at, format!("front matter: {}", e.message().trim_end()))]
    })?;

    if let Some(draft) = raw.rubric_draft.as_ref().filter(|d| *d.get_ref()) {
        let what = match rules {
            Rules::Corpus => {
                "check its key points and phrasings, add misconceptions, follow-ups and sources, \
                 then delete `rubric_draft`"
            }
            Rules::Deck => {
                "check its key points and phrasings, then delete `rubric_draft` (or delete the \
                 key points too, and the question is scored on answering only)"
            }
        };
        return Err(vec![(
            line(draft.span()),
            format!("the rubric is a draft from `dailydrill deck import-doc`: {what}"),
        )]);
    }
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
        Ok(_) if rules == Rules::Corpus && s.starts_with(DECK_ID_PREFIX) => {
            problems.push((
                at,
                format!(
                    "`id` {s:?}: ids starting with {DECK_ID_PREFIX:?} are reserved for server decks"
                ),
            ));
            None
        }
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
        Some((s.trim().to_owned(), at))
    });
    let deck = rules == Rules::Deck;
    let follow_ups = match raw.follow_ups {
        None if deck => Vec::new(),
        raw => follow_ups(raw, deck, &line, &mut problems),
    };
    let sources = match raw.sources {
        None if deck => Vec::new(),
        raw => sources(raw, deck, &line, &mut problems),
    };
    let follow_up_of = raw.follow_up_of.and_then(|v| {
        let at = line(v.span());
        match v.get_ref().parse::<QuestionId>() {
            Ok(id) => Some((id, at)),
            Err(why) => {
                problems.push((at, format!("`follow_up_of` {:?} {why}", v.get_ref())));
                None
            }
        }
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

    let key_points = match raw.key_points {
        None if deck => Vec::new(),
        raw => rubric::key_points(raw, &line, &mut problems),
    };
    let required = !deck;
    let mut misconceptions =
        rubric::claims(raw.misconceptions, false, required, &line, &mut problems);
    misconceptions.extend(rubric::claims(
        raw.red_flags,
        true,
        required,
        &line,
        &mut problems,
    ));
    let synonyms = rubric::synonyms(raw.synonyms, &line, &mut problems);

    match (id, track, difficulty, question) {
        (
            Some((id, id_line)),
            Some((track, track_line)),
            Some(difficulty),
            Some((question, question_line)),
        ) if problems.is_empty() => {
            if follow_up_of.as_ref().is_some_and(|(of, _)| *of == id) {
                let at = follow_up_of.as_ref().map_or(1, |(_, at)| *at);
                return Err(vec![(
                    at,
                    "`follow_up_of` names this question itself".into(),
                )]);
            }
            Ok(Front {
                id,
                id_line,
                track,
                track_line,
                difficulty,
                tags,
                question,
                question_line,
                follow_ups,
                sources,
                follow_up_of,
                key_points,
                misconceptions,
                synonyms,
            })
        }
        _ => Err(problems),
    }
}

/// Follow-up questions: at least one, so a member who answered well has somewhere to go next.
pub const MIN_FOLLOW_UPS: usize = 1;
/// The most follow-ups shown; more turns the reveal into a questionnaire.
pub const MAX_FOLLOW_UPS: usize = 2;
/// The longest follow-up question accepted.
pub const MAX_FOLLOW_UP_LEN: usize = 300;
/// The longest source address accepted.
pub const MAX_SOURCE_LEN: usize = 300;

type RawList = Option<Spanned<Vec<Spanned<String>>>>;

/// A required list field: its line and items, or a problem saying what `missing` it needs.
fn required_list(
    raw: RawList,
    missing: String,
    line: &dyn Fn(std::ops::Range<usize>) -> usize,
    problems: &mut Vec<Located>,
) -> Option<(usize, Vec<Spanned<String>>)> {
    match raw {
        Some(raw) => Some((line(raw.span()), raw.into_inner())),
        None => {
            problems.push((1, missing));
            None
        }
    }
}

fn follow_ups(
    raw: RawList,
    deck: bool,
    line: &dyn Fn(std::ops::Range<usize>) -> usize,
    problems: &mut Vec<Located>,
) -> Vec<String> {
    let missing = format!(
        "front matter has no `follow_ups`: list {MIN_FOLLOW_UPS} to {MAX_FOLLOW_UPS} questions an interviewer asks next"
    );
    let Some((at, raw)) = required_list(raw, missing, line, problems) else {
        return Vec::new();
    };
    let min = if deck { 0 } else { MIN_FOLLOW_UPS };
    if !(min..=MAX_FOLLOW_UPS).contains(&raw.len()) {
        problems.push((
            at,
            format!(
                "`follow_ups` has {}; give {min} to {MAX_FOLLOW_UPS}",
                raw.len()
            ),
        ));
    }
    let mut out = Vec::new();
    for item in raw {
        let at = line(item.span());
        let text = item.into_inner();
        let len = text.chars().count();
        if text.trim().is_empty() {
            problems.push((at, "a follow-up is empty".into()));
        } else if len > MAX_FOLLOW_UP_LEN {
            problems.push((
                at,
                format!("a follow-up is {len} characters; the limit is {MAX_FOLLOW_UP_LEN}"),
            ));
        } else {
            out.push(text.trim().to_owned());
        }
    }
    out
}

fn sources(
    raw: RawList,
    deck: bool,
    line: &dyn Fn(std::ops::Range<usize>) -> usize,
    problems: &mut Vec<Located>,
) -> Vec<String> {
    let missing = "front matter has no `sources`: list the official documentation pages the answer was checked against".to_owned();
    let Some((at, raw)) = required_list(raw, missing, line, problems) else {
        return Vec::new();
    };
    if raw.is_empty() && !deck {
        problems.push((
            at,
            "`sources` is empty: list at least one documentation page".into(),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for item in raw {
        let at = line(item.span());
        let url = item.into_inner();
        let host = url.strip_prefix("https://").unwrap_or_default();
        let host = host.split('/').next().unwrap_or_default();
        if !url.starts_with("https://") || !host.contains('.') || url.contains(char::is_whitespace)
        {
            problems.push((
                at,
                format!("source {url:?} is not an https:// address of a page"),
            ));
        } else if url.len() > MAX_SOURCE_LEN {
            problems.push((
                at,
                format!(
                    "source is {} characters; the limit is {MAX_SOURCE_LEN}",
                    url.len()
                ),
            ));
        } else if out.contains(&url) {
            problems.push((at, format!("source {url:?} is listed twice")));
        } else {
            out.push(url);
        }
    }
    out
}
