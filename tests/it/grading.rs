//! The grader's yardstick: the expert-labelled answers in `tests/grading/dev.jsonl` have the
//! shape the grading issue asks for, and `dailydrill grade` reads and writes what it promises.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use dailydrill::grading_eval::{self, Kind};

fn dev_set() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/grading/dev.jsonl");
    std::fs::read_to_string(path).expect("the development set")
}

fn dailydrill(args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dailydrill"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("QUESTIONS_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_development_set_has_every_kind_for_twenty_questions_labelled_in_range() {
    let corpus = crate::common::corpus();
    let rows = grading_eval::parse(&dev_set(), &corpus).expect("every line is valid");
    let mut questions = std::collections::BTreeMap::<&str, Vec<Kind>>::new();
    for row in &rows {
        questions.entry(&row.question).or_default().push(row.kind);
        let allowed = match row.kind {
            Kind::Excellent => 4..=4,
            Kind::Good => 3..=3,
            Kind::Partial => 2..=2,
            Kind::Misconception | Kind::Keyword => 0..=1,
            Kind::Empty => 0..=0,
            Kind::TerseExpert => 3..=4,
        };
        assert!(
            allowed.contains(&row.label),
            "{} {:?} labelled {}",
            row.question,
            row.kind,
            row.label
        );
    }
    assert!(questions.len() >= 20, "{} questions", questions.len());
    for (question, mut kinds) in questions {
        kinds.sort();
        assert_eq!(
            kinds,
            [
                Kind::Excellent,
                Kind::Good,
                Kind::Partial,
                Kind::Misconception,
                Kind::Empty,
                Kind::Keyword,
                Kind::TerseExpert
            ],
            "{question}"
        );
    }
}

#[test]
fn grade_eval_reports_the_figures_the_targets_are_set_on() {
    let (code, out, err) = dailydrill(&["grade", "--eval", "tests/grading/dev.jsonl"], "");
    assert_eq!(code, Some(0), "{err}");
    for figure in [
        "per-question Spearman: mean",
        "pooled Spearman:",
        "misconception below partial:",
        "list of terms below partial:",
        "highest score of an empty or evasive answer:",
    ] {
        assert!(out.contains(figure), "{figure}:\n{out}");
    }
    assert!(out.contains("python-decorators"), "{out}");

    let broken = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        broken.path(),
        "{\"question\": \"python-decorators\", \"kind\": \"good\", \"label\": 3, \"answer\": \"x\"}\n{oops\n",
    )
    .unwrap();
    let path = broken.path().to_string_lossy().into_owned();
    let (code, _, err) = dailydrill(&["grade", "--eval", &path], "");
    assert_eq!(code, Some(2));
    assert!(err.contains(&format!("{path}:line 2:")), "{err}");
}

#[test]
fn grade_jsonl_writes_one_json_line_per_answer_and_names_a_bad_line() {
    let input = "{\"question\": \"python-decorators\", \"answer\": \"Decorate the wrapper with functools.wraps so it keeps the original function name and docstring.\"}\n\n\
                 {\"question\": \"django-signals\", \"answer\": \"\"}\n\
                 {\"question\": \"python-decorators\", \"answer\": \"The decorator code runs every time you call the decorated function, and functools.wraps is purely cosmetic.\"}\n";
    let (code, out, err) = dailydrill(&["grade", "--jsonl"], input);
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    for line in &lines {
        for key in [
            "question",
            "score",
            "grade",
            "covered",
            "missed",
            "misconceptions",
        ] {
            assert!(line.get(key).is_some(), "{key} in {line}");
        }
    }
    assert_eq!(lines[1]["score"], 0, "an empty answer covers nothing");
    assert_eq!(lines[1]["shape"], "empty");
    let claims: Vec<&str> = lines[2]["misconceptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(
        claims,
        [
            "The decorator itself runs on every call of the decorated function",
            "functools.wraps is purely cosmetic and can be skipped"
        ]
    );
    assert!(lines[2]["grade"].as_u64().unwrap() <= 1);
    assert!(
        lines[0]["covered"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains("functools.wraps"))
    );

    let (code, _, err) = dailydrill(
        &["grade", "--jsonl"],
        "{\"question\": \"no-such-question\", \"answer\": \"a\"}\n",
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("no question \"no-such-question\""), "{err}");
    let (code, _, err) = dailydrill(&["grade", "--jsonl"], "\n{not json\n");
    assert_eq!(code, Some(2));
    assert!(err.contains("stdin line 2"), "{err}");
}

#[test]
fn grade_question_prints_the_feedback_a_member_sees() {
    let dir = tempfile::tempdir().unwrap();
    let answer = dir.path().join("answer.txt");
    std::fs::write(
        &answer,
        "prefetch_related does the JOIN in SQL, so one query loads the books with their authors.",
    )
    .unwrap();
    let answer = answer.to_string_lossy().into_owned();
    let (code, out, err) = dailydrill(
        &[
            "grade",
            "--question",
            "django-orm-query-optimisation",
            "--answer-file",
            &answer,
        ],
        "",
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("What is Django's ORM"), "{out}");
    for part in [
        "**Grade 0/4 (no credit yet) · score 0/100**",
        "**Misconception:** prefetch_related",
        "**Correction:** ",
        "**Missed:**\n- ",
        "Next step: read the correction above",
    ] {
        assert!(out.contains(part), "{part:?} in:\n{out}");
    }

    let (code, _, err) = dailydrill(
        &[
            "grade",
            "--question",
            "no-such-question",
            "--answer-file",
            &answer,
        ],
        "",
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("no-such-question"), "{err}");
}

#[test]
fn the_grader_meets_the_issue_targets_on_the_development_set() {
    let corpus = crate::common::corpus();
    let rows = grading_eval::parse(&dev_set(), &corpus).expect("every line is valid");
    let report = grading_eval::evaluate(&rows, &corpus);
    let shown = report.to_string();
    assert!(report.mean_spearman >= 0.85, "{shown}");
    assert!(report.at_least_0_8 >= 0.9, "{shown}");
    assert!(report.misconception_below_partial >= 0.9, "{shown}");
    assert!(report.keyword_below_partial >= 0.9, "{shown}");
    assert!(report.empty_max <= 20, "{shown}");
}

#[test]
fn every_rubric_credits_its_key_points_stated_in_sentences_and_nothing_wrong() {
    let corpus = crate::common::corpus();
    let mut failures = Vec::new();
    for question in corpus.questions() {
        let answer = crate::common::full_answer(question);
        let graded = dailydrill::domain::grading::grade(question, &answer);
        if graded.score != 100 || !graded.misconceptions.is_empty() {
            failures.push(format!("{}: {graded:?}\n  {answer}", question.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_pasted_model_answer_is_scored_as_a_copy_for_every_question() {
    let corpus = crate::common::corpus();
    for question in corpus.questions() {
        let pasted = dailydrill::domain::grading::grade(question, &question.answer);
        assert_eq!(
            (pasted.shape, pasted.score, pasted.grade),
            (dailydrill::domain::grading::Shape::Copied, 0, 0),
            "{}",
            question.id
        );
        assert!(pasted.covered.is_empty(), "{}", question.id);
        let feedback = dailydrill::feedback::Assessment::new(Some(question), &pasted).markdown();
        assert!(feedback.contains("scored as a copy"), "{feedback}");
        // The same points in the member's own sentences are not a copy.
        let own = crate::common::full_answer(question);
        let graded = dailydrill::domain::grading::grade(question, &own);
        assert_ne!(
            graded.shape,
            dailydrill::domain::grading::Shape::Copied,
            "{}",
            question.id
        );
    }
}
