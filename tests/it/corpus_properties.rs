//! Property tests of the corpus loader: whatever bytes a question file or `tracks.toml` holds
//! (random bytes, random text made of the format's own punctuation, or a bundled question mangled
//! line by line), loading never panics, and every failure is a problem located at one of the files
//! given, on a line that exists in that file. Seeded, so every run tries the same cases.

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};

use dailydrill::corpus::{Corpus, SourceFile, bundled_files};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// Cases per property: together the properties take about a second in a debug build.
const CASES: u32 = 300;

fn config() -> Config {
    Config {
        cases: CASES,
        rng_seed: RngSeed::Fixed(0x00da_11d1),
        failure_persistence: None,
        ..Config::default()
    }
}

fn file(rel: &str, bytes: Vec<u8>) -> SourceFile {
    SourceFile {
        rel: rel.to_owned(),
        display: format!("corpus/{rel}"),
        bytes: Cow::Owned(bytes),
    }
}

/// The bundled `tracks.toml` and question files.
fn bundled() -> (SourceFile, Vec<SourceFile>) {
    let files = bundled_files();
    let tracks = files
        .iter()
        .find(|f| f.rel == "tracks.toml")
        .expect("the bundled tracks.toml")
        .clone();
    let questions: Vec<SourceFile> = files
        .into_iter()
        .filter(|f| f.rel.ends_with(".md") && f.rel.contains('/'))
        .collect();
    assert!(questions.len() >= 40, "the bundled questions");
    (tracks, questions)
}

/// Loads `files` and checks the loader's contract: either a corpus, or problems that each name
/// one of the files and a line within it (1 to the number of lines, counting the empty line after
/// a final newline).
fn check_located(files: &[SourceFile]) -> Result<Outcome, TestCaseError> {
    let Err(problems) = Corpus::from_files(files) else {
        return Ok(Outcome::Loaded);
    };
    prop_assert!(!problems.is_empty(), "an error without any problem");
    for problem in problems.iter() {
        let Some(file) = files.iter().find(|f| f.display == problem.path) else {
            return Err(TestCaseError::fail(format!(
                "{problem}: names no file given"
            )));
        };
        let lines = file.bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        prop_assert!(
            (1..=lines).contains(&problem.line),
            "{problem}: line outside the file's {lines} line(s)"
        );
        prop_assert!(!problem.message.trim().is_empty(), "{problem}: no message");
    }
    Ok(Outcome::Refused)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Loaded,
    Refused,
}

/// Counts outcomes across a property's cases, to show it explored both.
#[derive(Default)]
struct Tally {
    loaded: AtomicUsize,
    refused: AtomicUsize,
}

impl Tally {
    fn add(&self, outcome: Outcome) {
        let counter = match outcome {
            Outcome::Loaded => &self.loaded,
            Outcome::Refused => &self.refused,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn counts(&self) -> (usize, usize) {
        (
            self.loaded.load(Ordering::Relaxed),
            self.refused.load(Ordering::Relaxed),
        )
    }
}

/// Text made mostly of what the format gives meaning to, so random cases reach the TOML and
/// Markdown parsers instead of stopping at the first line.
fn format_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("+++\n".to_owned()),
        Just("```".to_owned()),
        Just("```python\n".to_owned()),
        Just("~~~".to_owned()),
        Just("[[key_points]]\n".to_owned()),
        Just("id = \"python-x\"\n".to_owned()),
        Just("track = \"python\"\n".to_owned()),
        Just("difficulty = \"easy\"\n".to_owned()),
        Just("question = \"Why?\"\n".to_owned()),
        Just("label = \"A\"\nphrasings = [\"a\"]\n".to_owned()),
        Just("tags = [".to_owned()),
        Just("| a | b |\n|---|---|\n".to_owned()),
        Just("    indented\n".to_owned()),
        Just("> ".to_owned()),
        Just("- ".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        "[ -~]{0,12}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(pieces, 0..60).prop_map(|p| p.concat())
}

/// One change to a file's lines, as an author (or a bad merge, or a full disk) makes them.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    /// Cut the file at this fraction (in thousandths) of its bytes, even inside a character.
    Truncate(u16),
    InsertBytes(usize, Vec<u8>),
    /// Remove the opening or closing `+++`, or change it.
    BreakFrontMatter(bool, &'static str),
    /// Remove a fence line, add a stray one, or shorten one.
    BreakFence(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (0u16..1000).prop_map(Mutation::Truncate),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, bytes)| Mutation::InsertBytes(at, bytes)),
        (
            any::<bool>(),
            prop_oneof![
                Just(""),
                Just("++"),
                Just("+++ extra"),
                Just(" +++"),
                Just("---")
            ]
        )
            .prop_map(|(opening, with)| Mutation::BreakFrontMatter(opening, with)),
        (any::<usize>(), 0u8..3).prop_map(|(n, how)| Mutation::BreakFence(n, how)),
    ]
}

/// Lines with their line endings, so joining them gives the bytes back.
fn lines_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn apply(bytes: Vec<u8>, mutation: &Mutation) -> Vec<u8> {
    let mut lines = lines_of(&bytes);
    let n = lines.len().max(1);
    match mutation {
        Mutation::DeleteLine(i) if !lines.is_empty() => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) if !lines.is_empty() => {
            let line = lines[i % n].clone();
            lines.insert(i % n, line);
        }
        Mutation::SwapLines(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
        Mutation::Truncate(per_mille) => {
            let at = bytes.len() * usize::from(*per_mille) / 1000;
            return bytes[..at].to_vec();
        }
        Mutation::InsertBytes(at, inserted) => {
            let at = at % (bytes.len() + 1);
            let mut out = bytes[..at].to_vec();
            out.extend_from_slice(inserted);
            out.extend_from_slice(&bytes[at..]);
            return out;
        }
        Mutation::BreakFrontMatter(opening, with) => {
            let delimiters: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].trim_ascii_end() == b"+++")
                .collect();
            let target = if *opening {
                delimiters.first()
            } else {
                delimiters.get(1)
            };
            if let Some(&i) = target {
                if with.is_empty() {
                    lines.remove(i);
                } else {
                    lines[i] = format!("{with}\n").into_bytes();
                }
            }
        }
        Mutation::BreakFence(which, how) => {
            let fences: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].trim_ascii_start().starts_with(b"```"))
                .collect();
            if !fences.is_empty() {
                let i = fences[which % fences.len()];
                match how {
                    0 => {
                        lines.remove(i);
                    }
                    1 => lines.insert(i, b"```\n".to_vec()),
                    _ => lines[i] = shorten_fence(&lines[i]),
                }
            }
        }
        _ => {}
    }
    lines.concat()
}

/// Shortens a line's fence by one backtick ("```python" becomes "``python").
fn shorten_fence(line: &[u8]) -> Vec<u8> {
    let mut out = line.to_vec();
    if let Some(at) = out.iter().position(|&b| b == b'`') {
        out.remove(at);
    }
    out
}

#[test]
fn random_bytes_as_a_question_file_are_refused_with_located_problems() {
    let (tracks, _) = bundled();
    let tally = Tally::default();
    proptest!(config(), |(bytes in prop::collection::vec(any::<u8>(), 0..2048))| {
        tally.add(check_located(&[tracks.clone(), file("python/random.md", bytes)])?);
    });
    assert_eq!(
        tally.counts(),
        (0, CASES as usize),
        "random bytes never make a question"
    );
}

#[test]
fn random_text_in_the_formats_own_punctuation_is_refused_with_located_problems() {
    let (tracks, _) = bundled();
    let tally = Tally::default();
    proptest!(config(), |(text in format_text())| {
        tally.add(check_located(&[tracks.clone(), file("python/random.md", text.into_bytes())])?);
    });
    assert_eq!(tally.counts().1, CASES as usize);
}

#[test]
fn mangled_bundled_questions_are_refused_with_located_problems() {
    let (tracks, questions) = bundled();
    let strategy = (
        0..questions.len(),
        prop::collection::vec(mutation(), 1..5),
        0..questions.len(),
    );
    let tally = Tally::default();
    proptest!(config(), |((which, mutations, other) in strategy)| {
        let original = &questions[which];
        let mangled = mutations
            .iter()
            .fold(original.bytes.to_vec(), apply);
        // Loaded beside an intact file, whose id the mangled one may now collide with.
        let mut files = vec![tracks.clone(), file(&original.rel, mangled)];
        if other != which {
            files.push(questions[other].clone());
        }
        tally.add(check_located(&files)?);
    });
    let (loaded, refused) = tally.counts();
    assert!(
        loaded > 0 && refused > CASES as usize / 2,
        "{loaded} loaded, {refused} refused: the mutations should mostly break files, not always"
    );
}

#[test]
fn mangled_or_random_track_lists_are_refused_with_located_problems() {
    let (tracks, questions) = bundled();
    let strategy = prop_oneof![
        prop::collection::vec(mutation(), 1..5)
            .prop_map(move |m| m.iter().fold(tracks.bytes.to_vec(), apply)),
        prop::collection::vec(any::<u8>(), 0..512),
        format_text().prop_map(String::into_bytes),
    ];
    let question = questions[0].clone();
    let tally = Tally::default();
    proptest!(config(), |(bytes in strategy)| {
        tally.add(check_located(&[file("tracks.toml", bytes), question.clone()])?);
    });
    let (loaded, refused) = tally.counts();
    assert!(
        loaded > 0 && refused > CASES as usize / 2,
        "{loaded} loaded, {refused} refused"
    );
}

/// Inputs built to exhaust a recursive parser: deeply nested TOML arrays and tables, Markdown
/// quotes and lists, and a very long line. Each is refused (or loaded), never a crash.
#[test]
fn deeply_nested_or_huge_files_do_not_crash_the_loader() {
    let (tracks, _) = bundled();
    let front = |extra: &str| {
        format!(
            "+++\nid = \"python-deep\"\ntrack = \"python\"\ndifficulty = \"easy\"\nquestion = \"Why?\"\n{extra}\n+++\n"
        )
    };
    let depth = 50_000;
    let cases = [
        front(&format!("tags = {}", "[".repeat(depth))),
        front(&format!(
            "tags = {}{}",
            "[".repeat(depth),
            "]".repeat(depth)
        )),
        front(&format!("x = {}", "{ a = ".repeat(depth))),
        front(&"[a.".repeat(depth)),
        front("") + &"> ".repeat(depth) + "text\n",
        front("") + &"- ".repeat(depth) + "text\n",
        front("") + &"*".repeat(depth) + "text\n",
        front("") + &"[".repeat(depth) + "text\n",
        front("") + &"x".repeat(5_000_000),
        "+++\n".repeat(depth),
    ];
    for text in cases {
        let files = [tracks.clone(), file("python/deep.md", text.into_bytes())];
        let outcome = check_located(&files).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(outcome, Outcome::Refused);
    }
}
