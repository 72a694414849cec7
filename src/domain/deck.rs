//! Which question a schedule posts next: a seeded shuffle of the eligible questions per cycle, so
//! every question comes up once before any repeats, and the order survives restarts.

use std::collections::HashSet;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::corpus::QuestionId;

/// An odd 64-bit constant (2^64 / golden ratio). Multiplying the cycle by it spreads consecutive
/// cycles far apart, and since it is odd the map from cycle to mixed seed is one-to-one.
const CYCLE_MIX: u64 = 0x9E37_79B9_7F4A_7C15;

/// A schedule's position in its deck, stored with the schedule: the seed fixes every cycle's order,
/// the cycle says which of those orders is being worked through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeckState {
    pub seed: u64,
    pub cycle: u32,
}

/// The question to post and the cycle it belongs to; when `cycle` differs from the stored state the
/// caller has started a new cycle and stores it, so `used_in_cycle` starts afresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    pub question: QuestionId,
    pub cycle: u32,
}

/// Makes a schedule's deck seed when it is created. The rng is injected so tests can fix it and so
/// the domain never reaches for a global source of randomness.
pub fn new_seed(rng: &mut impl rand::Rng) -> u64 {
    rng.next_u64()
}

/// The order one cycle visits the questions in. Sorting and deduplicating first makes the order
/// depend only on the set of eligible ids, not on how the caller happened to list them.
pub fn cycle_order(eligible: &[QuestionId], seed: u64, cycle: u32) -> Vec<QuestionId> {
    let mut ids = eligible.to_vec();
    ids.sort();
    ids.dedup();
    // ChaCha8 rather than `StdRng`: the seed is stored in the database and must reproduce the same
    // order after a restart or an upgrade. `rand_chacha` documents a stable output stream for a
    // given seed, while `StdRng` may change algorithm in any rand release.
    let mut rng = ChaCha8Rng::seed_from_u64(mix(seed, cycle));
    ids.shuffle(&mut rng);
    ids
}

/// One seed per (schedule seed, cycle), so each cycle gets a fresh order; cycle 0 uses the seed
/// unchanged.
fn mix(seed: u64, cycle: u32) -> u64 {
    seed ^ u64::from(cycle).wrapping_mul(CYCLE_MIX)
}

/// Chooses the next question. Works from the current eligible set every time, so questions removed
/// from the corpus are never picked (and their stale entries in `used_in_cycle` are ignored), and
/// questions added mid-cycle take their place in this cycle's order and come up before it ends.
///
/// `used_in_cycle` holds the questions already posted in `state.cycle`, including `last_posted`
/// when it was posted in that cycle. `last_posted` only matters at a cycle boundary, where the new
/// order could otherwise start with the question just posted.
pub fn next(
    eligible: &[QuestionId],
    used_in_cycle: &HashSet<QuestionId>,
    last_posted: Option<&QuestionId>,
    state: DeckState,
) -> Option<Pick> {
    let current = cycle_order(eligible, state.seed, state.cycle);
    if let Some(question) = current.into_iter().find(|id| !used_in_cycle.contains(id)) {
        return Some(Pick {
            question,
            cycle: state.cycle,
        });
    }
    // Wrapping only matters after four billion cycles; it still yields a different order.
    let cycle = state.cycle.wrapping_add(1);
    let fresh = cycle_order(eligible, state.seed, cycle);
    let question = first_avoiding(fresh, last_posted)?;
    Some(Pick { question, cycle })
}

/// The first id of `order`, or the second when the first repeats `last` and there is a second.
fn first_avoiding(order: Vec<QuestionId>, last: Option<&QuestionId>) -> Option<QuestionId> {
    let mut ids = order.into_iter();
    let first = ids.next()?;
    if Some(&first) == last {
        Some(ids.next().unwrap_or(first))
    } else {
        Some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(names: &[&str]) -> Vec<QuestionId> {
        names.iter().map(|n| n.parse().unwrap()).collect()
    }

    fn qid(name: &str) -> QuestionId {
        name.parse().unwrap()
    }

    fn five() -> Vec<QuestionId> {
        ids(&["q-a", "q-b", "q-c", "q-d", "q-e"])
    }

    /// Drives a schedule the way the service does: pick, record, and reset `used` on a new cycle.
    struct Sim {
        state: DeckState,
        used: HashSet<QuestionId>,
        last: Option<QuestionId>,
    }

    impl Sim {
        fn new(seed: u64) -> Self {
            Sim {
                state: DeckState { seed, cycle: 0 },
                used: HashSet::new(),
                last: None,
            }
        }

        fn step(&mut self, eligible: &[QuestionId]) -> Option<Pick> {
            let pick = next(eligible, &self.used, self.last.as_ref(), self.state)?;
            if pick.cycle != self.state.cycle {
                self.state.cycle = pick.cycle;
                self.used.clear();
            }
            self.used.insert(pick.question.clone());
            self.last = Some(pick.question.clone());
            Some(pick)
        }
    }

    #[test]
    fn order_is_pinned_for_seed_42_cycle_0() {
        // If this fails the shuffle changed, and every stored deck would jump to a new order.
        let order = cycle_order(&five(), 42, 0);
        assert_eq!(order, ids(&["q-c", "q-b", "q-a", "q-e", "q-d"]));
        // Cycle 0 uses the seed as is; pin cycle 1 too so the seed/cycle mix is covered.
        let order = cycle_order(&five(), 42, 1);
        assert_eq!(order, ids(&["q-d", "q-b", "q-e", "q-a", "q-c"]));
    }

    #[test]
    fn same_seed_and_cycle_give_the_same_order_whatever_the_input_order() {
        let mut reversed = five();
        reversed.reverse();
        reversed.push(qid("q-c"));
        assert_eq!(cycle_order(&five(), 7, 3), cycle_order(&five(), 7, 3));
        assert_eq!(cycle_order(&reversed, 7, 3), cycle_order(&five(), 7, 3));
    }

    #[test]
    fn order_is_a_permutation_without_duplicates() {
        let mut dupes = five();
        dupes.extend(five());
        let mut order = cycle_order(&dupes, 99, 1);
        order.sort();
        assert_eq!(order, five());
    }

    #[test]
    fn another_cycle_gives_another_order() {
        assert_ne!(cycle_order(&five(), 42, 0), cycle_order(&five(), 42, 1));
    }

    #[test]
    fn another_seed_gives_another_order() {
        assert_ne!(cycle_order(&five(), 42, 0), cycle_order(&five(), 43, 0));
    }

    #[test]
    fn a_full_cycle_visits_every_question_exactly_once() {
        let deck = five();
        let mut sim = Sim::new(42);
        let picks: Vec<Pick> = (0..5).map(|_| sim.step(&deck).unwrap()).collect();
        assert!(picks.iter().all(|p| p.cycle == 0));
        let visited: Vec<QuestionId> = picks.into_iter().map(|p| p.question).collect();
        assert_eq!(visited, cycle_order(&deck, 42, 0));
        // The sixth pick starts cycle 1.
        assert_eq!(sim.step(&deck).unwrap().cycle, 1);
    }

    #[test]
    fn every_cycle_is_complete_over_many_cycles() {
        let deck = five();
        let mut sim = Sim::new(5);
        for cycle in 0..20u32 {
            let mut seen: Vec<QuestionId> = (0..5)
                .map(|_| {
                    let pick = sim.step(&deck).unwrap();
                    assert_eq!(pick.cycle, cycle);
                    pick.question
                })
                .collect();
            seen.sort();
            assert_eq!(seen, deck, "cycle {cycle}");
        }
    }

    #[test]
    fn a_question_added_mid_cycle_is_picked_before_the_cycle_ends() {
        let mut deck = five();
        let mut sim = Sim::new(42);
        for _ in 0..2 {
            sim.step(&deck).unwrap();
        }
        let added = qid("q-new");
        deck.push(added.clone());
        let rest: Vec<Pick> = (0..4).map(|_| sim.step(&deck).unwrap()).collect();
        assert!(rest.iter().all(|p| p.cycle == 0));
        assert!(rest.iter().any(|p| p.question == added));
        assert_eq!(sim.used.len(), 6);
        assert_eq!(sim.step(&deck).unwrap().cycle, 1);
    }

    #[test]
    fn a_removed_question_is_never_picked() {
        let full = five();
        let gone = cycle_order(&full, 11, 0).into_iter().last().unwrap();
        let mut sim = Sim::new(11);
        sim.step(&full).unwrap();
        let remaining: Vec<QuestionId> = full.iter().filter(|q| **q != gone).cloned().collect();
        for _ in 0..40 {
            assert_ne!(sim.step(&remaining).unwrap().question, gone);
        }
    }

    #[test]
    fn stale_used_ids_do_not_stop_the_cycle() {
        // Everything used, but one used id left the corpus: the cycle is over all the same.
        let deck = ids(&["q-a", "q-b"]);
        let used: HashSet<QuestionId> = ids(&["q-a", "q-b", "q-gone"]).into_iter().collect();
        let pick = next(&deck, &used, None, DeckState { seed: 1, cycle: 4 }).unwrap();
        assert_eq!(pick.cycle, 5);
        // A stale id alone does not count as using anything.
        let stale: HashSet<QuestionId> = ids(&["q-gone"]).into_iter().collect();
        let pick = next(&deck, &stale, None, DeckState { seed: 1, cycle: 4 }).unwrap();
        assert_eq!(pick.cycle, 4);
        assert_eq!(Some(&pick.question), cycle_order(&deck, 1, 4).first());
    }

    #[test]
    fn no_question_twice_in_a_row_over_100_cycles_of_three() {
        let deck = ids(&["q-x", "q-y", "q-z"]);
        for seed in [0, 1, 42, u64::MAX] {
            let mut sim = Sim::new(seed);
            let mut prev: Option<QuestionId> = None;
            for _ in 0..300 {
                let pick = sim.step(&deck).unwrap();
                assert_ne!(Some(&pick.question), prev.as_ref(), "seed {seed}");
                prev = Some(pick.question);
            }
            assert_eq!(sim.state.cycle, 99, "seed {seed}: 300 picks are 100 cycles");
        }
    }

    #[test]
    fn boundary_takes_the_second_when_the_first_repeats() {
        let deck = five();
        let state = DeckState { seed: 42, cycle: 0 };
        let used: HashSet<QuestionId> = deck.iter().cloned().collect();
        let fresh = cycle_order(&deck, 42, 1);
        let pick = next(&deck, &used, fresh.first(), state).unwrap();
        assert_eq!((pick.question, pick.cycle), (fresh[1].clone(), 1));
        let other = next(&deck, &used, fresh.get(3), state).unwrap();
        assert_eq!(other.question, fresh[0]);
    }

    #[test]
    fn a_one_question_deck_repeats() {
        let deck = ids(&["q-only"]);
        let mut sim = Sim::new(3);
        for cycle in 0..5 {
            let pick = sim.step(&deck).unwrap();
            assert_eq!((pick.question, pick.cycle), (qid("q-only"), cycle));
        }
    }

    #[test]
    fn an_empty_deck_picks_nothing() {
        let used: HashSet<QuestionId> = ids(&["q-a"]).into_iter().collect();
        let state = DeckState { seed: 9, cycle: 2 };
        assert_eq!(next(&[], &HashSet::new(), None, state), None);
        assert_eq!(next(&[], &used, Some(&qid("q-a")), state), None);
        assert!(cycle_order(&[], 9, 2).is_empty());
    }

    #[test]
    fn the_last_cycle_number_wraps_instead_of_panicking() {
        let deck = ids(&["q-a", "q-b"]);
        let used: HashSet<QuestionId> = deck.iter().cloned().collect();
        let state = DeckState {
            seed: 1,
            cycle: u32::MAX,
        };
        assert_eq!(next(&deck, &used, None, state).unwrap().cycle, 0);
    }

    #[test]
    fn works_on_the_bundled_corpus() {
        let corpus = crate::corpus::CorpusSource::Bundled.load().unwrap();
        let all: Vec<QuestionId> = corpus.questions().iter().map(|q| q.id.clone()).collect();
        let mut sim = Sim::new(2024);
        let mut visited: Vec<QuestionId> = (0..all.len())
            .map(|_| sim.step(&all).unwrap().question)
            .collect();
        visited.sort();
        let mut expected = all.clone();
        expected.sort();
        expected.dedup();
        assert_eq!(visited, expected);
    }

    #[test]
    fn new_seed_comes_from_the_injected_rng() {
        let mut a = ChaCha8Rng::seed_from_u64(1);
        let mut b = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(new_seed(&mut a), new_seed(&mut b));
        assert_ne!(new_seed(&mut a), new_seed(&mut a));
    }
}
