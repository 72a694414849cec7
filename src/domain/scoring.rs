//! Scoring an answer: which of a question's key points it covers, and the points that earns.
//!
//! Answers and phrasings go through the same normalisation (format characters dropped, Unicode
//! lowercase, anything not alphanumeric splits words, English stemming), so a member is judged on
//! the words they used, not on their punctuation, casing or word endings.

use std::collections::HashMap;
use std::fmt;

use rust_stemmers::{Algorithm, Stemmer};

use crate::corpus::KeyPoint;

/// Points for answering a daily question before its reveal, whatever the answer covers: showing up
/// is what keeps a study group going, so it earns something on its own.
pub const ANSWER_POINTS: u32 = 10;

/// Points for covering every key point; a partial answer earns the covered share of them, so a
/// thorough answer is worth up to three times a bare attempt.
pub const COVERAGE_POINTS: u32 = 20;

/// Id of an answer word that no phrasing uses; it can never be part of a match.
const UNKNOWN: u32 = u32::MAX;

/// A question's key points, normalised once so that scoring many members' answers only has to
/// tokenise each answer, never the phrasings again.
pub struct KeyPointMatcher {
    stemmer: Stemmer,
    /// Every stem that occurs in some phrasing, with the small id that phrasings are stored as.
    vocabulary: HashMap<String, u32>,
    /// Per key point (in the question's order), its phrasings as stem ids; phrasings that normalise
    /// to no words are left out, so they can never match.
    key_points: Vec<Vec<Vec<u32>>>,
}

impl KeyPointMatcher {
    /// Normalises every phrasing up front, because one question's matcher scores every answer
    /// its members send.
    pub fn new(key_points: &[KeyPoint]) -> KeyPointMatcher {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut vocabulary = HashMap::new();
        let key_points = key_points
            .iter()
            .map(|point| {
                point
                    .phrasings
                    .iter()
                    .map(|phrasing| phrasing_ids(&stemmer, &mut vocabulary, phrasing))
                    .filter(|ids| !ids.is_empty())
                    .collect()
            })
            .collect();
        KeyPointMatcher {
            stemmer,
            vocabulary,
            key_points,
        }
    }

    /// Tells a member which key points their answer covers: a key point counts when any of its
    /// phrasings appears in the answer as a run of consecutive words.
    pub fn coverage(&self, answer: &str) -> Coverage {
        let words = self.answer_ids(answer);
        let mut coverage = Coverage::default();
        for (index, phrasings) in self.key_points.iter().enumerate() {
            if phrasings
                .iter()
                .any(|phrasing| contains_run(&words, phrasing))
            {
                coverage.covered.push(index);
            } else {
                coverage.missed.push(index);
            }
        }
        coverage
    }

    /// The answer's words as stem ids, so that matching compares integers and allocates nothing
    /// per comparison.
    fn answer_ids(&self, answer: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        for_each_stem(&self.stemmer, answer, |stem| {
            ids.push(self.vocabulary.get(stem).copied().unwrap_or(UNKNOWN));
        });
        ids
    }
}

impl fmt::Debug for KeyPointMatcher {
    /// Shows the shape only, because the stemmer has no useful representation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPointMatcher")
            .field("key_points", &self.key_points.len())
            .field("vocabulary", &self.vocabulary.len())
            .finish()
    }
}

/// Which key points an answer covered and missed, so feedback can name both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Indices into the question's key points, ascending.
    pub covered: Vec<usize>,
    /// Indices into the question's key points, ascending.
    pub missed: Vec<usize>,
}

impl Coverage {
    /// The number of key points the answer was judged against, the denominator of every score.
    pub fn total(&self) -> usize {
        self.covered.len().saturating_add(self.missed.len())
    }

    /// The covered share as a fraction, for displays that want more than a whole percentage; 0 when
    /// the question has no key points, since there was nothing to cover.
    pub fn ratio(&self) -> f64 {
        match self.total() {
            0 => 0.0,
            total => self.covered.len() as f64 / total as f64,
        }
    }
}

/// The points an answer earns, as an exact integer so scores are reproducible everywhere:
/// ANSWER_POINTS (10) for answering, plus COVERAGE_POINTS (20) times the number of key points
/// covered divided by the number of key points, rounded to the nearest whole point with halves
/// rounded up. A question without key points earns just the 10 answer points.
pub fn points(c: &Coverage) -> u32 {
    ANSWER_POINTS + rounded_share(c, COVERAGE_POINTS)
}

/// The covered share as a whole percentage (halves rounded up), the number members see; 0 when
/// the question has no key points.
pub fn percent(c: &Coverage) -> u32 {
    rounded_share(c, 100)
}

/// `scale * covered / total`, rounded half up, in integers wide enough that no count overflows.
fn rounded_share(c: &Coverage, scale: u32) -> u32 {
    let total = c.total() as u128;
    if total == 0 {
        return 0;
    }
    let covered = (c.covered.len() as u128).min(total);
    let share = (u128::from(scale) * covered + total / 2) / total;
    u32::try_from(share).unwrap_or(scale)
}

/// Stores a phrasing's stems as ids, giving new stems the next id.
fn phrasing_ids(stemmer: &Stemmer, vocabulary: &mut HashMap<String, u32>, text: &str) -> Vec<u32> {
    let mut ids = Vec::new();
    for_each_stem(stemmer, text, |stem| {
        let next = u32::try_from(vocabulary.len()).unwrap_or(UNKNOWN);
        let id = *vocabulary.entry(stem.to_owned()).or_insert(next);
        ids.push(id);
    });
    ids
}

/// Whether `run` occurs in `words` as consecutive words; an empty run never matches.
fn contains_run(words: &[u32], run: &[u32]) -> bool {
    !run.is_empty() && !run.contains(&UNKNOWN) && words.windows(run.len()).any(|w| w == run)
}

/// Splits `text` into lowercase words and hands each one's English stem to `emit`, reusing one
/// buffer for the words.
fn for_each_stem(stemmer: &Stemmer, text: &str, mut emit: impl FnMut(&str)) {
    let mut word = String::new();
    for c in text.chars().filter(|&c| !is_invisible(c)) {
        if c.is_alphanumeric() {
            word.extend(
                c.to_lowercase()
                    .filter(|&l| !is_invisible(l))
                    .map(fold_final_sigma),
            );
        } else {
            emit_word(stemmer, &mut word, &mut emit);
        }
    }
    emit_word(stemmer, &mut word, &mut emit);
}

/// Lowercasing one character at a time turns every capital sigma into `σ`, so a typed final `ς`
/// is folded to match it (as Unicode case folding does).
fn fold_final_sigma(c: char) -> char {
    if c == 'ς' { 'σ' } else { c }
}

fn emit_word(stemmer: &Stemmer, word: &mut String, emit: &mut impl FnMut(&str)) {
    if !word.is_empty() {
        emit(&stemmer.stem(word));
        word.clear();
    }
}

/// Characters that are dropped rather than treated as separators, because they are invisible
/// inside a word: format characters (Unicode category Cf: zero-width spaces and joiners, bidi
/// controls, the byte-order mark, tags, ...) and combining marks, so that a pasted zero-width
/// space or a decomposed accent does not split a word in two.
fn is_invisible(c: char) -> bool {
    is_format(c) || is_combining_mark(c)
}

/// Unicode general category Cf (Unicode 15), listed here because std does not expose categories.
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// The generic combining-mark blocks (diacritics used across Latin, Greek and Cyrillic text).
fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::CorpusSource;
    use std::path::Path;

    fn kp(label: &str, phrasings: &[&str]) -> KeyPoint {
        KeyPoint {
            label: label.to_owned(),
            phrasings: phrasings.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    fn covers(phrasing: &str, answer: &str) -> bool {
        let matcher = KeyPointMatcher::new(&[kp("point", &[phrasing])]);
        matcher.coverage(answer).covered == vec![0]
    }

    fn stems(text: &str) -> Vec<String> {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut out = Vec::new();
        for_each_stem(&stemmer, text, |s| out.push(s.to_owned()));
        out
    }

    fn coverage_of(covered: usize, total: usize) -> Coverage {
        Coverage {
            covered: (0..covered).collect(),
            missed: (covered..total).collect(),
        }
    }

    #[test]
    fn tokens_are_lowercased_split_on_punctuation_and_stemmed() {
        assert_eq!(stems("Select_Related()"), ["select", "relat"]);
        assert_eq!(stems("select-related"), stems("select related"));
        assert_eq!(stems("caching cached caches"), ["cach", "cach", "cach"]);
        assert_eq!(stems("generators"), ["generat"]);
        assert_eq!(stems("generators"), stems("generator"));
    }

    #[test]
    fn digits_stay_and_dots_separate() {
        assert_eq!(stems("HTTP2"), ["http2"]);
        assert_eq!(stems("Python 3.12"), ["python", "3", "12"]);
    }

    #[test]
    fn quotes_backticks_and_dots_do_not_matter() {
        assert!(covers(
            "select related",
            "`queryset.select_related('author')`"
        ));
        assert!(covers("asyncio gather", "\"asyncio.gather\""));
    }

    #[test]
    fn case_and_punctuation_insensitive() {
        assert!(covers("select related", "Use SELECT_RELATED() here"));
        assert!(covers("select related", "use select-related"));
        assert!(covers("Select_Related()", "select related"));
    }

    #[test]
    fn stemming_matches_in_both_directions() {
        assert!(covers("caching", "it caches the results"));
        assert!(covers("caches", "caching"));
        assert!(covers("generators", "a generator yields"));
        assert!(covers("generator", "generators yield"));
    }

    #[test]
    fn multi_word_phrasing_needs_a_contiguous_run() {
        assert!(covers("memo dictionary", "keep the memo dictionary around"));
        assert!(!covers("memo dictionary", "a memo and a dictionary"));
        assert!(!covers("memo dictionary", "dictionary memo"));
        assert!(covers("memo dictionary", "memo, dictionary"));
    }

    #[test]
    fn phrasing_at_start_and_end_of_answer() {
        assert!(covers("global interpreter lock", "Global interpreter lock"));
        assert!(covers("gil", "gil"));
        assert!(covers("gil", "blah blah the GIL"));
    }

    #[test]
    fn no_false_match_inside_words() {
        assert!(!covers("use", "reuse the connection"));
        assert!(!covers("class", "subclassing is common"));
        assert!(!covers("cache", "cachet"));
        assert!(covers("class", "a class is"));
    }

    #[test]
    fn zero_width_characters_inside_a_word_do_not_hide_it() {
        assert!(covers("select related", "sel\u{200b}ect_related"));
        assert!(covers("select related", "select\u{200d}_rel\u{feff}ated"));
        assert!(covers("decorator", "deco\u{2060}rator"));
        assert!(covers("decorator", "deco\u{00ad}rator"));
    }

    #[test]
    fn bidi_controls_are_ignored() {
        assert!(covers("decorator", "\u{202e}decorator\u{202c}"));
        assert!(covers("decorator", "deco\u{202e}rator"));
        assert!(covers("decorator", "\u{2067}deco\u{2069}rator"));
        assert!(covers("decorator", "deco\u{200f}rator"));
    }

    #[test]
    fn combining_marks_do_not_split_words() {
        assert_eq!(stems("nai\u{0308}ve"), ["naiv"]);
        assert!(covers("naive", "a nai\u{0308}ve approach"));
    }

    #[test]
    fn non_latin_text_neither_panics_nor_matches_by_accident() {
        let matcher = KeyPointMatcher::new(&[kp("a", &["generator"]), kp("b", &["缓存"])]);
        let answer =
            "🎉🐍 生成器 generator 👍🏽 缓存 e\u{0301}\u{0301}\u{0301} Σίσυφος İstanbul \u{10FFFF}";
        let c = matcher.coverage(answer);
        assert_eq!(c.covered, vec![0, 1]);
        assert_eq!(matcher.coverage("🎉🐍👍🏽").covered, Vec::<usize>::new());
    }

    #[test]
    fn phrasings_in_other_scripts_still_match_by_words() {
        assert!(covers("Σίσυφος", "ο ΣΊΣΥΦΟΣ"));
        assert!(!covers("缓存", "生成器"));
    }

    #[test]
    fn long_answer_is_scored_without_trouble() {
        let matcher = KeyPointMatcher::new(&[
            kp("a", &["lazy evaluation"]),
            kp("b", &["yield"]),
            kp("c", &["never said"]),
        ]);
        let filler = "generators produce values with yield and support lazy evaluation. ";
        let answer: String = filler.repeat(4000 / filler.len() + 1);
        assert!(answer.len() >= 4000);
        let c = matcher.coverage(&answer);
        assert_eq!(c.covered, vec![0, 1]);
        assert_eq!(c.missed, vec![2]);

        let noise: String = "💥é\u{200b}中a.".repeat(1000);
        assert_eq!(matcher.coverage(&noise).covered, Vec::<usize>::new());
    }

    #[test]
    fn empty_or_whitespace_answer_covers_nothing() {
        let matcher = KeyPointMatcher::new(&[kp("a", &["gil"]), kp("b", &["lock"])]);
        for answer in ["", "   ", "\n\t ", "\u{200b}\u{feff}", "...!?"] {
            let c = matcher.coverage(answer);
            assert!(c.covered.is_empty(), "{answer:?}");
            assert_eq!(c.missed, vec![0, 1]);
            assert_eq!(points(&c), ANSWER_POINTS);
        }
    }

    #[test]
    fn phrasing_without_tokens_never_matches() {
        let matcher = KeyPointMatcher::new(&[kp("empty", &["", "  ", "()", "\u{200b}"])]);
        for answer in ["", "()", "anything at all", "\u{200b}"] {
            assert_eq!(matcher.coverage(answer).missed, vec![0], "{answer:?}");
        }
        let none = KeyPointMatcher::new(&[kp("no phrasings", &[])]);
        assert_eq!(none.coverage("no phrasings").missed, vec![0]);
    }

    #[test]
    fn any_phrasing_covers_its_key_point() {
        let matcher = KeyPointMatcher::new(&[kp(
            "gil",
            &[
                "global interpreter lock",
                "GIL",
                "only one thread runs bytecode",
            ],
        )]);
        assert_eq!(matcher.coverage("the gil").covered, vec![0]);
        assert_eq!(matcher.coverage("Global Interpreter Lock").covered, vec![0]);
        assert_eq!(matcher.coverage("global lock").missed, vec![0]);
    }

    #[test]
    fn coverage_indices_are_ascending_and_partition_the_key_points() {
        let matcher = KeyPointMatcher::new(&[
            kp("a", &["alpha"]),
            kp("b", &["beta"]),
            kp("c", &["gamma"]),
            kp("d", &["delta"]),
            kp("e", &["epsilon"]),
        ]);
        let c = matcher.coverage("epsilon delta and then alpha");
        assert_eq!(c.covered, vec![0, 3, 4]);
        assert_eq!(c.missed, vec![1, 2]);
        assert_eq!(c.total(), 5);
    }

    #[test]
    fn shared_words_between_key_points_count_for_each() {
        let matcher = KeyPointMatcher::new(&[kp("a", &["thread pool"]), kp("b", &["pool"])]);
        assert_eq!(matcher.coverage("a pool").covered, vec![1]);
        assert_eq!(matcher.coverage("thread pools").covered, vec![0, 1]);
    }

    #[test]
    fn no_key_points_scores_answer_points_and_zero_ratio() {
        let matcher = KeyPointMatcher::new(&[]);
        let c = matcher.coverage("anything");
        assert_eq!(c, Coverage::default());
        assert_eq!(c.total(), 0);
        assert_eq!(c.ratio(), 0.0);
        assert_eq!(points(&c), 10);
        assert_eq!(percent(&c), 0);
    }

    #[test]
    fn points_for_three_key_points() {
        let expected = [10, 17, 23, 30];
        for (covered, want) in expected.into_iter().enumerate() {
            assert_eq!(points(&coverage_of(covered, 3)), want, "{covered}/3");
        }
    }

    #[test]
    fn points_for_six_key_points() {
        let expected = [10, 13, 17, 20, 23, 27, 30];
        for (covered, want) in expected.into_iter().enumerate() {
            assert_eq!(points(&coverage_of(covered, 6)), want, "{covered}/6");
        }
    }

    #[test]
    fn points_round_halves_up() {
        // 20 * 1 / 8 = 2.5 -> 3; 20 * 3 / 8 = 7.5 -> 8
        assert_eq!(points(&coverage_of(1, 8)), 13);
        assert_eq!(points(&coverage_of(3, 8)), 18);
        // 20 * 1 / 40 = 0.5 -> 1
        assert_eq!(points(&coverage_of(1, 40)), 11);
    }

    #[test]
    fn percent_and_ratio() {
        let expected = [0, 33, 67, 100];
        for (covered, want) in expected.into_iter().enumerate() {
            assert_eq!(percent(&coverage_of(covered, 3)), want, "{covered}/3");
        }
        assert_eq!(percent(&coverage_of(1, 8)), 13); // 12.5 -> 13
        assert_eq!(coverage_of(1, 4).ratio(), 0.25);
        assert_eq!(coverage_of(4, 4).ratio(), 1.0);
    }

    #[test]
    fn matcher_is_reusable_across_answers() {
        let matcher = KeyPointMatcher::new(&[kp("a", &["yield"]), kp("b", &["lazy"])]);
        assert_eq!(matcher.coverage("yield").covered, vec![0]);
        assert_eq!(matcher.coverage("lazy").covered, vec![1]);
        assert_eq!(matcher.coverage("lazy yield").covered, vec![0, 1]);
        assert!(format!("{matcher:?}").contains("key_points: 2"));
    }

    #[test]
    fn model_answers_cover_at_least_half_their_key_points() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("questions");
        let corpus = match CorpusSource::Dir(dir).load() {
            Ok(corpus) => corpus,
            Err(err) => panic!("the corpus does not load: {err}"),
        };
        let mut failures = Vec::new();
        for question in corpus.questions() {
            let c = KeyPointMatcher::new(&question.key_points).coverage(&question.answer);
            if c.covered.len() * 2 < c.total() {
                let missed: Vec<&str> = c
                    .missed
                    .iter()
                    .filter_map(|&i| question.key_points.get(i))
                    .map(|kp| kp.label.as_str())
                    .collect();
                failures.push(format!(
                    "{} ({}/{}), missed: {}",
                    question.id.as_str(),
                    c.covered.len(),
                    c.total(),
                    missed.join("; ")
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "model answers covering under half their key points:\n{}",
            failures.join("\n")
        );
    }
}
