//! Spaced review of a member's own answers: every graded answer (daily question, quiz, review)
//! rates the member's card for that question, and FSRS decides when it is due again. A missed
//! question comes back the next day; one answered perfectly, weeks later.
//!
//! The scheduler is `rs-fsrs` (the FSRS reference scheduler, with no optimiser): the bot has a
//! handful of reviews per member, far too few to train per-member weights, which is what the
//! heavier `fsrs` crate adds. Intervals are whole days (FSRS's long-term mode): the bot's
//! questions take minutes to answer, so same-day learning steps would only repeat a card the
//! member has just read the model answer of.

use chrono::{DateTime, TimeDelta, Utc};
use rs_fsrs::{Card, FSRS, Parameters, Rating, State};

use super::grading::MAX_GRADE;

/// The longest gap between two reviews: an interview season, not a lifetime.
pub const MAX_INTERVAL_DAYS: i32 = 180;

/// How well a member recalled a question, from the grade (0-4) their answer earned: the four
/// ratings FSRS schedules by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recall {
    /// Grade 0-1: nothing or a misconception; the card starts over.
    Again,
    /// Grade 2: partial.
    Hard,
    /// Grade 3: good.
    Good,
    /// Grade 4: excellent.
    Easy,
}

impl Recall {
    pub fn of_grade(grade: u8) -> Recall {
        match grade.min(MAX_GRADE) {
            0 | 1 => Recall::Again,
            2 => Recall::Hard,
            3 => Recall::Good,
            _ => Recall::Easy,
        }
    }

    /// The number FSRS and the review log use (1 again ... 4 easy).
    pub fn number(self) -> u8 {
        match self {
            Recall::Again => 1,
            Recall::Hard => 2,
            Recall::Good => 3,
            Recall::Easy => 4,
        }
    }

    fn rating(self) -> Rating {
        match self {
            Recall::Again => Rating::Again,
            Recall::Hard => Rating::Hard,
            Recall::Good => Rating::Good,
            Recall::Easy => Rating::Easy,
        }
    }
}

/// A member's memory of one question, as FSRS models it; stored as is.
#[derive(Debug, Clone, PartialEq)]
pub struct CardState {
    pub due: DateTime<Utc>,
    pub stability: f64,
    pub difficulty: f64,
    pub elapsed_days: i64,
    pub scheduled_days: i64,
    pub reps: i64,
    pub lapses: i64,
    /// 0 new, 1 learning, 2 review, 3 relearning (FSRS's states).
    pub state: u8,
    pub last_review: DateTime<Utc>,
}

impl CardState {
    fn to_fsrs(&self) -> Card {
        Card {
            due: self.due,
            stability: self.stability,
            difficulty: self.difficulty,
            elapsed_days: self.elapsed_days,
            scheduled_days: self.scheduled_days,
            reps: i32::try_from(self.reps).unwrap_or(i32::MAX),
            lapses: i32::try_from(self.lapses).unwrap_or(i32::MAX),
            state: match self.state {
                1 => State::Learning,
                2 => State::Review,
                3 => State::Relearning,
                _ => State::New,
            },
            last_review: self.last_review,
        }
    }

    fn from_fsrs(card: &Card) -> CardState {
        CardState {
            due: card.due,
            stability: card.stability,
            difficulty: card.difficulty,
            elapsed_days: card.elapsed_days,
            scheduled_days: card.scheduled_days,
            reps: i64::from(card.reps),
            lapses: i64::from(card.lapses),
            state: card.state as u8,
            last_review: card.last_review,
        }
    }
}

fn scheduler() -> FSRS {
    FSRS::new(Parameters {
        maximum_interval: MAX_INTERVAL_DAYS,
        enable_short_term: false,
        // Fuzz would need a seed per card to stay reproducible; a study group's cards are few
        // enough that they do not bunch up.
        enable_fuzz: false,
        ..Parameters::default()
    })
}

/// The card after an answer graded `grade` at `now`: a new card when the member had none.
pub fn rate(card: Option<&CardState>, grade: u8, now: DateTime<Utc>) -> CardState {
    let current = card.map_or_else(
        || Card {
            due: now,
            last_review: now,
            ..Card::default()
        },
        CardState::to_fsrs,
    );
    let next = scheduler().next(current, now, Recall::of_grade(grade).rating());
    let mut card = CardState::from_fsrs(&next.card);
    // rs-fsrs can overshoot its maximum by a day or two after an easy start: hold it to ours.
    card.due = card
        .due
        .min(now + TimeDelta::days(i64::from(MAX_INTERVAL_DAYS)));
    card
}

/// Whether the card is due at `now`.
pub fn is_due(card: &CardState, now: DateTime<Utc>) -> bool {
    card.due <= now
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn days(card: &CardState, from: DateTime<Utc>) -> i64 {
        (card.due - from).num_days()
    }

    #[test]
    fn grades_map_to_the_four_ratings() {
        let ratings: Vec<Recall> = (0..=5).map(Recall::of_grade).collect();
        assert_eq!(
            ratings,
            [
                Recall::Again,
                Recall::Again,
                Recall::Hard,
                Recall::Good,
                Recall::Easy,
                Recall::Easy
            ]
        );
        assert_eq!(Recall::of_grade(0).number(), 1);
        assert_eq!(Recall::of_grade(4).number(), 4);
    }

    #[test]
    fn a_missed_question_comes_back_first_and_a_perfect_one_last() {
        let now = utc("2026-06-01T09:00:00Z");
        let by_grade: Vec<i64> = (0..=4).map(|g| days(&rate(None, g, now), now)).collect();
        // A miss is due again the next day; each better grade waits at least as long.
        assert_eq!(by_grade[0], 1, "{by_grade:?}");
        assert!(by_grade.windows(2).all(|w| w[0] <= w[1]), "{by_grade:?}");
        assert!(
            by_grade[4] > by_grade[3] && by_grade[3] > by_grade[1],
            "{by_grade:?}"
        );
    }

    #[test]
    fn intervals_grow_with_each_good_recall_and_shrink_after_a_lapse() {
        let mut now = utc("2026-06-01T09:00:00Z");
        let mut card = rate(None, 3, now);
        let mut gaps = vec![days(&card, now)];
        for _ in 0..4 {
            now = card.due;
            card = rate(Some(&card), 3, now);
            gaps.push(days(&card, now));
        }
        assert!(gaps.windows(2).all(|w| w[0] < w[1]), "{gaps:?}");
        // A good first answer waits 3 days, then 11, 36, 105 (rs-fsrs 1.2.1 defaults).
        assert_eq!(gaps[0], 3);
        assert_eq!(card.reps, 5);
        assert!(gaps.iter().all(|&g| g <= i64::from(MAX_INTERVAL_DAYS)));

        now = card.due;
        let lapsed = rate(Some(&card), 0, now);
        assert_eq!(lapsed.lapses, 1);
        assert!(days(&lapsed, now) < *gaps.last().unwrap(), "{gaps:?}");
    }

    #[test]
    fn no_gap_is_longer_than_the_maximum() {
        let mut now = utc("2026-06-01T09:00:00Z");
        let mut card = rate(None, 4, now);
        for _ in 0..6 {
            now = card.due;
            card = rate(Some(&card), 4, now);
            assert!(days(&card, now) <= i64::from(MAX_INTERVAL_DAYS));
        }
    }

    #[test]
    fn an_early_review_is_scheduled_from_when_it_happened() {
        let start = utc("2026-06-01T09:00:00Z");
        let card = rate(None, 3, start);
        let early = start + TimeDelta::hours(12);
        let again = rate(Some(&card), 3, early);
        assert_eq!(again.last_review, early);
        assert!(again.due > early);
    }

    #[test]
    fn the_stored_form_round_trips() {
        let now = utc("2026-06-01T09:00:00Z");
        let card = rate(Some(&rate(None, 2, now)), 4, now + TimeDelta::days(3));
        assert_eq!(CardState::from_fsrs(&card.to_fsrs()), card);
        assert!(is_due(&card, card.due) && !is_due(&card, card.due - TimeDelta::seconds(1)));
    }
}
