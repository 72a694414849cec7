//! The model answers' python examples are true: every block parses, and every block that needs only
//! the standard library runs and prints what the answer claims. Needs `python3` on PATH.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use dailydrill::corpus::{CorpusSource, LoadError};

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
    let examples: Vec<serde_json::Value> = corpus
        .questions()
        .iter()
        .flat_map(|q| {
            q.examples.iter().map(move |ex| {
                serde_json::json!({
                    "source": q.source,
                    "line": ex.line,
                    "code": ex.code,
                    "fragment": ex.fragment,
                    "expected_output": ex.expected_output,
                })
            })
        })
        .collect();
    let claimed = corpus
        .questions()
        .iter()
        .flat_map(|q| &q.examples)
        .filter(|ex| ex.expected_output.is_some())
        .count();

    let mut child = Command::new("python3")
        .arg(root.join("tests/support/check_python_examples.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 must be installed to check the corpus examples");
    let input = serde_json::to_vec(&examples).unwrap();
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
    let [parsed, run, checked, failed] = counts[..] else {
        panic!("unexpected summary: {summary}");
    };
    assert_eq!(parsed, examples.len());
    assert_eq!(checked, claimed, "every claimed output was compared");
    assert_eq!(failed, 0);
    assert!(run >= checked && run > 0, "no example ran: {summary}");
}
