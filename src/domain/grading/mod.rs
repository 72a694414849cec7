//! Grading an answer as an interviewer would report it: a grade on the 0–4 scale experts label
//! with, a score of 0–100, the key points covered and missed, the misconceptions stated, and one
//! next step. Every place that judges an answer (the reveal, a quiz, `dailydrill grade`) goes
//! through [`Grader`], so a better grader changes them all at once.
//!
//! The grader reads the question's rubric (`questions/README.md`): a key point counts when one of
//! its phrasings is stated and no negation governs it; a stated misconception or red flag caps the
//! grade below "partial"; a bare list of terms earns little; an empty answer earns nothing.
//! `GRADING.md` measures it against expert-labelled answers.

pub mod copying;
mod matcher;
mod shape;
mod text;
mod unicode;
mod vocabulary;

use regex::{Regex, RegexBuilder};
use serde::Serialize;

use crate::corpus::{KeyPoint, Misconception, Problem, Question};

use copying::ModelRuns;
use text::Reader;
use vocabulary::{Phrase, Vocabulary};

pub use shape::Shape;

/// The highest grade: an excellent answer.
pub const MAX_GRADE: u8 = 4;
/// The highest grade an answer stating a misconception or red flag gets: below "partial" (2),
/// because a confident wrong claim is what an interviewer remembers.
pub const MISCONCEPTION_MAX_GRADE: u8 = 1;
/// The highest score an answer stating a misconception or red flag gets.
pub const MISCONCEPTION_MAX_SCORE: u8 = 25;
/// The share (in tenths) of its coverage that a bare list of terms keeps.
pub const TERM_LIST_TENTHS: u32 = 3;

/// One answer's grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grade {
    /// 0 (nothing) to 4 (excellent), the scale of the expert labels.
    pub grade: u8,
    /// 0 to 100: the weighted share of the key points stated, after the caps.
    pub score: u8,
    /// Indices into the question's key points, ascending.
    pub covered: Vec<usize>,
    /// Indices into the question's key points, ascending.
    pub missed: Vec<usize>,
    /// Indices into the question's misconceptions (red flags included) the answer states.
    pub misconceptions: Vec<usize>,
    pub shape: Shape,
}

/// What a stored grade adds to the covered key points and score (kept with each answer and
/// quiz since grades were stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGrade {
    pub grade: u8,
    pub misconceptions: Vec<usize>,
    pub shape: Shape,
}

/// The one thing a member should do next, chosen from their grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Unlearn a stated misconception (index into the question's misconceptions).
    Unlearn(usize),
    /// Answer in sentences: the terms were listed without saying what they do.
    WriteSentences,
    /// The answer said nothing to grade: start with one sentence on the question.
    Start,
    /// Learn the heaviest key point missed (index into the key points).
    Learn(usize),
    /// Everything was covered: explain a trade-off or an example next time.
    Deepen,
    /// The answer repeated the model answer: answer in your own words.
    OwnWords,
}

impl Grade {
    /// A grade read back from storage, for a question of `key_points` key points. An answer
    /// graded before grades were stored (`stored` is `None`) reads as prose without
    /// misconceptions, its grade the score's quarter.
    pub fn recorded(
        key_points: usize,
        covered: &[usize],
        score: u8,
        stored: Option<StoredGrade>,
    ) -> Grade {
        let stored = stored.unwrap_or_else(|| StoredGrade {
            grade: grade_of(u32::from(score)),
            misconceptions: Vec::new(),
            shape: Shape::Prose,
        });
        Grade {
            grade: stored.grade,
            score,
            covered: covered.to_vec(),
            missed: (0..key_points).filter(|i| !covered.contains(i)).collect(),
            misconceptions: stored.misconceptions,
            shape: stored.shape,
        }
    }

    /// What the member should do next: unlearn a misconception first, then write sentences, then
    /// learn the heaviest key point they missed.
    pub fn next_step(&self, key_points: &[KeyPoint]) -> NextStep {
        if let Some(&first) = self.misconceptions.first() {
            return NextStep::Unlearn(first);
        }
        match self.shape {
            Shape::Copied => return NextStep::OwnWords,
            Shape::Empty => return NextStep::Start,
            Shape::TermList => return NextStep::WriteSentences,
            Shape::Prose if self.covered.is_empty() => return NextStep::Start,
            Shape::Prose => {}
        }
        let weight = |i: &usize| key_points.get(*i).map_or(0, |k| k.weight);
        // The heaviest missed point, the first of equals.
        let heaviest = self
            .missed
            .iter()
            .copied()
            .fold(None::<usize>, |best, i| match best {
                Some(b) if weight(&b) >= weight(&i) => Some(b),
                _ => Some(i),
            });
        heaviest.map_or(NextStep::Deepen, NextStep::Learn)
    }
}

/// A misconception compiled for matching.
#[derive(Debug)]
struct Claim {
    phrases: Vec<Phrase>,
    patterns: Vec<Regex>,
}

/// Grades many answers to one question, its rubric compiled once.
#[derive(Debug)]
pub struct Grader {
    reader: Reader,
    vocabulary: Vocabulary,
    /// Per key point: its weight and phrasings.
    key_points: Vec<(u32, Vec<Phrase>)>,
    claims: Vec<Claim>,
    /// The model answer's wording, to tell a copy of it from an answer.
    model: ModelRuns,
}

impl Grader {
    pub fn new(question: &Question) -> Grader {
        Grader {
            model: ModelRuns::new(&question.answer),
            ..Grader::rubric_only(question)
        }
    }

    /// A grader of the rubric alone, blind to copies: the corpus checks grade the model answer
    /// itself with it.
    pub fn rubric_only(question: &Question) -> Grader {
        Grader::from_rubric(
            &question.key_points,
            &question.misconceptions,
            &question.synonyms,
        )
    }

    /// A grader of bare key points: a question no longer in the corpus has none, and every
    /// answer to it covers nothing.
    pub fn from_key_points(key_points: &[KeyPoint]) -> Grader {
        Grader::from_rubric(key_points, &[], &[])
    }

    fn from_rubric(
        key_points: &[KeyPoint],
        misconceptions: &[Misconception],
        synonyms: &[Vec<String>],
    ) -> Grader {
        let reader = Reader::default();
        let mut vocabulary = Vocabulary::new(&reader, synonyms);
        let mut compile = |phrasings: &[String]| -> Vec<Phrase> {
            phrasings
                .iter()
                .filter_map(|p| vocabulary.phrase(&reader, p))
                .collect()
        };
        let key_points = key_points
            .iter()
            .map(|k| (u32::from(k.weight.max(1)), compile(&k.phrasings)))
            .collect();
        let claims = misconceptions
            .iter()
            .map(|m| Claim {
                phrases: compile(&m.phrasings),
                // Validated when the corpus loaded; a pattern that fails here is left out.
                patterns: m
                    .patterns
                    .iter()
                    .filter_map(|p| RegexBuilder::new(p).case_insensitive(true).build().ok())
                    .collect(),
            })
            .collect();
        Grader {
            reader,
            vocabulary,
            key_points,
            claims,
            model: ModelRuns::default(),
        }
    }

    pub fn grade(&self, answer: &str) -> Grade {
        let words = self.reader.words(answer);
        let copied = self.model.is_copy(answer);
        let shape = if copied {
            Shape::Copied
        } else {
            shape::shape(&words)
        };
        let tokens = self.vocabulary.answer(&words);
        let (mut covered, mut missed) = (Vec::new(), Vec::new());
        let (mut got, mut total) = (0u32, 0u32);
        for (index, (weight, phrases)) in self.key_points.iter().enumerate() {
            total += weight;
            if phrases.iter().any(|p| matcher::states(&tokens, p)) {
                got += weight;
                covered.push(index);
            } else {
                missed.push(index);
            }
        }
        let misconceptions: Vec<usize> = self
            .claims
            .iter()
            .enumerate()
            .filter(|(_, claim)| {
                claim.phrases.iter().any(|p| matcher::claims(&tokens, p))
                    || claim.patterns.iter().any(|re| {
                        re.find_iter(answer)
                            .any(|m| !matcher::refuted_at(&tokens, m.start(), m.end()))
                    })
            })
            .map(|(i, _)| i)
            .collect();

        let coverage = (100 * got + total / 2).checked_div(total).unwrap_or(0);
        if copied {
            // Stating the points in the model answer's own words measures nothing the member
            // knows: nothing is credited, a stated misconception still is shown.
            missed = (0..self.key_points.len()).collect();
            covered.clear();
        }
        let mut score = match shape {
            Shape::Empty | Shape::Copied => 0,
            Shape::TermList => (coverage * TERM_LIST_TENTHS + 5) / 10,
            Shape::Prose => coverage,
        };
        let mut grade = grade_of(score);
        if shape == Shape::TermList {
            grade = grade.min(1);
        }
        if !misconceptions.is_empty() {
            score = score.min(u32::from(MISCONCEPTION_MAX_SCORE));
            grade = grade.min(MISCONCEPTION_MAX_GRADE);
        }
        Grade {
            grade,
            score: u8::try_from(score.min(100)).unwrap_or(100),
            covered,
            missed,
            misconceptions,
            shape,
        }
    }
}

/// Grades one answer to `question`.
pub fn grade(question: &Question, answer: &str) -> Grade {
    Grader::new(question).grade(answer)
}

/// The score's nearest quarter on the 0–4 scale: 0–12 → 0, 13–37 → 1, 38–62 → 2, 63–87 → 3,
/// 88–100 → 4.
fn grade_of(score: u32) -> u8 {
    ((score + 12) / 25).min(u32::from(MAX_GRADE)) as u8
}

/// Problems of a corpus's rubrics that only grading shows: a model answer that states one of its
/// own question's misconceptions (the phrasings catch right answers too), or that covers under
/// half of its key points' weight (they miss the model's own words). Each names the file and line
/// an author fixes.
pub fn check_rubrics(questions: &[Question]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for question in questions {
        let graded = Grader::rubric_only(question).grade(&question.answer);
        for &i in &graded.misconceptions {
            if let Some(m) = question.misconceptions.get(i) {
                problems.push(Problem::new(
                    &question.source,
                    m.line,
                    format!(
                        "the model answer states this {}: {:?}; make its phrasings or patterns say only the wrong claim",
                        if m.red_flag { "red flag" } else { "misconception" },
                        m.claim
                    ),
                ));
            }
        }
        let weight = |indices: &[usize]| -> u32 {
            indices
                .iter()
                .filter_map(|i| question.key_points.get(*i))
                .map(|k| u32::from(k.weight))
                .sum()
        };
        let got = weight(&graded.covered);
        let total = got + weight(&graded.missed);
        if got * 2 < total {
            let missed: Vec<&str> = graded
                .missed
                .iter()
                .filter_map(|i| question.key_points.get(*i))
                .map(|k| k.label.as_str())
                .collect();
            problems.push(Problem::new(
                &question.source,
                1,
                format!(
                    "the model answer covers {got} of its key points' weight {total}; add phrasings it uses for: {}",
                    missed.join("; ")
                ),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests;
