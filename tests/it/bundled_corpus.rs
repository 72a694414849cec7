//! The corpus compiled into the binary is the repository's `questions/`, complete and clean.

use std::collections::BTreeMap;
use std::path::Path;

use dailydrill::corpus::{Corpus, CorpusSource, Difficulty, bundled_files, quality};

fn load(source: CorpusSource) -> Corpus {
    source.load().unwrap_or_else(|e| match e {
        dailydrill::corpus::LoadError::Invalid(problems) => {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            panic!("invalid corpus:\n{}", list.join("\n"))
        }
        other => panic!("{other}"),
    })
}

/// The corpus a study group can use for a year: how many questions each track needs, so that a
/// group drilling one track does not run out in days.
const TRACK_MINIMUMS: [(&str, usize); 8] = [
    ("python", 45),
    ("django", 35),
    ("flask", 25),
    ("fastapi", 30),
    ("databases", 20),
    ("testing", 15),
    ("security", 12),
    ("design", 15),
];

#[test]
fn the_bundled_corpus_is_large_enough_for_a_year_of_study() {
    let corpus = load(CorpusSource::Bundled);
    let mut per_track = BTreeMap::new();
    let mut per_difficulty = BTreeMap::new();
    for q in corpus.questions() {
        *per_track.entry(q.track.as_str()).or_insert(0) += 1;
        *per_difficulty.entry(q.difficulty).or_insert(0) += 1;
    }
    let all = corpus.questions().len();
    assert!(all >= 200, "{all} questions; a year of study needs 200+");
    for (track, minimum) in TRACK_MINIMUMS {
        let n = per_track.get(track).copied().unwrap_or(0);
        assert!(
            n >= minimum,
            "{track}: {n} questions, at least {minimum} needed"
        );
    }
    for difficulty in [Difficulty::Easy, Difficulty::Hard] {
        let n = per_difficulty.get(&difficulty).copied().unwrap_or(0);
        assert!(
            4 * n >= all,
            "{difficulty}: {n} of {all}; at least a quarter"
        );
    }
    let ids: Vec<&str> = corpus.tracks().iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, TRACK_MINIMUMS.map(|(id, _)| id));
}

#[test]
fn every_question_has_follow_ups_and_sources_and_passes_the_quality_checks() {
    let corpus = load(CorpusSource::Bundled);
    for q in corpus.questions() {
        assert!((1..=2).contains(&q.follow_ups.len()), "{}", q.source);
        assert!(!q.sources.is_empty(), "{}", q.source);
        assert!(
            q.follow_ups.iter().all(|f| f.ends_with(['?', '.'])),
            "{}: a follow-up is a question or a prompt (\"Walk through ...\")",
            q.source
        );
    }
    let mut problems = quality::review(corpus.questions());
    problems.extend(dailydrill::domain::grading::check_rubrics(
        corpus.questions(),
    ));
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(list.is_empty(), "{}", list.join("\n"));
}

#[test]
fn the_bundled_corpus_is_the_repository_folder() {
    let bundled = load(CorpusSource::Bundled);
    let disk = load(CorpusSource::Dir(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("questions"),
    ));
    assert_eq!(bundled.questions().len(), disk.questions().len());
    for (b, d) in bundled.questions().iter().zip(disk.questions()) {
        assert_eq!(b.id, d.id);
        assert_eq!(b.answer, d.answer, "{} is stale in the binary", b.id);
        assert_eq!(b.key_points, d.key_points);
    }
    assert!(bundled_files().iter().any(|f| f.rel == "tracks.toml"));
}

#[test]
fn no_extraction_debris_remains_and_conventions_hold() {
    let corpus = load(CorpusSource::Bundled);
    for q in corpus.questions() {
        let all = format!("{}\n{}", q.question, q.answer);
        for debris in ["CopyEdit", "\u{2714}", "\u{2713}", "\u{fffd}"] {
            assert!(!all.contains(debris), "{}: contains {debris:?}", q.source);
        }
        assert!(
            q.id.as_str().starts_with(&format!("{}-", q.track)),
            "{}: ids start with their track",
            q.source
        );
        assert!(
            q.question.ends_with(['?', '.']),
            "{}: the question is a question or a prompt (\"Explain ...\")",
            q.source
        );
        assert!(
            !q.answer.lines().any(|l| l.trim() == "python"),
            "{}: a stray `python` marker line",
            q.source
        );
    }
}
