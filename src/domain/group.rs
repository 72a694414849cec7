//! What a group's answers to one question had in common, without names: how many answered, the
//! share who covered each key point, and the misconception stated most often. It opens the
//! question's discussion thread, so members see where the group stands before the model answer.

use crate::corpus::Question;

/// The fewest graded answers the summary breaks down: with fewer, members could tell whose
/// answer covered what.
pub const MIN_GRADED_FOR_BREAKDOWN: u32 = 3;

/// One key point and how many graded answers covered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPointShare {
    pub label: String,
    pub covered: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSummary {
    pub answered: u32,
    /// Of those, the answers graded (all of them, unless the reveal was skipped).
    pub graded: u32,
    /// In the question's order; empty below [`MIN_GRADED_FOR_BREAKDOWN`] graded answers.
    pub key_points: Vec<KeyPointShare>,
    /// The claim stated most often and by how many answers; the earliest listed on a tie. None
    /// below [`MIN_GRADED_FOR_BREAKDOWN`] graded answers.
    pub misconception: Option<(String, u32)>,
}

/// One graded answer: the key points it covered and the misconceptions it stated (indices).
pub struct GradedAnswer<'a> {
    pub covered: &'a [usize],
    pub misconceptions: &'a [usize],
}

pub fn summarize(question: &Question, answered: u32, graded: &[GradedAnswer<'_>]) -> GroupSummary {
    let key_points = question
        .key_points
        .iter()
        .enumerate()
        .map(|(i, k)| KeyPointShare {
            label: k.label.clone(),
            covered: count(graded.iter().filter(|a| a.covered.contains(&i))),
        })
        .collect();
    let misconception = question
        .misconceptions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let stated = count(graded.iter().filter(|a| a.misconceptions.contains(&i)));
            (m.claim.clone(), stated)
        })
        .filter(|(_, stated)| *stated > 0)
        // max_by_key keeps the last of equals: reversed, the earliest listed wins a tie.
        .rev()
        .max_by_key(|(_, stated)| *stated);
    let graded = count(graded.iter());
    if graded < MIN_GRADED_FOR_BREAKDOWN {
        return GroupSummary {
            answered,
            graded,
            key_points: Vec::new(),
            misconception: None,
        };
    }
    GroupSummary {
        answered,
        graded,
        key_points,
        misconception,
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{KeyPoint, Misconception};

    fn question() -> Question {
        let point = |label: &str| KeyPoint {
            label: label.to_owned(),
            weight: 1,
            phrasings: vec![label.to_lowercase()],
        };
        let claim = |claim: &str| Misconception {
            claim: claim.to_owned(),
            phrasings: vec![claim.to_lowercase()],
            patterns: Vec::new(),
            correction: "No.".to_owned(),
            red_flag: false,
            line: 9,
        };
        Question {
            id: "python-demo".parse().unwrap_or_else(|e| panic!("{e}")),
            track: "python".parse().unwrap_or_else(|e| panic!("{e}")),
            difficulty: crate::corpus::Difficulty::Easy,
            tags: Vec::new(),
            question: "Why?".to_owned(),
            question_line: 5,
            follow_ups: Vec::new(),
            sources: Vec::new(),
            follow_up_of: None,
            answer: "Because.".to_owned(),
            key_points: vec![point("Alpha"), point("Beta")],
            misconceptions: vec![claim("First"), claim("Second")],
            synonyms: Vec::new(),
            examples: Vec::new(),
            source: "q.md".to_owned(),
            suggested_by: None,
        }
    }

    fn answer<'a>(covered: &'a [usize], misconceptions: &'a [usize]) -> GradedAnswer<'a> {
        GradedAnswer {
            covered,
            misconceptions,
        }
    }

    #[test]
    fn shares_per_key_point_and_the_most_stated_misconception() {
        let q = question();
        let answers = [
            answer(&[0, 1], &[]),
            answer(&[0], &[1]),
            answer(&[], &[1, 0]),
        ];
        let s = summarize(&q, 4, &answers);
        assert_eq!((s.answered, s.graded), (4, 3));
        let covered: Vec<(&str, u32)> = s
            .key_points
            .iter()
            .map(|k| (k.label.as_str(), k.covered))
            .collect();
        assert_eq!(covered, [("Alpha", 2), ("Beta", 1)]);
        assert_eq!(s.misconception, Some(("Second".to_owned(), 2)));
    }

    #[test]
    fn a_tie_names_the_first_listed_and_none_stated_names_none() {
        let q = question();
        let tie = summarize(
            &q,
            3,
            &[answer(&[], &[1]), answer(&[], &[0]), answer(&[], &[])],
        );
        assert_eq!(tie.misconception, Some(("First".to_owned(), 1)));
        let clean = summarize(
            &q,
            3,
            &[answer(&[0], &[]), answer(&[], &[]), answer(&[], &[])],
        );
        assert_eq!(clean.misconception, None);
    }

    #[test]
    fn fewer_than_three_graded_answers_are_not_broken_down() {
        let q = question();
        let two = summarize(&q, 2, &[answer(&[0], &[1]), answer(&[], &[])]);
        assert_eq!((two.answered, two.graded), (2, 2));
        assert!(two.key_points.is_empty());
        assert_eq!(two.misconception, None);
    }
}
