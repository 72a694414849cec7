//! The `corpus check --stats` report: what a corpus holds, per track and difficulty, and how its
//! examples are verified, so an author sees at a glance where the corpus is thin.

use std::collections::BTreeMap;

use super::Corpus;
use super::types::{Difficulty, Example, Runner};

/// The table: questions per track and difficulty, then the examples by how they run.
pub fn table(corpus: &Corpus) -> String {
    let mut text = String::new();
    let mut totals: BTreeMap<Difficulty, usize> = Default::default();
    for (track, counts) in corpus.summary() {
        let total: usize = counts.values().sum();
        let by_difficulty: Vec<String> = Difficulty::ALL
            .iter()
            .map(|d| {
                let n = counts.get(d).copied().unwrap_or(0);
                *totals.entry(*d).or_insert(0) += n;
                format!("{d} {n:>3}")
            })
            .collect();
        text.push_str(&format!(
            "  {:<10} {total:>4}  {}\n",
            track.id.as_str(),
            by_difficulty.join("  ")
        ));
    }
    let all = corpus.questions().len().max(1);
    let shares: Vec<String> = Difficulty::ALL
        .iter()
        .map(|d| {
            let n = totals.get(d).copied().unwrap_or(0);
            format!("{d} {n} ({}%)", n * 100 / all)
        })
        .collect();
    text.push_str(&format!(
        "  all        {:>4}  {}\n",
        corpus.questions().len(),
        shares.join(", ")
    ));
    let examples: Vec<&Example> = corpus
        .questions()
        .iter()
        .flat_map(|q| &q.examples)
        .collect();
    let count = |r: Runner| examples.iter().filter(|e| e.runner == r).count();
    let outputs = examples
        .iter()
        .filter(|e| e.expected_output.is_some())
        .count();
    text.push_str(&format!(
        "python examples: {} ({} scripts, {} in the Django fixture, {} pytest modules, {} fragments parsed only); {outputs} claim their output\n",
        examples.len(),
        count(Runner::Script),
        count(Runner::Django),
        count(Runner::Pytest),
        count(Runner::Fragment),
    ));
    text
}
