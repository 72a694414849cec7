//! Grading an answer as an interviewer would report it: a grade on the 0–4 scale experts label
//! with, a score of 0–100, and the key points covered and missed. Every place that judges an
//! answer (the reveal, a quiz, `dailydrill grade`) goes through [`grade`], so a better grader
//! changes them all at once.
//!
//! Today the grade is the lexical key-point coverage of [`super::scoring`] on a 0–4 scale; it
//! cannot yet tell a confident wrong claim from a right one (no misconceptions are detected).
//! `GRADING.md` measures it against expert-labelled answers.

use crate::corpus::{KeyPoint, Question};

use super::scoring::{self, Coverage, KeyPointMatcher};

/// The highest grade: an excellent answer.
pub const MAX_GRADE: u8 = 4;

/// One answer's grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grade {
    /// 0 (nothing) to 4 (excellent), the scale of the expert labels.
    pub grade: u8,
    /// 0 to 100: the share of the question's key points covered.
    pub score: u8,
    /// Indices into the question's key points, ascending.
    pub covered: Vec<usize>,
    /// Indices into the question's key points, ascending.
    pub missed: Vec<usize>,
    /// Indices of the question's misconceptions the answer states; none are detected yet.
    pub misconceptions: Vec<usize>,
}

impl Grade {
    /// The key points covered and missed, from which points are counted.
    pub fn coverage(&self) -> Coverage {
        Coverage {
            covered: self.covered.clone(),
            missed: self.missed.clone(),
        }
    }
}

/// Grades many answers to one question, its phrasings normalised once.
#[derive(Debug)]
pub struct Grader {
    matcher: KeyPointMatcher,
}

impl Grader {
    pub fn new(question: &Question) -> Grader {
        Grader::from_key_points(&question.key_points)
    }

    /// A grader of bare key points: a question no longer in the corpus has none, and every
    /// answer to it covers nothing.
    pub fn from_key_points(key_points: &[KeyPoint]) -> Grader {
        Grader {
            matcher: KeyPointMatcher::new(key_points),
        }
    }

    pub fn grade(&self, answer: &str) -> Grade {
        let coverage = self.matcher.coverage(answer);
        let score = u8::try_from(scoring::percent(&coverage).min(100)).unwrap_or(100);
        Grade {
            grade: grade_of(score),
            score,
            covered: coverage.covered,
            missed: coverage.missed,
            misconceptions: Vec::new(),
        }
    }
}

/// Grades one answer to `question`.
pub fn grade(question: &Question, answer: &str) -> Grade {
    Grader::new(question).grade(answer)
}

/// The score's nearest quarter on the 0–4 scale: 0–12 → 0, 13–37 → 1, 38–62 → 2, 63–87 → 3,
/// 88–100 → 4.
fn grade_of(score: u8) -> u8 {
    ((u16::from(score) + 12) / 25).min(u16::from(MAX_GRADE)) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_map_to_the_nearest_quarter_of_the_scale() {
        let grades: Vec<u8> = [0, 12, 13, 37, 38, 62, 63, 87, 88, 100]
            .into_iter()
            .map(grade_of)
            .collect();
        assert_eq!(grades, [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    }
}
