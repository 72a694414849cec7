//! The grading rubric of a question file: key points with weights and phrasings, misconceptions
//! and red flags with their corrections, and synonym groups. Every problem is reported with its
//! line, like the rest of the front matter.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::problem::Located;
use super::types::{KeyPoint, Misconception};
use super::{MAX_KEY_POINTS, MIN_KEY_POINTS};

/// The longest key point label or claim; both are listed in feedback messages.
pub const MAX_LABEL_LEN: usize = 200;
/// The longest correction: it is shown under the claim in a feedback message.
pub const MAX_CORRECTION_LEN: usize = 600;
/// The heaviest a key point may weigh; more would let one point decide the whole score.
pub const MAX_WEIGHT: u8 = 5;
/// The most parts a binding (`a & b & c`) may have.
pub const MAX_BINDING_PARTS: usize = 3;
/// What separates the parts of a binding in a phrasing.
pub const BINDING: &str = " & ";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawKeyPoint {
    label: Option<Spanned<String>>,
    weight: Option<Spanned<i64>>,
    phrasings: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClaim {
    claim: Option<Spanned<String>>,
    phrasings: Option<Vec<Spanned<String>>>,
    patterns: Option<Vec<Spanned<String>>>,
    correction: Option<Spanned<String>>,
}

type Line<'a> = &'a dyn Fn(Range<usize>) -> usize;

/// Checks a phrasing's shape: letters or digits in every part, at most [`MAX_BINDING_PARTS`].
fn check_phrasing(phrasing: &str) -> Result<(), String> {
    let parts: Vec<&str> = phrasing.split(BINDING).collect();
    if parts.len() > MAX_BINDING_PARTS {
        return Err(format!(
            "binds {} parts; a binding has at most {MAX_BINDING_PARTS}",
            parts.len()
        ));
    }
    if parts
        .iter()
        .any(|part| !part.chars().any(char::is_alphanumeric))
    {
        return Err(if parts.len() > 1 {
            "has a binding part with no letters or digits".into()
        } else {
            "has no letters or digits".into()
        });
    }
    Ok(())
}

/// The phrasings of `which`, each checked; bad ones are reported and left out.
fn phrasings(
    which: &str,
    raw: Vec<Spanned<String>>,
    line: Line<'_>,
    problems: &mut Vec<Located>,
) -> Vec<String> {
    let mut out = Vec::new();
    for phrasing in raw {
        let at = line(phrasing.span());
        let text = phrasing.into_inner();
        match check_phrasing(&text) {
            Ok(()) => out.push(text.trim().to_owned()),
            Err(why) => problems.push((at, format!("{which}: the phrasing {text:?} {why}"))),
        }
    }
    out
}

/// A required, bounded text field of `which`.
fn text_field(
    which: &str,
    name: &str,
    field: Option<Spanned<String>>,
    max: usize,
    at: usize,
    line: Line<'_>,
    problems: &mut Vec<Located>,
) -> Option<String> {
    match field {
        None => {
            problems.push((at, format!("{which} has no `{name}`")));
            None
        }
        Some(v) if v.get_ref().trim().is_empty() => {
            problems.push((line(v.span()), format!("{which} has an empty `{name}`")));
            None
        }
        Some(v) if v.get_ref().chars().count() > max => {
            problems.push((
                line(v.span()),
                format!("{which}'s `{name}` is longer than {max} characters"),
            ));
            None
        }
        Some(v) => Some(v.into_inner().trim().to_owned()),
    }
}

pub(crate) fn key_points(
    raw: Option<Spanned<Vec<Spanned<RawKeyPoint>>>>,
    line: Line<'_>,
    problems: &mut Vec<Located>,
) -> Vec<KeyPoint> {
    let Some(raw) = raw else {
        problems.push((
            1,
            format!("front matter has no [[key_points]]; a question needs {MIN_KEY_POINTS} to {MAX_KEY_POINTS}"),
        ));
        return Vec::new();
    };
    let list_line = line(raw.span());
    let raw = raw.into_inner();
    if raw.len() < MIN_KEY_POINTS || raw.len() > MAX_KEY_POINTS {
        problems.push((
            list_line,
            format!(
                "{} key point(s); a question needs {MIN_KEY_POINTS} to {MAX_KEY_POINTS}",
                raw.len()
            ),
        ));
    }
    let mut points = Vec::new();
    for (n, kp) in raw.into_iter().enumerate() {
        let at = line(kp.span());
        let kp = kp.into_inner();
        let which = format!("key point {}", n + 1);
        let label = text_field(&which, "label", kp.label, MAX_LABEL_LEN, at, line, problems);
        let weight = match kp.weight {
            None => Some(1),
            Some(w) => match u8::try_from(*w.get_ref()) {
                Ok(v) if (1..=MAX_WEIGHT).contains(&v) => Some(v),
                _ => {
                    problems.push((
                        line(w.span()),
                        format!(
                            "{which}'s `weight` is {}; use 1 to {MAX_WEIGHT}",
                            w.get_ref()
                        ),
                    ));
                    None
                }
            },
        };
        let found = match kp.phrasings {
            None => {
                problems.push((at, format!("{which} has no `phrasings`")));
                Vec::new()
            }
            Some(p) if p.get_ref().is_empty() => {
                problems.push((
                    line(p.span()),
                    format!("{which} has no phrasings; give at least one"),
                ));
                Vec::new()
            }
            Some(p) => phrasings(&which, p.into_inner(), line, problems),
        };
        if let (Some(label), Some(weight)) = (label, weight) {
            points.push(KeyPoint {
                label,
                weight,
                phrasings: found,
            });
        }
    }
    points
}

/// The fewest misconceptions a question may have: feedback that cannot tell a confident wrong
/// answer from a right one teaches the wrong thing.
pub const MIN_MISCONCEPTIONS: usize = 1;

/// The `[[misconceptions]]` (or, with `red_flag`, the `[[red_flags]]`) of a question.
pub(crate) fn claims(
    raw: Option<Vec<Spanned<RawClaim>>>,
    red_flag: bool,
    required: bool,
    line: Line<'_>,
    problems: &mut Vec<Located>,
) -> Vec<Misconception> {
    let mut out = Vec::new();
    let raw = raw.unwrap_or_default();
    if !red_flag && required && raw.len() < MIN_MISCONCEPTIONS {
        problems.push((
            1,
            format!(
                "front matter has no [[misconceptions]]; a question needs at least {MIN_MISCONCEPTIONS}: a confident wrong claim interviewers hear, with its correction"
            ),
        ));
    }
    for (n, claim) in raw.into_iter().enumerate() {
        let at = line(claim.span());
        let raw = claim.into_inner();
        let which = if red_flag {
            format!("red flag {}", n + 1)
        } else {
            format!("misconception {}", n + 1)
        };
        let claim = text_field(
            &which,
            "claim",
            raw.claim,
            MAX_LABEL_LEN,
            at,
            line,
            problems,
        );
        let correction = text_field(
            &which,
            "correction",
            raw.correction,
            MAX_CORRECTION_LEN,
            at,
            line,
            problems,
        );
        let found = phrasings(&which, raw.phrasings.unwrap_or_default(), line, problems);
        let mut patterns = Vec::new();
        for pattern in raw.patterns.unwrap_or_default() {
            let pattern_line = line(pattern.span());
            let text = pattern.into_inner();
            // Parsing checks the syntax at a fraction of compiling's cost (case folding, which
            // cannot make a valid pattern invalid, is left to the grader, which compiles the
            // patterns it uses); a corpus of thousands of questions loads at start-up.
            match regex_syntax::Parser::new().parse(&text) {
                Ok(_) => patterns.push(text),
                Err(e) => problems.push((
                    pattern_line,
                    format!("{which}: the pattern {text:?} is not a valid regular expression: {e}"),
                )),
            }
        }
        if found.is_empty() && patterns.is_empty() {
            problems.push((
                at,
                format!("{which} has no `phrasings` or `patterns`; it could never be detected"),
            ));
            continue;
        }
        if let (Some(claim), Some(correction)) = (claim, correction) {
            out.push(Misconception {
                claim,
                phrasings: found,
                patterns,
                correction,
                red_flag,
                line: at,
            });
        }
    }
    out
}

/// The question's synonym groups: each at least two phrases, none a binding.
pub(crate) fn synonyms(
    raw: Option<Vec<Spanned<Vec<Spanned<String>>>>>,
    line: Line<'_>,
    problems: &mut Vec<Located>,
) -> Vec<Vec<String>> {
    let mut groups = Vec::new();
    for group in raw.unwrap_or_default() {
        let at = line(group.span());
        let mut members = Vec::new();
        for member in group.into_inner() {
            let member_line = line(member.span());
            let text = member.into_inner();
            if text.contains(BINDING) || !text.chars().any(char::is_alphanumeric) {
                problems.push((
                    member_line,
                    format!("synonym {text:?} must be words, not a binding or punctuation"),
                ));
            } else {
                members.push(text.trim().to_owned());
            }
        }
        if members.len() < 2 {
            problems.push((at, "a synonym group needs at least two phrases".into()));
        } else {
            groups.push(members);
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrasings_bind_at_most_three_parts_each_with_words() {
        assert!(check_phrasing("select_related & join").is_ok());
        assert!(check_phrasing("a & b & c").is_ok());
        assert!(
            check_phrasing("a & b & c & d")
                .unwrap_err()
                .contains("at most 3")
        );
        assert!(
            check_phrasing("a & ()")
                .unwrap_err()
                .contains("binding part")
        );
        assert!(check_phrasing("()").unwrap_err().contains("no letters"));
        // An ampersand without spaces is part of the words, not a binding.
        assert!(check_phrasing("R&D").is_ok());
    }
}
