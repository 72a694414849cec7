//! `dailydrill grade`: one answer's feedback, graded JSON lines, or the grader measured against
//! expert-labelled answers.

use std::process::ExitCode;

use super::{GradeArgs, emit, load_corpus};
use crate::corpus::CorpusSource;
use crate::domain::grading::Grader;
use crate::grading_eval;

pub(super) fn grade(args: GradeArgs) -> ExitCode {
    let corpus = match load_corpus(&CorpusSource::resolve(args.corpus.dir)) {
        Ok(corpus) => corpus,
        Err(code) => return code,
    };
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path).map_err(|e| {
            eprintln!("error: cannot read {}: {e}", path.display());
            ExitCode::from(2)
        })
    };
    let question = |id: &str| {
        let found = id.parse().ok().and_then(|id| corpus.question(&id));
        found.ok_or_else(|| {
            eprintln!(
                "error: no question {id:?} in the corpus (`dailydrill corpus export` lists them)"
            );
            ExitCode::from(2)
        })
    };
    if let Some(path) = &args.eval {
        let text = match read(path) {
            Ok(text) => text,
            Err(code) => return code,
        };
        return match grading_eval::parse(&text, &corpus) {
            Ok(rows) => emit(&format!("{}\n", grading_eval::evaluate(&rows, &corpus))),
            Err(e) => {
                eprintln!("error: {}:{e}", path.display());
                ExitCode::from(2)
            }
        };
    }
    if let (Some(id), Some(path)) = (&args.question, &args.answer_file) {
        let (question, answer) = match (question(id), read(path)) {
            (Ok(q), Ok(a)) => (q, a),
            (Err(code), _) | (_, Err(code)) => return code,
        };
        let graded = Grader::new(question).grade(&answer);
        return emit(&grading_eval::feedback_text(question, &graded));
    }
    #[derive(serde::Deserialize)]
    struct Input {
        question: String,
        answer: String,
    }
    let mut lines = String::new();
    // One grader per question: compiling a rubric costs far more than grading one answer.
    let mut graders: std::collections::HashMap<String, Grader> = std::collections::HashMap::new();
    for (index, line) in std::io::stdin().lines().enumerate() {
        let line = match line {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => line,
            Err(e) => {
                eprintln!("error: cannot read standard input: {e}");
                return ExitCode::from(2);
            }
        };
        let input: Input = match serde_json::from_str(&line) {
            Ok(input) => input,
            Err(e) => {
                eprintln!("error: stdin line {}: {e}", index + 1);
                return ExitCode::from(2);
            }
        };
        let question = match question(&input.question) {
            Ok(q) => q,
            Err(code) => return code,
        };
        let graded = graders
            .entry(input.question)
            .or_insert_with(|| Grader::new(question))
            .grade(&input.answer);
        lines.push_str(&grading_eval::json_line(question, &graded).to_string());
        lines.push('\n');
    }
    emit(&lines)
}
