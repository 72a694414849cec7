//! The model answers' python examples are true: every block parses, and every block that is not a
//! fragment runs with the pinned libraries (scripts, blocks in the Django fixture, pytest modules)
//! and prints what the answer claims. The examples' Python is a Debian trixie root with CPython
//! 3.13 and `tests/python_examples/requirements.txt`, built once by `setup.sh` (needs root and
//! debootstrap; `.ci/run` installs debootstrap).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use dailydrill::corpus::{CorpusSource, LoadError, Runner};

#[test]
fn python_examples_parse_run_and_print_what_they_claim() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = match CorpusSource::Dir(root.join("questions")).load() {
        Ok(corpus) => corpus,
        Err(LoadError::Invalid(problems)) => {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            panic!("the corpus is invalid:\n{}", list.join("\n"));
        }
        Err(e) => panic!("{e}"),
    };
    let examples: Vec<_> = corpus
        .questions()
        .iter()
        .flat_map(|q| &q.examples)
        .collect();
    let count = |r: Runner| examples.iter().filter(|e| e.runner == r).count();
    let claimed = examples
        .iter()
        .filter(|e| e.expected_output.is_some())
        .count();

    let support = root.join("tests/python_examples");
    let setup = Command::new(support.join("setup.sh"))
        .stderr(Stdio::inherit())
        .output()
        .expect("tests/python_examples/setup.sh must be runnable");
    assert!(
        setup.status.success(),
        "tests/python_examples/setup.sh failed: the examples need their Python (see its header)"
    );
    let python_root = String::from_utf8(setup.stdout).unwrap();
    let python_root = Path::new(python_root.trim());
    let check_dir = python_root.join("opt/dailydrill-check");
    std::fs::create_dir_all(check_dir.join("fixture/examples")).unwrap();
    for file in ["check.py", "run_django.py", "fixture/examples/__init__.py"] {
        std::fs::copy(support.join(file), check_dir.join(file)).unwrap();
    }

    let mut child = Command::new("chroot")
        .arg(python_root)
        .args(["/opt/examples/bin/python", "/opt/dailydrill-check/check.py"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("chroot must be available to run the examples' Python");
    let input = serde_json::to_vec(&corpus.export()).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}");
    assert!(out.status.success(), "python examples failed:\n{report}");

    let summary = report.lines().last().unwrap_or_default();
    let counts: Vec<usize> = summary
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    let [
        parsed,
        run,
        scripts,
        django,
        pytest,
        checked,
        fragments,
        failed,
    ] = counts[..]
    else {
        panic!("unexpected summary: {summary}");
    };
    assert_eq!(parsed, examples.len());
    assert_eq!(scripts, count(Runner::Script));
    assert_eq!(django, count(Runner::Django));
    assert_eq!(pytest, count(Runner::Pytest));
    assert_eq!(fragments, count(Runner::Fragment));
    assert_eq!(run, scripts + django + pytest);
    assert_eq!(checked, claimed, "every claimed output was compared");
    assert_eq!(failed, 0);
    assert!(run > 0, "no example ran: {summary}");
}
