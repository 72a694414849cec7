//! Checks on a loaded corpus that concern its quality rather than its format: two questions that
//! read alike, and model answers too long for a reveal. Loading does not run them (a corpus with
//! them still works, and a large corpus loads at every start); `corpus check` and the test suite do.

use std::collections::{HashMap, HashSet};

use super::problem::Problem;
use super::types::Question;
use crate::message_split::{MESSAGE_LIMIT, model_answer, split_markdown};

/// Words per shingle: pairs of question texts are compared on their runs of three words, so a
/// shared opening such as "how do you" weighs little against what the questions ask.
pub const SHINGLE_WORDS: usize = 3;
/// Jaccard similarity of two questions' shingles from which they count as near-duplicates.
pub const NEAR_DUPLICATE: f64 = 0.5;
/// The most messages a reveal may take: more buries the channel and the discussion under it.
pub const MAX_ANSWER_MESSAGES: usize = 3;

/// Every quality problem of the corpus, at the line to fix.
pub fn review(questions: &[Question]) -> Vec<Problem> {
    let mut problems = near_duplicates(questions);
    for q in questions {
        let parts = split_markdown(&model_answer(&q.answer, &q.follow_ups), MESSAGE_LIMIT).len();
        if parts > MAX_ANSWER_MESSAGES {
            problems.push(Problem::new(
                &q.source,
                q.question_line,
                format!(
                    "the model answer takes {parts} Discord messages; the limit is {MAX_ANSWER_MESSAGES}: shorten it"
                ),
            ));
        }
    }
    problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    problems
}

/// The question text's word shingles: lowercased runs of letters, digits, `_` and `+`.
fn shingles(text: &str) -> HashSet<String> {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '+'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() < SHINGLE_WORDS {
        return std::iter::once(words.join(" ")).collect();
    }
    words.windows(SHINGLE_WORDS).map(|w| w.join(" ")).collect()
}

/// Jaccard similarity of two shingle sets.
pub fn similarity(a: &str, b: &str) -> f64 {
    jaccard(&shingles(a), &shingles(b))
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let shared = a.intersection(b).count();
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// Pairs of questions whose texts are near-duplicates, unless one is declared a follow-up of the
/// other. Candidates come from a prefix filter (each set's rarest shingles, enough that a pair
/// above the threshold must share one), so a large corpus is not compared pair by pair.
fn near_duplicates(questions: &[Question]) -> Vec<Problem> {
    let sets: Vec<HashSet<String>> = questions.iter().map(|q| shingles(&q.question)).collect();
    let mut frequency: HashMap<&str, usize> = HashMap::new();
    for set in &sets {
        for s in set {
            *frequency.entry(s).or_insert(0) += 1;
        }
    }
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut candidates: HashSet<(usize, usize)> = HashSet::new();
    for (i, set) in sets.iter().enumerate() {
        let mut ordered: Vec<&str> = set.iter().map(String::as_str).collect();
        ordered.sort_by_key(|s| (frequency[s], *s));
        let keep = set.len() - (NEAR_DUPLICATE * set.len() as f64).ceil() as usize + 1;
        for s in ordered.into_iter().take(keep) {
            let seen = index.entry(s).or_default();
            candidates.extend(seen.iter().map(|&j| (j, i)));
            seen.push(i);
        }
    }
    let mut candidates: Vec<(usize, usize)> = candidates.into_iter().collect();
    candidates.sort_unstable();
    let builds_on = |a: &Question, b: &Question| a.follow_up_of.as_ref() == Some(&b.id);
    candidates
        .into_iter()
        .filter_map(|(j, i)| {
            let (earlier, later) = (&questions[j], &questions[i]);
            let score = jaccard(&sets[j], &sets[i]);
            if score < NEAR_DUPLICATE || builds_on(later, earlier) || builds_on(earlier, later) {
                return None;
            }
            Some(Problem::new(
                &later.source,
                later.question_line,
                format!(
                    "the question reads like {:?} ({}:{}), similarity {score:.2}: ask something else, phrase it distinctly, or mark it `follow_up_of = {:?}`",
                    earlier.id.as_str(),
                    earlier.source,
                    earlier.question_line,
                    earlier.id.as_str()
                ),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewording_is_similar_and_a_new_question_is_not() {
        let a = "What is the N+1 problem in Django's ORM, and how do you fix it?";
        let reworded = "What is the N+1 problem in Django's ORM and how can you fix it?";
        let other = "How do you run a data migration in Django without downtime?";
        assert!(similarity(a, reworded) >= NEAR_DUPLICATE);
        assert!(similarity(a, other) < 0.1);
        assert_eq!(similarity(a, a), 1.0);
    }

    #[test]
    fn short_texts_compare_whole() {
        assert_eq!(similarity("Why?", "why"), 1.0);
        assert_eq!(similarity("Why?", "How?"), 0.0);
    }
}
