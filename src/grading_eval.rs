//! Measuring the grader against answers an expert labelled (`tests/grading/`): per question, how
//! well the scores rank the answers as the expert did (Spearman's rank correlation), and whether
//! a confident wrong answer, or a bare list of the right terms, scores below an honest partial
//! one. `dailydrill grade --eval` prints it; `GRADING.md` records it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Deserialize;

use crate::corpus::{Corpus, Question};
use crate::domain::grading::{Grade, Grader};
use crate::feedback::Assessment;

/// What an answer of the labelled set is an example of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Excellent,
    Good,
    Partial,
    Misconception,
    Empty,
    Keyword,
    TerseExpert,
}

/// One labelled answer: a line of the set.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Labelled {
    pub question: String,
    pub kind: Kind,
    /// The expert's grade, 0 to 4.
    pub label: u8,
    pub answer: String,
}

/// A line of the set that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SetError {
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
}

/// Reads JSON lines (blank lines skipped); every problem names its line.
pub fn parse(text: &str, corpus: &Corpus) -> Result<Vec<Labelled>, SetError> {
    let mut rows = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let row: Labelled = serde_json::from_str(raw).map_err(|e| SetError::Line {
            line,
            message: e.to_string(),
        })?;
        if row.label > 4 {
            return Err(SetError::Line {
                line,
                message: format!("label {} is outside 0-4", row.label),
            });
        }
        let known = row
            .question
            .parse()
            .ok()
            .and_then(|id| corpus.question(&id))
            .is_some();
        if !known {
            return Err(SetError::Line {
                line,
                message: format!("no question {:?} in the corpus", row.question),
            });
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Spearman's rank correlation, ties given their average rank; `None` when either side has no
/// spread (every answer scored alike), where a ranking says nothing.
pub fn spearman(xs: &[f64], ys: &[f64]) -> Option<f64> {
    if xs.len() != ys.len() || xs.len() < 2 {
        return None;
    }
    let (rx, ry) = (ranks(xs), ranks(ys));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut cov, mut vx, mut vy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        cov += (a - mx) * (b - my);
        vx += (a - mx).powi(2);
        vy += (b - my).powi(2);
    }
    (vx > 0.0 && vy > 0.0).then(|| cov / (vx * vy).sqrt())
}

/// 1-based ranks, tied values sharing the mean of their positions.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        while end + 1 < order.len() && values[order[end + 1]] == values[order[start]] {
            end += 1;
        }
        let rank = (start + end) as f64 / 2.0 + 1.0;
        for &i in &order[start..=end] {
            ranks[i] = rank;
        }
        start = end + 1;
    }
    ranks
}

/// How one question's answers were scored.
#[derive(Debug, Clone)]
pub struct QuestionResult {
    pub question: String,
    /// 0 when the scores have no spread.
    pub spearman: f64,
    /// Whether the misconception answer scored strictly below the partial one (`None` when the
    /// question lacks either).
    pub misconception_below_partial: Option<bool>,
    pub keyword_below_partial: Option<bool>,
    /// The highest score of an empty or evasive answer.
    pub empty_max: Option<u8>,
}

/// The figures the grading issue sets targets for.
#[derive(Debug, Clone)]
pub struct Report {
    pub answers: usize,
    pub questions: Vec<QuestionResult>,
    pub mean_spearman: f64,
    /// Share of questions with a Spearman of at least 0.8.
    pub at_least_0_8: f64,
    /// Over every answer of every question at once.
    pub pooled_spearman: f64,
    pub misconception_below_partial: f64,
    pub keyword_below_partial: f64,
    pub empty_max: u8,
}

/// Grades every answer with each question's [`Grader`] and measures the scores.
pub fn evaluate(rows: &[Labelled], corpus: &Corpus) -> Report {
    let mut by_question: BTreeMap<&str, Vec<(&Labelled, u8)>> = BTreeMap::new();
    // One grader per question: compiling a rubric costs far more than grading one answer.
    let mut graders: HashMap<&str, Grader> = HashMap::new();
    for row in rows {
        let Some(question) = row
            .question
            .parse()
            .ok()
            .and_then(|id| corpus.question(&id))
        else {
            continue;
        };
        let score = graders
            .entry(&row.question)
            .or_insert_with(|| Grader::new(question))
            .grade(&row.answer)
            .score;
        by_question
            .entry(&row.question)
            .or_default()
            .push((row, score));
    }
    let score_of = |answers: &[(&Labelled, u8)], kind: Kind| {
        answers
            .iter()
            .find(|(r, _)| r.kind == kind)
            .map(|(_, s)| *s)
    };
    let questions: Vec<QuestionResult> = by_question
        .iter()
        .map(|(question, answers)| {
            let labels: Vec<f64> = answers.iter().map(|(r, _)| f64::from(r.label)).collect();
            let scores: Vec<f64> = answers.iter().map(|(_, s)| f64::from(*s)).collect();
            let partial = score_of(answers, Kind::Partial);
            let below = |kind| Some(score_of(answers, kind)? < partial?);
            QuestionResult {
                question: (*question).to_owned(),
                spearman: spearman(&scores, &labels).unwrap_or(0.0),
                misconception_below_partial: below(Kind::Misconception),
                keyword_below_partial: below(Kind::Keyword),
                empty_max: answers
                    .iter()
                    .filter(|(r, _)| r.kind == Kind::Empty)
                    .map(|(_, s)| *s)
                    .max(),
            }
        })
        .collect();
    let n = questions.len().max(1) as f64;
    let share = |pick: fn(&QuestionResult) -> Option<bool>| {
        let judged: Vec<bool> = questions.iter().filter_map(pick).collect();
        judged.iter().filter(|b| **b).count() as f64 / judged.len().max(1) as f64
    };
    let all: Vec<(f64, f64)> = by_question
        .values()
        .flatten()
        .map(|(r, s)| (f64::from(*s), f64::from(r.label)))
        .collect();
    let (pooled_scores, pooled_labels): (Vec<f64>, Vec<f64>) = all.into_iter().unzip();
    Report {
        answers: rows.len(),
        mean_spearman: questions.iter().map(|q| q.spearman).sum::<f64>() / n,
        at_least_0_8: questions.iter().filter(|q| q.spearman >= 0.8).count() as f64 / n,
        pooled_spearman: spearman(&pooled_scores, &pooled_labels).unwrap_or(0.0),
        misconception_below_partial: share(|q| q.misconception_below_partial),
        keyword_below_partial: share(|q| q.keyword_below_partial),
        empty_max: questions
            .iter()
            .filter_map(|q| q.empty_max)
            .max()
            .unwrap_or(0),
        questions,
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} labelled answers to {} questions",
            self.answers,
            self.questions.len()
        )?;
        writeln!(
            f,
            "{:<44} {:>8} {:>14} {:>14} {:>9}",
            "question", "spearman", "misc<partial", "terms<partial", "empty max"
        )?;
        let yes_no = |b: Option<bool>| match b {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "-",
        };
        for q in &self.questions {
            writeln!(
                f,
                "{:<44} {:>8.2} {:>14} {:>14} {:>9}",
                q.question,
                q.spearman,
                yes_no(q.misconception_below_partial),
                yes_no(q.keyword_below_partial),
                q.empty_max
                    .map_or_else(|| "-".to_owned(), |s| s.to_string())
            )?;
        }
        writeln!(
            f,
            "per-question Spearman: mean {:.2}, >= 0.8 in {:.0} % of questions (targets: >= 0.85, >= 90 %)",
            self.mean_spearman,
            self.at_least_0_8 * 100.0
        )?;
        writeln!(f, "pooled Spearman: {:.2}", self.pooled_spearman)?;
        writeln!(
            f,
            "misconception below partial: {:.0} % of questions (target >= 90 %)",
            self.misconception_below_partial * 100.0
        )?;
        writeln!(
            f,
            "list of terms below partial: {:.0} % of questions (target >= 90 %)",
            self.keyword_below_partial * 100.0
        )?;
        write!(
            f,
            "highest score of an empty or evasive answer: {} (target <= 20)",
            self.empty_max
        )
    }
}

/// One answer's grade as `dailydrill grade --jsonl` writes it: key points and misconceptions by
/// their labels, so the line reads without the question file.
pub fn json_line(question: &Question, grade: &Grade) -> serde_json::Value {
    let assessment = Assessment::new(Some(question), grade);
    let claims: Vec<&str> = assessment
        .misconceptions
        .iter()
        .map(|m| m.claim.as_str())
        .collect();
    serde_json::json!({
        "question": question.id.as_str(),
        "score": grade.score,
        "grade": grade.grade,
        "covered": assessment.covered,
        "missed": assessment.missed,
        "misconceptions": claims,
        "shape": grade.shape,
        "next_step": assessment.next_step,
    })
}

/// One answer's feedback as a member reads it, under the question.
pub fn feedback_text(question: &Question, grade: &Grade) -> String {
    format!(
        "{}\n\n{}\n",
        question.question,
        Assessment::new(Some(question), grade).markdown()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_ranks_ties_by_their_mean_and_needs_spread() {
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), Some(1.0));
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
        assert_eq!(spearman(&[5.0, 5.0, 5.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(ranks(&[10.0, 20.0, 20.0, 5.0]), [2.0, 3.5, 3.5, 1.0]);
        // Known value: x = 1..5, y = 2 1 4 3 5 → 1 - 6·4 / (5·24) = 0.8.
        let rho = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]).unwrap();
        assert!((rho - 0.8).abs() < 1e-12, "{rho}");
    }
}
