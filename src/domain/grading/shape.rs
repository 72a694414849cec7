//! What an answer looks like before what it says: prose, a bare list of terms, or nothing.
//!
//! A list of the right terms without sentences shows a member knows the vocabulary, not that they
//! can explain it; an interviewer gives it little. Prose has many function words ("the", "is",
//! "because"); a list of terms has almost none, whatever its terms are.

use serde::Serialize;

use super::text::Word;

/// Below this share of function words an answer is a list of terms. English prose runs at 40 to
/// 50 %, and even an expert's dense shorthand stays above 15 %; comma-separated lists of
/// technical terms run at 0 to 8 %.
pub(crate) const LIST_FUNCTION_SHARE: f64 = 0.12;

/// The shape of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// Sentences.
    Prose,
    /// Terms without sentences.
    TermList,
    /// No words at all.
    Empty,
    /// The model answer's own wording ([`super::copying`]): scored 0 whatever it states.
    Copied,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Prose => "prose",
            Shape::TermList => "term-list",
            Shape::Empty => "empty",
            Shape::Copied => "copy",
        }
    }

    /// The inverse of [`Shape::as_str`], for stored grades.
    pub fn parse(s: &str) -> Option<Shape> {
        [Shape::Prose, Shape::TermList, Shape::Empty, Shape::Copied]
            .into_iter()
            .find(|shape| shape.as_str() == s)
    }
}

/// A list whose items carry a few linking words ("Argon2 for passwords, yield for teardown") is
/// still a list: one run-on sentence of at least this many comma-separated items...
pub(crate) const NOTE_ITEMS: usize = 6;
/// ...of at most this many words on average.
pub(crate) const NOTE_ITEM_WORDS: f64 = 5.0;

pub(crate) fn shape(words: &[Word]) -> Shape {
    if words.is_empty() {
        return Shape::Empty;
    }
    let function = words.iter().filter(|w| w.function).count() as f64 / words.len() as f64;
    if function < LIST_FUNCTION_SHARE {
        return Shape::TermList;
    }
    // Words per phrase, phrases in order (a phrase's words are consecutive).
    let mut items: Vec<usize> = Vec::new();
    let mut last = None;
    for word in words {
        if last == Some(word.phrase) {
            if let Some(n) = items.last_mut() {
                *n += 1;
            }
        } else {
            items.push(1);
            last = Some(word.phrase);
        }
    }
    // One run-on "sentence" of many short items is notes, not an explanation; an expert's
    // shorthand still comes in sentences.
    let one_sentence = words.first().map(|w| w.sentence) == words.last().map(|w| w.sentence);
    let noted = one_sentence
        && items.len() >= NOTE_ITEMS
        && (words.len() as f64) <= NOTE_ITEM_WORDS * items.len() as f64;
    if noted { Shape::TermList } else { Shape::Prose }
}

#[cfg(test)]
mod tests {
    use super::super::text::Reader;
    use super::*;

    fn of(text: &str) -> Shape {
        shape(&Reader::default().words(text))
    }

    #[test]
    fn lists_of_terms_prose_and_nothing() {
        assert_eq!(of(""), Shape::Empty);
        assert_eq!(of("  `` ... "), Shape::Empty);
        assert_eq!(
            of("ORM, N+1, select_related, prefetch_related, JOIN, only(), defer(), annotate"),
            Shape::TermList
        );
        assert_eq!(
            of(
                "select_related JOINs the FK in one query; prefetch_related runs a second IN query."
            ),
            Shape::Prose
        );
        assert_eq!(
            of("It depends on the project, I would have to look that up."),
            Shape::Prose
        );
        assert_eq!(
            of(
                "Argon2 for passwords, yield for teardown, OpenAPI at /openapi.json, CORS for the SPA, HTTPS at the proxy, limits on login"
            ),
            Shape::TermList
        );
        assert_eq!(
            of(
                "Use select_related for FKs, prefetch_related for M2M, and check it with assertNumQueries in a test so it stays fixed."
            ),
            Shape::Prose
        );
        for s in [Shape::Prose, Shape::TermList, Shape::Empty] {
            assert_eq!(Shape::parse(s.as_str()), Some(s));
        }
    }
}
