//! Grading on the reveal's hot path: one question's grader scoring 1,000 members' answers, against
//! the floor any text grader pays, lowercasing and splitting the same answers into words, measured
//! in the same run.
//!
//! `cargo bench --bench grading [-- --answers N --runs R --question ID]` (defaults: 1,000 answers,
//! 7 runs, the question with the most phrasings). The answers are the labelled development set's
//! (`tests/grading/dev.jsonl`, every kind, 10 to 1,200 characters) cycled to N; a second set
//! joins them to the 4,000-character limit, the longest answer a member can send.

mod support;

use std::hint::black_box;

use dailydrill::corpus::{Corpus, CorpusSource};
use dailydrill::domain::grading::Grader;
use dailydrill::grading_eval;
use dailydrill::service::MAX_ANSWER_CHARS;
use support::{arg, time};

/// The floor: every answer lowercased and split into words, nothing matched.
fn words_only(answers: &[String]) -> usize {
    answers
        .iter()
        .map(|a| {
            a.to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .count()
        })
        .sum()
}

fn measure(corpus: &Corpus, id: &str, answers: &[String], runs: usize, what: &str) {
    let question = corpus
        .question(&id.parse().expect("a question id"))
        .expect("the question is in the bundled corpus");
    let baseline = time(runs, || {
        black_box(words_only(black_box(answers)));
    });
    let grading = time(runs, || {
        // A reveal builds the question's grader once, then grades every answer.
        let grader = Grader::new(question);
        for answer in answers {
            black_box(grader.grade(black_box(answer)));
        }
    });
    let chars: usize = answers.iter().map(|a| a.chars().count()).sum();
    println!(
        "{what}: {} answers to {id} ({} characters on average), median of {runs} runs",
        answers.len(),
        chars / answers.len().max(1)
    );
    println!(
        "  baseline (lowercase + split into words): {:>8.1} ms",
        baseline.as_secs_f64() * 1000.0
    );
    println!(
        "  grading (rubric: phrasings, bindings, negation, misconceptions): {:>8.1} ms  ({:.1}x baseline, {:.0} answers/s)",
        grading.as_secs_f64() * 1000.0,
        grading.as_secs_f64() / baseline.as_secs_f64().max(1e-9),
        answers.len() as f64 / grading.as_secs_f64().max(1e-9)
    );
}

fn main() {
    let n = arg("--answers", 1_000usize);
    let runs = arg("--runs", 7usize);
    let corpus = CorpusSource::Bundled
        .load()
        .expect("the bundled corpus loads");
    let richest = corpus
        .questions()
        .iter()
        .max_by_key(|q| {
            q.key_points
                .iter()
                .map(|k| k.phrasings.len())
                .sum::<usize>()
                + q.misconceptions
                    .iter()
                    .map(|m| m.phrasings.len() + m.patterns.len())
                    .sum::<usize>()
        })
        .map(|q| q.id.to_string())
        .expect("a question");
    let id = arg("--question", richest);
    let dev = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/grading/dev.jsonl"),
    )
    .expect("the development set");
    let rows = grading_eval::parse(&dev, &corpus).expect("the development set parses");
    let typical: Vec<String> = rows
        .iter()
        .map(|r| r.answer.clone())
        .cycle()
        .take(n)
        .collect();
    let longest: Vec<String> = (0..n)
        .map(|i| {
            let mut text = String::new();
            for row in rows.iter().cycle().skip(i % rows.len()) {
                if text.chars().count() + row.answer.chars().count() + 1 > MAX_ANSWER_CHARS {
                    break;
                }
                text.push_str(&row.answer);
                text.push('\n');
            }
            text
        })
        .collect();
    measure(&corpus, &id, &typical, runs, "typical answers");
    measure(&corpus, &id, &longest, runs, "longest answers");
}
