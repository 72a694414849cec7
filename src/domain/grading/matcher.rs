//! Finding a rubric's phrasings in an answer: a run of consecutive words, or a binding whose parts
//! stand in one phrase; either one counts only when no negation governs it.
//!
//! Phrasings and answers arrive as word ids ([`super::vocabulary`]), so matching compares
//! integers.

use crate::corpus::MAX_BINDING_PARTS;

use super::vocabulary::{Answer, Phrase, Token, UNKNOWN};

/// How many words before a match a negation still governs it ("does not actually release").
pub(crate) const NEGATION_REACH: usize = 4;
/// How many words before a pattern's match (code, whose commas do not end a thought) a negation
/// in the same sentence still governs it: "never call add_middleware(CORSMiddleware, ...".
pub(crate) const PATTERN_NEGATION_REACH: usize = 8;
/// How many words after a claim a disapproving word still judges it: "`*` origins with
/// credentials are dangerous".
pub(crate) const DISAPPROVAL_REACH: usize = 6;
/// How many words after a claim a negation still denies it: "calling gc.collect() is not a fix".
pub(crate) const DENIAL_REACH: usize = 3;
/// The most words a binding's parts may span, first word to last: further apart, they are not
/// one statement.
pub(crate) const BINDING_SPAN: usize = 12;

/// Where `run` occurs in `tokens` as consecutive words of one phrase, by starting index.
fn occurrences<'a>(tokens: &'a Answer, run: &'a [u32]) -> impl Iterator<Item = usize> + 'a {
    let first = run.first().copied().filter(|_| !run.contains(&UNKNOWN));
    first
        .into_iter()
        .flat_map(|id| tokens.places(id))
        .filter(move |&i| {
            tokens.get(i..i + run.len()).is_some_and(|w| {
                w.iter().map(|t| t.id).eq(run.iter().copied())
                    && w.iter().all(|t| t.phrase == w[0].phrase)
            })
        })
}

/// Whether a negation in the phrase of `tokens[first]` governs the words `first..end`: a cue up
/// to [`NEGATION_REACH`] words before them, or between them, that is not one of the matched words
/// (`own`) itself.
fn negated(tokens: &[Token], first: usize, end: usize, own: &[(usize, usize)]) -> bool {
    let phrase = tokens[first].phrase;
    (first.saturating_sub(NEGATION_REACH)..end).any(|i| {
        let t = tokens[i];
        t.negates && t.phrase == phrase && !own.iter().any(|(s, e)| (*s..*e).contains(&i))
    })
}

/// Whether `phrase` is stated in `tokens`, not negated.
pub(crate) fn states(tokens: &Answer, phrase: &Phrase) -> bool {
    found(tokens, phrase, |first, end, own| {
        !negated(tokens, first, end, own)
    })
}

/// Whether a wrong claim is stated: not negated, and not judged wrong in its phrase ("is
/// dangerous", "an anti-pattern"), which a right answer says of the claim it warns against.
pub(crate) fn claims(tokens: &Answer, phrase: &Phrase) -> bool {
    found(tokens, phrase, |first, end, own| {
        !negated(tokens, first, end, own) && !disapproved(tokens, first, end)
    })
}

/// Whether the words `first..end` are judged wrong: in their phrase, a disapproving word up to
/// [`NEGATION_REACH`] words before them or [`DISAPPROVAL_REACH`] after, or a negation up to
/// [`DENIAL_REACH`] words after ("... is not a fix"); in their sentence, a refutation before
/// them ("a common mistake is to think ...") or a judgement of what was said after them ("...,
/// but that is wrong").
fn disapproved(tokens: &[Token], first: usize, end: usize) -> bool {
    let (phrase, sentence) = (tokens[first].phrase, tokens[first].sentence);
    let within = |i: usize| tokens[i].phrase == phrase;
    let last = (end + DISAPPROVAL_REACH).min(tokens.len());
    (first.saturating_sub(NEGATION_REACH)..last).any(|i| tokens[i].disapproves && within(i))
        || (end..(end + DENIAL_REACH).min(tokens.len())).any(|i| tokens[i].denies && within(i))
        || tokens[..first]
            .iter()
            .rev()
            .take_while(|t| t.sentence == sentence)
            .any(|t| t.refutes)
        || tokens[end..]
            .iter()
            .take_while(|t| t.sentence == sentence)
            .any(|t| t.refutes_back)
}

/// Whether `phrase` occurs in `tokens` at words `first..end` (its own words `own`) that `accept`
/// takes.
fn found(
    tokens: &Answer,
    phrase: &Phrase,
    accept: impl Fn(usize, usize, &[(usize, usize)]) -> bool,
) -> bool {
    match phrase {
        Phrase::Run(run) => occurrences(tokens, run).any(|i| {
            let end = i + run.len();
            accept(i, end, &[(i, end)])
        }),
        Phrase::Binding(parts) => binding(tokens, parts, accept),
    }
}

/// Whether every part occurs in one phrase within [`BINDING_SPAN`] words, as `accept` takes it.
fn binding(
    tokens: &Answer,
    parts: &[Vec<u32>],
    accept: impl Fn(usize, usize, &[(usize, usize)]) -> bool,
) -> bool {
    let found: Vec<Vec<(usize, usize)>> = parts
        .iter()
        .map(|run| {
            occurrences(tokens, run)
                .map(|i| (i, i + run.len()))
                .collect()
        })
        .collect();
    if found.len() > MAX_BINDING_PARTS || found.iter().any(Vec::is_empty) {
        return false;
    }
    let mut spans = [(0, 0); MAX_BINDING_PARTS];
    choose(tokens, &found, 0, &mut spans, &accept)
}

/// Chooses an occurrence of part `k` and on, near the occurrence of part 0 and in its phrase;
/// whether some choice is together and accepted. Occurrences are sorted, so the near ones are a
/// slice found by bisection, and a long answer's repeated words cost little.
fn choose(
    tokens: &Answer,
    found: &[Vec<(usize, usize)>],
    k: usize,
    spans: &mut [(usize, usize); MAX_BINDING_PARTS],
    accept: &impl Fn(usize, usize, &[(usize, usize)]) -> bool,
) -> bool {
    let n = found.len();
    if k == n {
        let chosen = &spans[..n];
        let first = chosen.iter().map(|s| s.0).min().unwrap_or(0);
        let end = chosen.iter().map(|s| s.1).max().unwrap_or(0);
        return end - first <= BINDING_SPAN && !overlapping(chosen) && accept(first, end, chosen);
    }
    let candidates: &[(usize, usize)] = if k == 0 {
        &found[0]
    } else {
        let anchor = spans[0].0;
        let (low, high) = (anchor.saturating_sub(BINDING_SPAN), anchor + BINDING_SPAN);
        let from = found[k].partition_point(|s| s.0 < low);
        let to = found[k].partition_point(|s| s.0 <= high);
        &found[k][from..to]
    };
    for &candidate in candidates {
        if k > 0 && tokens[candidate.0].phrase != tokens[spans[0].0].phrase {
            continue;
        }
        spans[k] = candidate;
        if choose(tokens, found, k + 1, spans, accept) {
            return true;
        }
    }
    false
}

fn overlapping(spans: &[(usize, usize)]) -> bool {
    spans
        .iter()
        .enumerate()
        .any(|(i, a)| spans[i + 1..].iter().any(|b| a.0 < b.1 && b.0 < a.1))
}

/// Whether the answer's text at bytes `start..end` (a pattern's match) is negated or judged
/// wrong: a negation up to [`PATTERN_NEGATION_REACH`] words before it in its sentence, or a
/// judgement around it as for a claim (the words inside the match are the claim's own).
pub(crate) fn refuted_at(tokens: &Answer, start: usize, end: usize) -> bool {
    let Some(first) = tokens.iter().position(|t| t.start >= start) else {
        return false;
    };
    let last = tokens
        .iter()
        .position(|t| t.start >= end)
        .unwrap_or(tokens.len())
        .max(first + 1);
    let sentence = tokens[first].sentence;
    (first.saturating_sub(PATTERN_NEGATION_REACH)..first)
        .any(|j| tokens[j].negates && tokens[j].sentence == sentence)
        || disapproved(tokens, first, last)
}

#[cfg(test)]
mod tests {
    use super::super::text::Reader;
    use super::super::vocabulary::Vocabulary;
    use super::*;

    fn states_in(phrasing: &str, answer: &str, synonyms: &[&[&str]]) -> bool {
        let reader = Reader::default();
        let groups: Vec<Vec<String>> = synonyms
            .iter()
            .map(|g| g.iter().map(|s| (*s).to_owned()).collect())
            .collect();
        let mut vocabulary = Vocabulary::new(&reader, &groups);
        let Some(phrase) = vocabulary.phrase(&reader, phrasing) else {
            return false;
        };
        states(&vocabulary.answer(&reader.words(answer)), &phrase)
    }

    fn states(tokens: &Answer, phrase: &Phrase) -> bool {
        super::states(tokens, phrase)
    }

    #[test]
    fn a_run_needs_consecutive_words_in_any_case_and_punctuation() {
        assert!(states_in(
            "select related",
            "use `Queryset.select_related('a')`",
            &[]
        ));
        assert!(states_in(
            "memo dictionary",
            "keep the memo dictionary",
            &[]
        ));
        assert!(!states_in(
            "memo dictionary",
            "a memo and a dictionary",
            &[]
        ));
        assert!(!states_in("memo dictionary", "dictionary memo", &[]));
        assert!(!states_in(
            "is_valid saves",
            "call is_valid(), save() then",
            &[]
        ));
        assert!(states_in("caching", "it caches results", &[]));
    }

    #[test]
    fn a_negation_before_a_run_in_its_phrase_cancels_it() {
        assert!(!states_in(
            "release the gil",
            "it does not release the GIL",
            &[]
        ));
        assert!(!states_in(
            "release the gil",
            "it doesn't actually release the GIL",
            &[]
        ));
        assert!(!states_in(
            "functools wraps",
            "a decorator without functools.wraps",
            &[]
        ));
        assert!(!states_in(
            "thread",
            "use a process instead of a thread",
            &[]
        ));
        assert!(states_in(
            "process",
            "use a process instead of a thread",
            &[]
        ));
        // A comma ends the negation's reach; so do five words in between.
        assert!(states_in(
            "release the gil",
            "not in C, extensions release the GIL",
            &[]
        ));
        assert!(states_in(
            "release the gil",
            "not for pure python loops do extensions release the gil",
            &[]
        ));
        // A negation inside the phrasing is part of what it states.
        assert!(states_in(
            "do not run in parallel",
            "threads do not run in parallel",
            &[]
        ));
        assert!(states_in("fast", "not only fast but also safe", &[]));
    }

    #[test]
    fn a_binding_needs_its_parts_in_one_phrase_not_negated() {
        let p = "select_related & join";
        assert!(states_in(p, "select_related does a SQL JOIN", &[]));
        assert!(states_in(p, "a JOIN is what select_related does", &[]));
        assert!(!states_in(
            p,
            "select_related follows the key, prefetch_related joins in Python",
            &[]
        ));
        assert!(!states_in(p, "select_related never does a JOIN", &[]));
        assert!(!states_in(
            p,
            "use select_related while the join happens elsewhere",
            &[]
        ));
        assert!(!states_in(p, "select_related", &[]));
        let far = "select_related a b c d e f g h i j k l m join";
        assert!(!states_in(p, far, &[]));
    }

    #[test]
    fn a_binding_part_cannot_be_another_parts_words() {
        assert!(!states_in("thread & thread pool", "a thread pool", &[]));
        assert!(states_in(
            "thread & thread pool",
            "each thread of the thread pool",
            &[]
        ));
    }

    #[test]
    fn synonyms_match_each_other_in_phrasings_and_answers() {
        let groups: &[&[&str]] = &[&["foreign key", "fk", "ForeignKey"]];
        assert!(states_in(
            "select_related & foreign key",
            "select_related follows an FK",
            groups
        ));
        assert!(states_in("fk", "a ForeignKey field", groups));
        assert!(states_in("fk", "one foreign key", groups));
        assert!(!states_in("fk", "a key", groups));
        // A synonym never reaches across a comma, nor into or out of an identifier.
        assert!(!states_in("fk", "a foreign, key", groups));
        let views: &[&[&str]] = &[&["view function", "fbv"]];
        assert!(states_in(
            "as_view & function",
            "as_view() is a function",
            views
        ));
        assert!(states_in("as_view & function", "as_view function", views));
        assert!(states_in("fbv", "a plain view function", views));
    }

    #[test]
    fn unknown_words_and_empty_phrasings_never_match() {
        assert!(!states_in("()", "()", &[]));
        let reader = Reader::default();
        let mut vocabulary = Vocabulary::new(&reader, &[]);
        assert_eq!(vocabulary.phrase(&reader, "a & ()"), None);
    }

    #[test]
    fn a_pattern_match_is_negated_by_a_cue_before_it_in_its_sentence() {
        let reader = Reader::default();
        let vocabulary = Vocabulary::new(&reader, &[]);
        let refuted = |text: &str, matched: &str| {
            let answer = vocabulary.answer(&reader.words(text));
            let start = text.find(matched).unwrap_or(0);
            refuted_at(&answer, start, start + matched.len())
        };
        assert!(refuted("never send str(e) to clients. Log it.", "str(e)"));
        assert!(!refuted("Log it. Send str(e) to clients.", "str(e)"));
        assert!(refuted(
            "Never do add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=True)",
            "allow_origins",
        ));
        assert!(refuted(
            "allow_origins=['*'] with credentials is dangerous",
            "allow_origins=['*']",
        ));
        // A negation inside the matched code is the claim's own, not a denial of it.
        assert!(!refuted("    if not v:\n        return", "if not v:"));
    }

    #[test]
    fn a_claim_judged_wrong_in_its_phrase_is_not_claimed() {
        let reader = Reader::default();
        let mut vocabulary = Vocabulary::new(&reader, &[]);
        let phrase = vocabulary
            .phrase(&reader, "wildcard & credentials")
            .unwrap_or(Phrase::Run(Vec::new()));
        let claimed = |text: &str| claims(&vocabulary.answer(&reader.words(text)), &phrase);
        assert!(claimed("a wildcard origin with credentials is fine"));
        assert!(!claimed("a wildcard origin with credentials is dangerous"));
        assert!(!claimed(
            "it is insecure to allow a wildcard with credentials"
        ));
        assert!(!claimed(
            "a wildcard with credentials works, and that is a bad idea"
        ));
        assert!(!claimed("a wildcard with credentials is not allowed"));
        assert!(claimed(
            "a wildcard with credentials works since you never check"
        ));
        assert!(claimed(
            "a wildcard with credentials works fine and is not a problem at all"
        ));
        assert!(!claimed(
            "a common mistake is to think a wildcard with credentials works"
        ));
        assert!(!claimed(
            "people say a wildcard with credentials works, but that's wrong"
        ));
        assert!(claimed(
            "a wildcard with credentials works. That's wrong for other reasons"
        ));
    }
}
