//! Corpus load and validation of a large generated corpus, against reading the same files' bytes.
//!
//! `cargo bench --bench corpus_load [-- --questions N --runs R]` (defaults: 10,000 questions, 7 runs).
//! The corpus is the bundled one, copied with fresh ids until it holds N questions.

mod support;

use std::path::Path;

use dailydrill::corpus::{CorpusSource, bundled_files, load_dir, quality};
use support::{arg, time};

/// Writes `n` question files (the bundled ones, cycled, each copy with its own id).
fn generate(dir: &Path, n: usize) {
    let files = bundled_files();
    let tracks = files
        .iter()
        .find(|f| f.rel == "tracks.toml")
        .expect("tracks.toml");
    std::fs::write(dir.join("tracks.toml"), &tracks.bytes).unwrap();
    let questions: Vec<_> = files
        .iter()
        .filter(|f| f.rel.ends_with(".md") && f.rel.contains('/'))
        .collect();
    for i in 0..n {
        let source = questions[i % questions.len()];
        let text = std::str::from_utf8(&source.bytes).unwrap();
        let (folder, name) = source.rel.split_once('/').unwrap();
        let text = text.replacen("\"\n", &format!("-copy{i}\"\n"), 1); // the id is the first line
        // A copy's `follow_up_of` would name an id no copy has.
        let text: String = text
            .split_inclusive('\n')
            .map(|line| {
                if line.starts_with("follow_up_of") {
                    "\n"
                } else {
                    line
                }
            })
            .collect();
        std::fs::create_dir_all(dir.join(folder)).unwrap();
        std::fs::write(dir.join(folder).join(format!("{i:05}-{name}")), text).unwrap();
    }
}

fn main() {
    let n = arg("--questions", 10_000);
    let runs = arg("--runs", 7);
    let tmp = tempfile::tempdir().unwrap();
    generate(tmp.path(), n);
    let source = CorpusSource::Dir(tmp.path().to_owned());

    let mut bytes = 0;
    let baseline = time(runs, || {
        bytes = load_dir(tmp.path())
            .unwrap()
            .iter()
            .map(|f| f.bytes.len())
            .sum()
    });
    let mut loaded = 0;
    let full = time(runs, || {
        loaded = source
            .load()
            .expect("generated corpus is valid")
            .questions()
            .len()
    });
    assert_eq!(loaded, n);

    // `corpus check`'s quality review (near-duplicates, answers that fit Discord). The copies
    // share their texts, so every question has about n / (bundled questions) near-duplicates: the review's worst case.
    let corpus = source.load().expect("generated corpus is valid");
    let mut flagged = 0;
    let review = time(runs, || flagged = quality::review(corpus.questions()).len());
    let bundled = CorpusSource::Bundled
        .load()
        .expect("bundled corpus is valid");
    let bundled_review = time(runs, || {
        assert!(quality::review(bundled.questions()).is_empty());
    });

    println!(
        "corpus load, {n} questions ({:.1} MiB), median of {runs} runs",
        bytes as f64 / 1048576.0
    );
    println!(
        "  baseline: read the files' bytes     {:>8.1} ms",
        baseline.as_secs_f64() * 1e3
    );
    println!(
        "  load + parse + validate             {:>8.1} ms",
        full.as_secs_f64() * 1e3
    );
    println!(
        "  ratio to baseline                   {:>8.1} x",
        full.as_secs_f64() / baseline.as_secs_f64()
    );
    println!(
        "  per question                        {:>8.1} us",
        full.as_secs_f64() * 1e6 / n as f64
    );
    println!(
        "  quality review ({flagged} problems)     {:>8.1} ms ({:.1} x the baseline)",
        review.as_secs_f64() * 1e3,
        review.as_secs_f64() / baseline.as_secs_f64()
    );
    println!(
        "  quality review, bundled {} questions {:>7.1} ms",
        bundled.questions().len(),
        bundled_review.as_secs_f64() * 1e3
    );
}
