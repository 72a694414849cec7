//! The feedback a member reads on a graded answer: the grade, the key points covered and missed,
//! each misconception stated with its correction, and one next step. The bot's messages and
//! `dailydrill grade` print the same text, so what an author tries on the command line is what
//! members will see.

use crate::corpus::Question;
use crate::domain::grading::{Grade, MAX_GRADE, NextStep, StoredGrade};

/// A misconception or red flag the answer stated, with what is true instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stated {
    pub claim: String,
    pub correction: String,
    pub red_flag: bool,
}

/// A graded answer in the member's terms: labels and sentences, no indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// 0 to 4.
    pub grade: u8,
    /// 0 to 100.
    pub score: u8,
    pub covered: Vec<String>,
    pub missed: Vec<String>,
    pub misconceptions: Vec<Stated>,
    pub next_step: String,
    /// False for a server deck's question without key points: there is nothing to score the
    /// answer against, so it earns the points for answering only.
    pub rubric: bool,
}

impl Assessment {
    /// `grade` of an answer to `question`; `None` when the question has left the corpus, whose
    /// labels are then unknown.
    pub fn new(question: Option<&Question>, grade: &Grade) -> Assessment {
        let key_points = question
            .map(|q| q.key_points.as_slice())
            .unwrap_or_default();
        let misconceptions = question
            .map(|q| q.misconceptions.as_slice())
            .unwrap_or_default();
        let label = |i: &usize| key_points.get(*i).map(|k| k.label.clone());
        let next_step = match grade.next_step(key_points) {
            NextStep::Unlearn(i) => match misconceptions.get(i) {
                Some(m) if m.red_flag => format!(
                    "Next step: drop the practice flagged above ({}) and say what you would do instead; interviewers treat it as a warning sign.",
                    m.claim
                ),
                _ => "Next step: read the correction above and say the right version in your own words. It is the claim an interviewer would probe first.".to_owned(),
            },
            NextStep::WriteSentences => "Next step: turn your list into sentences. For each term, say what it does and when you would use it; the right words alone earn little in an interview.".to_owned(),
            NextStep::Start => "Next step: start with one sentence that answers the question directly, then add one example. A partial answer still earns points.".to_owned(),
            NextStep::Learn(i) => format!(
                "Next step: learn the point you missed that counts most: {}. The model answer explains it.",
                label(&i).unwrap_or_default()
            ),
            NextStep::Deepen => "Next step: you covered every key point; next time add a trade-off or an example from production, as a senior candidate would.".to_owned(),
            NextStep::OwnWords => "Your answer repeats the model answer's wording, so it is scored as a copy: no key point is credited. Next step: close the model answer and explain the topic in your own words; what you can explain is what an interviewer hears.".to_owned(),
        };
        Assessment {
            grade: grade.grade,
            score: grade.score,
            covered: grade.covered.iter().filter_map(label).collect(),
            missed: grade.missed.iter().filter_map(label).collect(),
            misconceptions: grade
                .misconceptions
                .iter()
                .filter_map(|i| misconceptions.get(*i))
                .map(|m| Stated {
                    claim: m.claim.clone(),
                    correction: m.correction.clone(),
                    red_flag: m.red_flag,
                })
                .collect(),
            next_step,
            rubric: question.is_none_or(|q| !q.key_points.is_empty()),
        }
    }

    /// A grade read back from storage ([`Grade::recorded`]) in the member's words.
    pub fn recorded(
        question: Option<&Question>,
        covered: &[usize],
        score: u8,
        stored: Option<StoredGrade>,
    ) -> Assessment {
        let key_points = question.map_or(0, |q| q.key_points.len());
        Assessment::new(
            question,
            &Grade::recorded(key_points, covered, score, stored),
        )
    }

    /// The feedback as Discord Markdown.
    pub fn markdown(&self) -> String {
        if !self.rubric {
            return NO_RUBRIC.to_owned();
        }
        let mut text = format!(
            "**Grade {}/{MAX_GRADE} ({}) · score {}/100**",
            self.grade,
            grade_word(self.grade),
            self.score
        );
        for stated in &self.misconceptions {
            let what = if stated.red_flag {
                "Red flag"
            } else {
                "Misconception"
            };
            text.push_str(&format!(
                "\n\n**{what}:** {}\n**Correction:** {}",
                stated.claim, stated.correction
            ));
        }
        let list = |items: &[String]| {
            if items.is_empty() {
                "—".to_owned()
            } else {
                items
                    .iter()
                    .map(|i| format!("- {i}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        };
        text.push_str(&format!(
            "\n\n**Covered:**\n{}\n\n**Missed:**\n{}\n\n{}\n\n_{MEASURES}_",
            list(&self.covered),
            list(&self.missed),
            self.next_step
        ));
        text
    }
}

/// The feedback on an answer to a question with no rubric yet.
pub const NO_RUBRIC: &str = "**No rubric yet.** This question of the server's deck has no key points to score an answer against, so yours earns the points for answering only. Compare it with the model answer yourself: what did it say that you did not? An admin can add key points to the deck's file and import it again.";

/// What the score measures, said under every feedback so nobody reads it as a verdict on them.
pub const MEASURES: &str = "The score is the weighted share of the key points above that your answer states in sentences, capped when it states a misconception; it does not judge style, depth beyond them, or examples.";

/// The expert scale's words.
pub fn grade_word(grade: u8) -> &'static str {
    match grade {
        0 => "no credit yet",
        1 => "weak",
        2 => "partial",
        3 => "good",
        _ => "excellent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{KeyPoint, Misconception};

    fn question() -> Question {
        let point = |label: &str, weight: u8| KeyPoint {
            label: label.to_owned(),
            weight,
            phrasings: vec![label.to_lowercase()],
        };
        Question {
            id: "python-demo".parse().unwrap_or_else(|e| panic!("{e}")),
            track: "python".parse().unwrap_or_else(|e| panic!("{e}")),
            difficulty: crate::corpus::Difficulty::Easy,
            tags: Vec::new(),
            question: "Why?".to_owned(),
            question_line: 5,
            follow_ups: vec!["Why not?".to_owned()],
            sources: vec!["https://docs.python.org/3/".to_owned()],
            follow_up_of: None,
            answer: "Because.".to_owned(),
            key_points: vec![point("Alpha", 1), point("Beta", 3), point("Gamma", 1)],
            misconceptions: vec![Misconception {
                claim: "Delta is free".to_owned(),
                phrasings: vec!["delta & free".to_owned()],
                patterns: Vec::new(),
                correction: "Delta costs a query.".to_owned(),
                red_flag: false,
                line: 9,
            }],
            synonyms: Vec::new(),
            examples: Vec::new(),
            source: "q.md".to_owned(),
            suggested_by: None,
        }
    }

    #[test]
    fn feedback_names_points_corrections_and_one_next_step() {
        let q = question();
        let graded = crate::domain::grading::grade(&q, "The alpha is here, and delta is free.");
        let text = Assessment::new(Some(&q), &graded).markdown();
        assert!(text.starts_with("**Grade 1/4 (weak)"), "{text}");
        assert!(
            text.contains("**Misconception:** Delta is free\n**Correction:** Delta costs a query."),
            "{text}"
        );
        assert!(text.contains("**Covered:**\n- Alpha"), "{text}");
        assert!(text.contains("**Missed:**\n- Beta\n- Gamma"), "{text}");
        assert!(
            text.contains("It is the claim an interviewer would probe first."),
            "{text}"
        );
        assert!(
            text.ends_with(&format!("_{MEASURES}_")),
            "it says what the score measures: {text}"
        );
    }

    #[test]
    fn the_next_step_names_the_heaviest_missed_point() {
        let q = question();
        let graded = crate::domain::grading::grade(&q, "The alpha and the gamma are both here.");
        let a = Assessment::new(Some(&q), &graded);
        assert_eq!(a.missed, ["Beta"]);
        assert!(
            a.next_step.contains("counts most: Beta."),
            "{}",
            a.next_step
        );
    }

    #[test]
    fn an_answer_from_before_stored_grades_reads_as_its_coverage() {
        let q = question();
        let a = Assessment::recorded(Some(&q), &[0, 1], 80, None);
        assert_eq!((a.grade, a.score), (3, 80));
        assert_eq!((a.covered.len(), a.missed.len()), (2, 1));
        assert!(a.misconceptions.is_empty());
        let gone = Assessment::recorded(None, &[0], 50, None);
        assert!(gone.covered.is_empty() && gone.missed.is_empty());
    }
}
