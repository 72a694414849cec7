//! The corpus compiled into the binary is the repository's `questions/`, complete and clean.

use std::collections::BTreeMap;
use std::path::Path;

use dailydrill::corpus::{Corpus, CorpusSource, bundled_files};

fn load(source: CorpusSource) -> Corpus {
    source.load().unwrap_or_else(|e| match e {
        dailydrill::corpus::LoadError::Invalid(problems) => {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            panic!("invalid corpus:\n{}", list.join("\n"))
        }
        other => panic!("{other}"),
    })
}

#[test]
fn the_bundled_corpus_holds_all_41_seed_questions() {
    let corpus = load(CorpusSource::Bundled);
    let mut per_track = BTreeMap::new();
    for q in corpus.questions() {
        *per_track.entry(q.track.as_str()).or_insert(0) += 1;
    }
    let expected = BTreeMap::from([
        ("django", 10),
        ("fastapi", 11),
        ("flask", 10),
        ("python", 10),
    ]);
    assert_eq!(per_track, expected);
    let names: Vec<&str> = corpus.tracks().iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Python", "Django", "Flask", "FastAPI"]);
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
            q.question.ends_with('?'),
            "{}: the question is a question",
            q.source
        );
        assert!(
            !q.answer.lines().any(|l| l.trim() == "python"),
            "{}: a stray `python` marker line",
            q.source
        );
    }
}
