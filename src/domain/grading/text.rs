//! An answer as the grader reads it: words (lowercased, stemmed, dunder names kept whole), the
//! phrase each word is in, and which words negate what follows them.
//!
//! A phrase ends at a comma (unless a relative clause follows: ", which"), a sentence's end, a
//! semicolon, a line break, and before a contrast word ("but", "while", "whereas", "unlike"): what
//! is said of a subject within one phrase is said of it, and a "not" does not reach across a
//! comma. A colon does not end one: "select_related: one JOIN" says what select_related does.

use std::cell::RefCell;
use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};

use super::unicode::{fold_final_sigma, is_invisible};

/// One word of an answer or a phrasing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// The English stem of the lowercased word; a dunder name (`__init__`) is kept as written.
    pub stem: String,
    /// Byte offset of the word in the text, to place a pattern's match among the words.
    pub start: usize,
    /// Which phrase holds the word, counted from 0.
    pub phrase: u32,
    /// The word negates what follows it in its phrase: "not", "never", "without", "doesn't".
    pub negates: bool,
    /// The word continues the one before it in a snake_case identifier (`view` in `as_view`): a
    /// synonym may not start inside an identifier or cut one short. (A dotted name's last part,
    /// `errorhandler` in `app.errorhandler`, is a name of its own.)
    pub joined: bool,
    /// The word denies what was just said of a subject: "not", "n't", "no" ("... is not a fix",
    /// "... isn't true"), unlike "never" or "avoid", which start a clause of their own.
    pub denies: bool,
    /// A function word ("the", "is", "because"): prose has many, a bare list of terms almost none.
    pub function: bool,
    /// Which sentence holds the word: like phrases, but commas and contrast words do not end one.
    pub sentence: u32,
    /// The word judges what it is said of as wrong ("dangerous", "insecure"): a claim called
    /// dangerous is not a claim endorsed.
    pub disapproves: bool,
    /// The word refutes whatever claim follows in its sentence ("a common mistake is to think
    /// ...", "it is a myth that ...").
    pub refutes: bool,
    /// The word judges what was said before it in its sentence as wrong ("..., but that is wrong").
    pub refutes_back: bool,
}

/// Words that start a new phrase, because what follows them is said of something else.
const CONTRAST: &[&str] = &[
    "but", "while", "whilst", "whereas", "however", "although", "though", "unlike", "versus", "vs",
];

/// Words that negate what follows them (more cases are decided in [`negates`]).
const NEGATIONS: &[&str] = &[
    "not",
    "no",
    "never",
    "without",
    "nor",
    "neither",
    "cannot",
    "nothing",
    "avoid",
    "avoids",
    "avoided",
    "avoiding",
    "myth",
    "misconception",
    "mistake",
    "mistaken",
    "incorrect",
    "incorrectly",
    "wrongly",
    "nobody",
    "falsely",
    "non",
    "assume",
    "assumes",
    "assumed",
    "contrary",
    "assuming",
];

/// Words that start a relative clause after a comma: the clause still speaks of what came before
/// ("plain def routes, which run in a threadpool"), so the comma does not end the phrase.
const RELATIVES: &[&str] = &["which", "who", "whose", "where"];

/// Words that judge a practice or claim as wrong when said of it.
const DISAPPROVALS: &[&str] = &[
    "dangerous",
    "unsafe",
    "insecure",
    "risky",
    "wrong",
    "bad",
    "broken",
    "vulnerable",
    "forbidden",
    "disallowed",
    "rejected",
    "refused",
    "refuses",
    "harmful",
    "pitfall",
    "footgun",
    "antipattern",
    "anti",
    "outdated",
    "simplification",
    "oversimplification",
    "backwards",
    "misleading",
];

/// Words that refute a claim anywhere after them in their sentence.
const REFUTATIONS: &[&str] = &[
    "myth",
    "misconception",
    "mistake",
    "mistaken",
    "incorrect",
    "incorrectly",
    "wrongly",
    "falsely",
    "contrary",
    "misunderstanding",
    "misbelief",
];

/// Words that point back at what was just said ("that is wrong", "this is a myth").
const BACK_REFERENCES: &[&str] = &["that", "this", "which", "it", "s"];

/// English function words: articles, auxiliaries, pronouns, prepositions and conjunctions.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "am", "to", "of", "in",
    "on", "at", "for", "with", "by", "from", "into", "onto", "over", "under", "about", "as",
    "that", "this", "these", "those", "it", "its", "they", "them", "their", "you", "your", "we",
    "our", "i", "he", "she", "his", "her", "and", "or", "but", "if", "when", "then", "than", "so",
    "because", "since", "which", "who", "whom", "what", "how", "where", "why", "do", "does", "did",
    "can", "could", "will", "would", "should", "may", "might", "must", "has", "have", "had", "not",
    "no", "there", "here", "each", "every", "any", "all", "some", "one", "only", "also", "just",
    "until", "unless", "while", "after", "before", "per", "via", "between", "through", "up", "out",
    "off", "again", "too", "very", "s", "t", "don", "doesn", "isn", "aren", "get", "gets", "lets",
    "let", "make", "makes", "like", "more", "most", "other", "same", "such", "own", "both",
    "either", "once", "whether", "instead", "rather", "without", "within", "against",
];

/// Turns text into [`Word`]s with one stemmer, created once per grader.
pub(crate) struct Reader {
    stemmer: Stemmer,
    lexicon: HashMap<&'static str, u8>,
    stems: RefCell<HashMap<String, String>>,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reader")
    }
}

impl Default for Reader {
    fn default() -> Reader {
        Reader {
            stemmer: Stemmer::create(Algorithm::English),
            lexicon: lexicon(),
            stems: RefCell::new(HashMap::new()),
        }
    }
}

/// A word as cut from the text, before stemming.
struct Raw {
    lower: String,
    start: usize,
    phrase: u32,
    sentence: u32,
    /// The word is the first after a comma.
    after_comma: bool,
    /// The word is code: joined to another by `_` or `.` (`before_request`, `cache.get`), or
    /// called (`get()`).
    identifier: bool,
    /// Joined to the word before it by `_`.
    joined: bool,
    dunder: bool,
}

/// What a word of the lists above is, as bits, so each word is looked up once.
const IS_CONTRAST: u8 = 1;
const IS_RELATIVE: u8 = 2;
const IS_FUNCTION: u8 = 4;
const IS_DISAPPROVAL: u8 = 8;
const IS_REFUTATION: u8 = 16;
const IS_BACK_REFERENCE: u8 = 32;
const IS_NEGATION: u8 = 64;

/// Every listed word with its kinds.
fn lexicon() -> HashMap<&'static str, u8> {
    let mut lexicon: HashMap<&'static str, u8> = HashMap::new();
    for (words, kind) in [
        (CONTRAST, IS_CONTRAST),
        (RELATIVES, IS_RELATIVE),
        (FUNCTION_WORDS, IS_FUNCTION),
        (DISAPPROVALS, IS_DISAPPROVAL),
        (REFUTATIONS, IS_REFUTATION),
        (BACK_REFERENCES, IS_BACK_REFERENCE),
        (NEGATIONS, IS_NEGATION),
    ] {
        for word in words {
            *lexicon.entry(word).or_default() |= kind;
        }
    }
    lexicon
}

/// Stems remembered per reader: members reuse the same words, and stemming is most of the cost
/// of reading an answer. Bounded, so a flood of unique words cannot grow it without end.
const STEM_CACHE_LIMIT: usize = 20_000;

impl Reader {
    fn stem(&self, lower: &str) -> String {
        let mut cache = self.stems.borrow_mut();
        if let Some(stem) = cache.get(lower) {
            return stem.clone();
        }
        let stem = self.stemmer.stem(lower).into_owned();
        if cache.len() >= STEM_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(lower.to_owned(), stem.clone());
        stem
    }

    pub fn words(&self, text: &str) -> Vec<Word> {
        let raw = cut(text);
        let kinds: Vec<u8> = raw
            .iter()
            .map(|w| self.lexicon.get(w.lower.as_str()).copied().unwrap_or(0))
            .collect();
        let is = |i: usize, kind: u8| kinds[i] & kind != 0;
        let mut words: Vec<Word> = Vec::with_capacity(raw.len());
        // Phrase numbers are compared, never counted, so shifting them keeps them distinct.
        let mut shift: i64 = 0;
        for (i, w) in raw.iter().enumerate() {
            if i > 0 && is(i, IS_CONTRAST) {
                shift += 1;
            }
            if w.after_comma && is(i, IS_RELATIVE) {
                shift -= 1;
            }
            words.push(Word {
                stem: if w.dunder {
                    w.lower.clone()
                } else {
                    self.stem(&w.lower)
                },
                start: w.start,
                phrase: u32::try_from(i64::from(w.phrase) + shift).unwrap_or(0),
                negates: negates(&raw, i, is(i, IS_NEGATION)),
                joined: w.joined,
                denies: matches!(w.lower.as_str(), "not" | "no")
                    || (w.lower == "t" && i > 0 && raw[i - 1].lower.ends_with('n')),
                // A word of code (`before_request`, `cache.get()`) is not prose.
                function: !w.identifier && is(i, IS_FUNCTION),
                sentence: w.sentence,
                // "... is a myth" judges the claim before it as "... is wrong" does.
                disapproves: is(i, IS_DISAPPROVAL | IS_REFUTATION),
                refutes: is(i, IS_REFUTATION),
                refutes_back: is(i, IS_DISAPPROVAL | IS_REFUTATION)
                    && (i.saturating_sub(3)..i).any(|b| is(b, IS_BACK_REFERENCE)),
            });
        }
        words
    }

    /// The stems of `text`, for phrasings.
    pub fn stems(&self, text: &str) -> Vec<String> {
        self.words(text).into_iter().map(|w| w.stem).collect()
    }
}

/// How far "not only" looks for the "but also" that makes it additive.
const NOT_ONLY_REACH: usize = 10;

/// Abbreviations whose dot does not end a sentence ("e.g." is cut as "e", "g").
const ABBREVIATIONS: &[&str] = &["etc", "vs", "cf", "approx", "incl", "esp", "eg", "ie"];

/// Whether `raw[i]` negates what follows, given its neighbours: "instead of", "rather than" and
/// a contraction's "n't" do; "not only ... but also" does not.
fn negates(raw: &[Raw], i: usize, listed: bool) -> bool {
    let word = raw[i].lower.as_str();
    let next = raw.get(i + 1).map(|n| n.lower.as_str());
    let previous = i.checked_sub(1).map(|p| raw[p].lower.as_str());
    match word {
        // "not only X but also Y" adds; "is not only for small apps" denies.
        "not" if matches!(next, Some("only" | "just" | "merely")) => !raw
            .iter()
            .skip(i + 2)
            .take(NOT_ONLY_REACH)
            .any(|w| matches!(w.lower.as_str(), "but" | "also")),
        "instead" => next == Some("of"),
        "rather" => next == Some("than"),
        "t" => previous.is_some_and(|p| p.ends_with('n')),
        _ => listed,
    }
}

/// Cuts text into lowercase words and phrase numbers.
fn cut(text: &str) -> Vec<Raw> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let word_char = |i: usize| {
        chars
            .get(i)
            .is_some_and(|(_, c)| c.is_alphanumeric() || *c == '_')
    };
    let mut out = Vec::new();
    let mut word = String::new();
    let mut start = 0;
    let (mut phrase, mut sentence) = (0, 0);
    let mut after_comma = false;
    // Commas inside parentheses list what the phrase is about: "batteries included (ORM, admin)".
    let mut depth = 0u32;
    let char_at = |i: usize| chars.get(i).map(|(_, c)| *c);
    let alnum_at = |i: usize| char_at(i).is_some_and(char::is_alphanumeric);
    // Joined to a neighbour by `_` or `.` (`before_request`, `cache.get`), or called (`get()`).
    let code_before = |i: usize| {
        i > 0
            && (char_at(i - 1) == Some('_')
                || (char_at(i - 1) == Some('.') && i > 1 && alnum_at(i - 2)))
    };
    let code_after = |i: usize| {
        matches!(char_at(i), Some('_' | '(')) || (char_at(i) == Some('.') && alnum_at(i + 1))
    };
    let flush = |word: &mut String,
                 start: (usize, usize),
                 at: (u32, u32),
                 after_comma: &mut bool,
                 end: usize,
                 out: &mut Vec<Raw>| {
        if !word.is_empty() {
            out.push(Raw {
                lower: std::mem::take(word),
                start: start.0,
                phrase: at.0,
                sentence: at.1,
                after_comma: std::mem::take(after_comma),
                identifier: code_before(start.1) || code_after(end),
                joined: start.1 > 0 && char_at(start.1 - 1) == Some('_'),
                dunder: false,
            });
        }
    };
    let mut start_index = 0;
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if is_invisible(c) {
            i += 1;
            continue;
        }
        if c == '_' && word.is_empty() && !(i > 0 && word_char(i - 1)) {
            if let Some((name, end)) = dunder(&chars, i) {
                out.push(Raw {
                    lower: name,
                    start: at,
                    phrase,
                    sentence,
                    after_comma: std::mem::take(&mut after_comma),
                    identifier: false,
                    joined: false,
                    dunder: true,
                });
                i = end;
                continue;
            }
        }
        if c.is_alphanumeric() {
            if word.is_empty() {
                start = at;
                start_index = i;
            }
            word.extend(
                c.to_lowercase()
                    .filter(|&l| !is_invisible(l))
                    .map(fold_final_sigma),
            );
            i += 1;
            continue;
        }
        flush(
            &mut word,
            (start, start_index),
            (phrase, sentence),
            &mut after_comma,
            i,
            &mut out,
        );
        let next_is_space = chars.get(i + 1).is_none_or(|(_, n)| n.is_whitespace());
        match c {
            '.' if next_is_space && abbreviated(&out) => {}
            '.' | '!' | '?' if next_is_space => {
                phrase += 1;
                sentence += 1;
            }
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth > 0 => {}
            ';' | '\n' => {
                phrase += 1;
                sentence += 1;
            }
            ',' => {
                phrase += 1;
                after_comma = true;
            }
            _ => {}
        }
        i += 1;
    }
    flush(
        &mut word,
        (start, start_index),
        (phrase, sentence),
        &mut after_comma,
        chars.len(),
        &mut out,
    );
    out
}

/// Whether the words cut so far end in an abbreviation, whose dot ends no sentence.
fn abbreviated(out: &[Raw]) -> bool {
    let last = |k: usize| {
        out.len()
            .checked_sub(k)
            .and_then(|i| out.get(i))
            .map(|w| w.lower.as_str())
    };
    match (last(2), last(1)) {
        (Some("e"), Some("g")) | (Some("i"), Some("e")) => true,
        (_, Some(word)) => ABBREVIATIONS.contains(&word),
        _ => false,
    }
}

/// A dunder name starting at `i` (`__init__`, `__all__`): the lowercased name with its
/// underscores and the index after it, when the text there is one.
fn dunder(chars: &[(usize, char)], i: usize) -> Option<(String, usize)> {
    let is = |j: usize, want: char| chars.get(j).is_some_and(|(_, c)| *c == want);
    if !is(i + 1, '_') {
        return None;
    }
    let mut j = i + 2;
    let mut name = String::from("__");
    while let Some(&(_, c)) = chars.get(j) {
        if c.is_alphanumeric() || (c == '_' && !is(j + 1, '_')) {
            name.extend(c.to_lowercase());
            j += 1;
        } else {
            break;
        }
    }
    let closes = name.len() > 2 && is(j, '_') && is(j + 1, '_');
    let after = chars
        .get(j + 2)
        .is_none_or(|(_, c)| !(c.is_alphanumeric() || *c == '_'));
    (closes && after).then(|| (name + "__", j + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        Reader::default().stems(text)
    }

    #[test]
    fn tokens_are_lowercased_split_on_punctuation_and_stemmed() {
        assert_eq!(stems("Select_Related()"), ["select", "relat"]);
        assert_eq!(stems("select-related"), stems("select related"));
        assert_eq!(stems("caching cached caches"), ["cach", "cach", "cach"]);
        assert_eq!(stems("generators"), stems("generator"));
        assert_eq!(stems("HTTP2"), ["http2"]);
        assert_eq!(stems("Python 3.12"), ["python", "3", "12"]);
    }

    #[test]
    fn dunder_names_stay_whole_and_unstemmed() {
        assert_eq!(stems("__all__"), ["__all__"]);
        assert_eq!(stems("obj.__copy__()"), ["obj", "__copy__"]);
        assert_eq!(
            stems("__init_subclass__ hook"),
            ["__init_subclass__", "hook"]
        );
        assert_ne!(stems("__name__"), stems("name"));
        // Not dunders: a private name, an unclosed one, and a plain snake_case word.
        assert_eq!(stems("_private"), ["privat"]);
        assert_eq!(stems("__half"), ["half"]);
        assert_eq!(stems("a__b__"), ["a", "b"]);
    }

    #[test]
    fn invisible_characters_do_not_split_words() {
        assert_eq!(stems("gen\u{200b}erator"), stems("generator"));
        assert_eq!(stems("cafe\u{301}"), ["cafe"]);
    }

    #[test]
    fn phrases_end_at_commas_sentences_and_contrast_words() {
        let words = Reader::default()
            .words("select_related joins, prefetch_related queries. e.g. x while y; z: w\nv f.x");
        let phrases: Vec<(String, u32)> = words.into_iter().map(|w| (w.stem, w.phrase)).collect();
        let at = |stem: &str| phrases.iter().find(|(s, _)| s == stem).map(|(_, p)| *p);
        assert_eq!(at("select"), at("join"));
        assert_ne!(at("join"), at("prefetch"));
        assert_ne!(at("queri"), at("e"));
        assert_ne!(at("x"), at("y"), "a contrast word starts a phrase");
        assert_ne!(at("y"), at("z"));
        assert_ne!(at("w"), at("v"));
        assert_eq!(
            at("f"),
            at("v"),
            "a dot inside a name is not a sentence end"
        );
    }

    #[test]
    fn a_relative_clause_and_a_colon_continue_the_phrase() {
        let words = Reader::default().words("def routes, which run in a pool: fast, so good");
        let phrase = |stem: &str| words.iter().find(|w| w.stem == stem).map(|w| w.phrase);
        assert_eq!(phrase("def"), phrase("pool"));
        assert_eq!(phrase("pool"), phrase("fast"));
        assert_ne!(phrase("fast"), phrase("good"));
        assert!(words.iter().all(|w| w.sentence == 0));
    }

    #[test]
    fn abbreviations_and_parenthesised_lists_do_not_end_a_phrase() {
        let words = Reader::default().words(
            "after_request (e.g. to add headers) runs, etc. then Django (ORM, admin) ships. x",
        );
        let phrase = |stem: &str| words.iter().find(|w| w.stem == stem).map(|w| w.phrase);
        assert_eq!(phrase("after"), phrase("header"));
        assert_eq!(phrase("header"), phrase("run"));
        assert_eq!(phrase("django"), phrase("admin"));
        assert_eq!(phrase("admin"), phrase("ship"));
        assert_ne!(phrase("ship"), phrase("x"));
    }

    #[test]
    fn words_of_code_are_not_function_words() {
        let words = Reader::default()
            .words("before_request and after_request, or the cache.get() get_or_set");
        let function: Vec<bool> = words.iter().map(|w| w.function).collect();
        assert_eq!(
            function,
            [
                false, false, true, false, false, true, true, false, false, false, false, false
            ]
        );
    }

    #[test]
    fn refutations_reach_forward_and_back_references_reach_back() {
        let words = Reader::default().words("A common mistake is to think so, but that's wrong.");
        let flagged: Vec<(&str, bool, bool)> = words
            .iter()
            .filter(|w| w.refutes || w.refutes_back)
            .map(|w| (w.stem.as_str(), w.refutes, w.refutes_back))
            .collect();
        assert_eq!(flagged, [("mistak", true, false), ("wrong", false, true)]);
    }

    #[test]
    fn negation_cues_and_their_exceptions() {
        let cues = |text: &str| -> Vec<String> {
            Reader::default()
                .words(text)
                .into_iter()
                .filter(|w| w.negates)
                .map(|w| w.stem)
                .collect()
        };
        assert_eq!(cues("it doesn't release the GIL"), ["t"]);
        assert_eq!(cues("it doesn\u{2019}t"), ["t"]);
        assert_eq!(
            cues("never, without, instead of, rather than"),
            ["never", "without", "instead", "rather"]
        );
        assert!(cues("not only fast but also safe").is_empty());
        assert!(cues("instead, rather good, t").is_empty());
        assert_eq!(cues("non-blocking I/O"), ["non"]);
        assert_eq!(cues("Flask is not only for small apps"), ["not"]);
        assert!(cues("not only fast, it is also safe").is_empty());
        assert_eq!(cues("people often assume it is built in"), ["assum"]);
    }
}
