//! The points an answer earns from its grade's score.

/// Points for answering a daily question before its reveal, whatever the answer covers: showing up
/// is what keeps a study group going, so it earns something on its own.
pub const ANSWER_POINTS: u32 = 10;

/// Points for a score of 100; a lower score earns its share of them, so a thorough answer is
/// worth up to three times a bare attempt.
pub const COVERAGE_POINTS: u32 = 20;

/// The points an answer earns, as an exact integer so scores are reproducible everywhere:
/// ANSWER_POINTS (10) for answering, plus COVERAGE_POINTS (20) times the score (0–100, see
/// `domain::grading`) divided by 100, rounded to the nearest whole point (an integer score never lands on a half).
pub fn points(score: u8) -> u32 {
    ANSWER_POINTS + (COVERAGE_POINTS * u32::from(score.min(100)) + 50) / 100
}

/// The points of a daily answer to a question the member had practised in a quiz before the
/// reveal: they had seen its model answer, so the score measures recall of it, not what they knew.
/// Answering still earns ANSWER_POINTS; the score earns nothing. Without this, a keen member who
/// quizzes ahead sees the model answers of future daily questions and tops the leaderboard.
pub fn points_after_practice() -> u32 {
    ANSWER_POINTS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_practised_question_earns_only_the_answer_points() {
        assert_eq!(points_after_practice(), points(0));
        assert!(points_after_practice() < points(100));
    }

    #[test]
    fn points_run_from_ten_to_thirty_with_halves_up() {
        let cases = [
            (0, 10),
            (25, 15),
            (33, 17),
            (50, 20),
            (67, 23),
            (100, 30),
            (255, 30),
        ];
        for (score, want) in cases {
            assert_eq!(points(score), want, "{score}");
        }
        // 20 · 13 / 100 = 2.6 → 3; 20 · 12 / 100 = 2.4 → 2; 20 · 38 / 100 = 7.6 → 8.
        assert_eq!(points(13), 13);
        assert_eq!(points(12), 12);
        assert_eq!(points(38), 18);
    }
}
