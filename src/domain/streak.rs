//! Streak rules for one member on one schedule: how answering extends a streak, how freezes are
//! earned and spent, and when a streak breaks.
//!
//! Outcomes are applied one post at a time, in post order, when each post is revealed. A miss that a
//! freeze covers keeps `current` where it was: it does not add a day, so it does not count towards
//! the next freeze either.

/// How many answered posts in a row earn a freeze; a week of a daily schedule, so a member who
/// keeps up can afford an occasional day off without losing the streak.
pub const FREEZE_EVERY: u32 = 7;

/// The most freezes a member can bank; a cap keeps a long streak from surviving weeks of absence.
pub const MAX_FREEZES: u8 = 2;

/// A member's streak on one schedule. Stored per (schedule, member) and replaced by the result of
/// [`Streak::apply`] at each reveal, so the rules stay in one pure function.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Streak {
    /// Answered posts in a row, not counting misses a freeze covered.
    pub current: u32,
    /// The best `current` ever reached; kept when the streak breaks so members keep their record.
    pub longest: u32,
    /// Banked freezes, at most [`MAX_FREEZES`].
    pub freezes: u8,
}

/// What a member did with one revealed post; the only input the streak rules need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Answered,
    Missed,
}

/// What applying an outcome did, so the bot can tell the member (or stay quiet when `Unchanged`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreakEvent {
    /// The streak grew by one.
    Extended,
    /// The streak grew by one and reached a multiple of [`FREEZE_EVERY`], banking a freeze.
    FreezeEarned,
    /// A miss was covered by a banked freeze; the streak is kept but does not grow.
    FreezeSpent,
    /// A miss with no freeze left reset the streak to zero.
    Broken,
    /// A miss with no streak to lose.
    Unchanged,
}

impl Streak {
    /// Applies one revealed post's outcome. Returns the new state rather than mutating so callers
    /// can store it and report the event in one step, and so replays are trivially testable.
    pub fn apply(self, outcome: Outcome) -> (Streak, StreakEvent) {
        match outcome {
            Outcome::Answered => self.answered(),
            Outcome::Missed => self.missed(),
        }
    }

    fn answered(self) -> (Streak, StreakEvent) {
        let current = self.current.saturating_add(1);
        let grew = current > self.current;
        let mut next = Streak {
            current,
            longest: self.longest.max(current),
            freezes: self.freezes,
        };
        // `grew` keeps a saturated counter from earning a freeze on every later answer.
        if grew && current % FREEZE_EVERY == 0 && self.freezes < MAX_FREEZES {
            next.freezes = self.freezes.saturating_add(1);
            (next, StreakEvent::FreezeEarned)
        } else {
            (next, StreakEvent::Extended)
        }
    }

    fn missed(self) -> (Streak, StreakEvent) {
        if self.current == 0 {
            (self, StreakEvent::Unchanged)
        } else if self.freezes > 0 {
            let next = Streak {
                freezes: self.freezes - 1,
                ..self
            };
            (next, StreakEvent::FreezeSpent)
        } else {
            let next = Streak { current: 0, ..self };
            (next, StreakEvent::Broken)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Outcome::{Answered, Missed};
    use StreakEvent::*;

    fn s(current: u32, longest: u32, freezes: u8) -> Streak {
        Streak {
            current,
            longest,
            freezes,
        }
    }

    /// Applies `outcomes` in order and returns every event plus the final state.
    fn run(start: Streak, outcomes: &[Outcome]) -> (Streak, Vec<StreakEvent>) {
        outcomes
            .iter()
            .fold((start, Vec::new()), |(st, mut evs), &o| {
                let (next, ev) = st.apply(o);
                evs.push(ev);
                (next, evs)
            })
    }

    #[test]
    fn default_is_all_zero() {
        assert_eq!(Streak::default(), s(0, 0, 0));
    }

    #[test]
    fn first_answer_starts_a_streak() {
        assert_eq!(Streak::default().apply(Answered), (s(1, 1, 0), Extended));
    }

    #[test]
    fn seven_answers_earn_one_freeze_on_the_seventh() {
        let (end, evs) = run(Streak::default(), &[Answered; 7]);
        assert_eq!(evs, [vec![Extended; 6], vec![FreezeEarned]].concat());
        assert_eq!(end, s(7, 7, 1));
    }

    #[test]
    fn fourteen_answers_earn_two_freezes() {
        let (end, evs) = run(Streak::default(), &[Answered; 14]);
        assert_eq!(evs[6], FreezeEarned);
        assert_eq!(evs[13], FreezeEarned);
        assert_eq!(evs.iter().filter(|e| **e == FreezeEarned).count(), 2);
        assert_eq!(end, s(14, 14, 2));
    }

    #[test]
    fn twenty_one_answers_stay_capped_at_two_freezes() {
        let (end, evs) = run(Streak::default(), &[Answered; 21]);
        assert_eq!(
            evs[20], Extended,
            "the cap turns the third earn into a plain extend"
        );
        assert_eq!(end, s(21, 21, MAX_FREEZES));
    }

    #[test]
    fn miss_with_a_freeze_spends_it_and_keeps_current() {
        assert_eq!(s(9, 12, 1).apply(Missed), (s(9, 12, 0), FreezeSpent));
        assert_eq!(s(9, 12, 2).apply(Missed), (s(9, 12, 1), FreezeSpent));
    }

    #[test]
    fn miss_without_a_freeze_breaks_but_keeps_longest() {
        assert_eq!(s(5, 5, 0).apply(Missed), (s(0, 5, 0), Broken));
        assert_eq!(s(3, 20, 0).apply(Missed), (s(0, 20, 0), Broken));
    }

    #[test]
    fn miss_with_no_streak_is_unchanged_and_keeps_freezes() {
        assert_eq!(Streak::default().apply(Missed), (s(0, 0, 0), Unchanged));
        // A broken streak never has freezes left, but a stored row might; they are not wasted.
        assert_eq!(s(0, 8, 1).apply(Missed), (s(0, 8, 1), Unchanged));
    }

    #[test]
    fn answering_after_a_break_does_not_lower_longest() {
        let (end, _) = run(s(0, 10, 0), &[Answered; 3]);
        assert_eq!(end, s(3, 10, 0));
    }

    #[test]
    fn covered_miss_does_not_count_towards_the_next_freeze() {
        // 7 answers (freeze), a covered miss, then 6 answers reaches 13, not 14: no second freeze.
        let mut outcomes = vec![Answered; 7];
        outcomes.push(Missed);
        outcomes.extend([Answered; 6]);
        let (end, evs) = run(Streak::default(), &outcomes);
        assert_eq!(evs[7], FreezeSpent);
        assert_eq!(end, s(13, 13, 0));
        // The 14th real answer earns it.
        assert_eq!(end.apply(Answered), (s(14, 14, 1), FreezeEarned));
    }

    #[test]
    fn freeze_earned_only_at_multiples_when_restarted_mid_week() {
        // Breaking resets the count, so the next freeze needs seven fresh answers.
        let (end, evs) = run(s(0, 6, 0), &[Answered; 6]);
        assert!(!evs.contains(&FreezeEarned));
        assert_eq!(end.apply(Answered).1, FreezeEarned);
    }

    #[test]
    fn a_full_cap_does_not_block_earning_after_spending() {
        // At 14 with 2 freezes, spend one, then reach 21: the freed slot is refilled.
        let mut outcomes = vec![Missed];
        outcomes.extend([Answered; 7]);
        let (end, evs) = run(s(14, 14, 2), &outcomes);
        assert_eq!(evs.first(), Some(&FreezeSpent));
        assert_eq!(evs.last(), Some(&FreezeEarned));
        assert_eq!(end, s(21, 21, 2));
    }

    #[test]
    fn thirty_post_sequence_ends_in_the_exact_expected_state() {
        let a = Answered;
        let m = Missed;
        #[rustfmt::skip]
        let steps: [(Outcome, Streak, StreakEvent); 30] = [
            (m, s(0, 0, 0), Unchanged),    // 1
            (a, s(1, 1, 0), Extended),     // 2
            (a, s(2, 2, 0), Extended),     // 3
            (a, s(3, 3, 0), Extended),     // 4
            (m, s(0, 3, 0), Broken),       // 5
            (a, s(1, 3, 0), Extended),     // 6
            (a, s(2, 3, 0), Extended),     // 7
            (a, s(3, 3, 0), Extended),     // 8
            (a, s(4, 4, 0), Extended),     // 9
            (a, s(5, 5, 0), Extended),     // 10
            (a, s(6, 6, 0), Extended),     // 11
            (a, s(7, 7, 1), FreezeEarned), // 12
            (m, s(7, 7, 0), FreezeSpent),  // 13
            (a, s(8, 8, 0), Extended),     // 14
            (a, s(9, 9, 0), Extended),     // 15
            (a, s(10, 10, 0), Extended),   // 16
            (a, s(11, 11, 0), Extended),   // 17
            (a, s(12, 12, 0), Extended),   // 18
            (a, s(13, 13, 0), Extended),   // 19
            (a, s(14, 14, 1), FreezeEarned), // 20
            (m, s(14, 14, 0), FreezeSpent),  // 21
            (m, s(0, 14, 0), Broken),        // 22
            (m, s(0, 14, 0), Unchanged),     // 23
            (a, s(1, 14, 0), Extended),      // 24
            (a, s(2, 14, 0), Extended),      // 25
            (a, s(3, 14, 0), Extended),      // 26
            (a, s(4, 14, 0), Extended),      // 27
            (a, s(5, 14, 0), Extended),      // 28
            (a, s(6, 14, 0), Extended),      // 29
            (a, s(7, 14, 1), FreezeEarned),  // 30
        ];
        let mut st = Streak::default();
        for (i, (outcome, want, event)) in steps.iter().enumerate() {
            let (next, ev) = st.apply(*outcome);
            assert_eq!((next, ev), (*want, *event), "post {}", i + 1);
            st = next;
        }
        assert_eq!(st, s(7, 14, 1));
    }

    #[test]
    fn counters_saturate_instead_of_overflowing() {
        let top = s(u32::MAX, u32::MAX, 0);
        assert_eq!(top.apply(Answered), (top, Extended));
        // u32::MAX - 3 is a multiple of 7: reaching it earns, but staying at the cap earns nothing more.
        let near = s(u32::MAX - 4, u32::MAX - 4, 0);
        assert_eq!(near.apply(Answered).1, FreezeEarned);
        let (end, evs) = run(near, &[Answered; 10]);
        assert_eq!(evs.iter().filter(|e| **e == FreezeEarned).count(), 1);
        assert_eq!(end, s(u32::MAX, u32::MAX, 1));
    }

    #[test]
    fn freezes_above_the_cap_are_not_increased() {
        // A row written by an older version with more freezes must not grow further or panic.
        let (end, ev) = s(6, 6, u8::MAX).apply(Answered);
        assert_eq!((end, ev), (s(7, 7, u8::MAX), Extended));
    }
}
