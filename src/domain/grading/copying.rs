//! An answer that repeats the model answer's wording. Members can read earlier model answers
//! (`/past`, the channel, a practice quiz), so when a question comes round again an answer can be
//! pasted: it would state every key point and measure nothing the member knows. Runs of five words
//! are what copying leaves behind; people who know a topic phrase it their own way.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Words per run compared with the model answer.
pub const COPY_RUN_WORDS: usize = 5;
/// The share (percent) of an answer's five-word runs found in the model answer from which it is
/// a copy.
pub const COPY_SHARE: u32 = 50;
/// Answers with fewer runs than this (under a dozen words) are never judged copies: a short
/// answer shares runs with the model answer by chance.
pub const COPY_MIN_RUNS: usize = 8;

/// A model answer's five-word runs, hashed.
#[derive(Debug, Default)]
pub struct ModelRuns {
    runs: HashSet<u64>,
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn runs(words: &[String]) -> impl Iterator<Item = u64> + '_ {
    words.windows(COPY_RUN_WORDS).map(|run| {
        let mut hasher = DefaultHasher::new();
        run.hash(&mut hasher);
        hasher.finish()
    })
}

impl ModelRuns {
    pub fn new(model_answer: &str) -> ModelRuns {
        ModelRuns {
            runs: runs(&words(model_answer)).collect(),
        }
    }

    /// The share (percent) of the answer's five-word runs that the model answer has, when the
    /// answer is long enough to judge.
    pub fn copied_share(&self, answer: &str) -> Option<u32> {
        let words = words(answer);
        let all: Vec<u64> = runs(&words).collect();
        if all.len() < COPY_MIN_RUNS || self.runs.is_empty() {
            return None;
        }
        let found = all.iter().filter(|r| self.runs.contains(r)).count();
        Some(u32::try_from(100 * found / all.len()).unwrap_or(100))
    }

    /// Whether the answer is a copy of the model answer.
    pub fn is_copy(&self, answer: &str) -> bool {
        self.copied_share(answer).is_some_and(|s| s >= COPY_SHARE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = "select_related follows foreign keys with a SQL JOIN in the same query, \
        while prefetch_related runs one extra query per relation and joins the rows in Python. \
        Use select_related for many-to-one relations and prefetch_related for many-to-many.";

    #[test]
    fn a_pasted_or_lightly_edited_model_answer_is_a_copy() {
        let model = ModelRuns::new(MODEL);
        assert_eq!(model.copied_share(MODEL), Some(100));
        let edited = MODEL
            .replace("Use", "You should use")
            .replace("Python", "python code");
        assert!(model.is_copy(&edited), "{:?}", model.copied_share(&edited));
        let half = format!(
            "{} In my last job we fixed a slow admin page this way and cut its queries from 300 to 4.",
            &MODEL[..150]
        );
        assert!(model.copied_share(&half).unwrap() < 100);
    }

    #[test]
    fn an_answer_in_own_words_or_a_short_one_is_not() {
        let model = ModelRuns::new(MODEL);
        let own = "The N+1 problem shows up when a loop touches a relation: one query per row. \
            I reach for select_related on foreign keys, because it joins, and prefetch_related \
            for reverse or many-to-many relations, which costs a second query.";
        assert!(!model.is_copy(own), "{:?}", model.copied_share(own));
        assert_eq!(
            model.copied_share("select_related follows foreign keys with a SQL JOIN"),
            None
        );
        assert_eq!(ModelRuns::default().copied_share(MODEL), None);
    }
}
