//! The same delivery started from two sides at once, through the real bot on the fake Discord: an
//! admin's `/post-now` or `/reveal-now` against the scheduler's own pass, in both orders, with
//! seeded random delays and faults. Two deliveries of one parcel once froze the whole process
//! (both worker threads blocked on the outbox's lock), so every test here runs on its own runtime
//! under a wall-clock limit: a freeze fails the test instead of hanging it.

use std::time::{Duration, Instant};

use crate::common::channel::{model_answers, question_posts, threads_opened};
use crate::common::harness::{CHANNEL, Harness, admin, member, spec};
use crate::common::within;
use fake_discord::Fault;
use rand::{RngExt as _, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A fault for the next message the bot sends in the channel, or none.
fn random_fault(rng: &mut ChaCha8Rng) -> Option<Fault> {
    match rng.random_range(0..5) {
        0 => None,
        1 | 2 => Some(Fault::RateLimited {
            retry_after: Duration::from_millis(rng.random_range(30..120)),
        }),
        3 => Some(Fault::Status(500)),
        _ => Some(Fault::Slow(Duration::from_millis(
            rng.random_range(20..150),
        ))),
    }
}

/// The bot answers a member's command within a second: nothing is frozen.
async fn still_answers(h: &Harness) {
    let started = Instant::now();
    let id = h
        .fake
        .slash_command(&member(9), "streak", serde_json::json!([]));
    let answered = h
        .fake
        .wait_for(Duration::from_secs(1), |f| f.interaction_response(id))
        .await;
    assert!(
        answered.is_some(),
        "the bot did not answer /streak within 1 s (waited {:?})",
        started.elapsed()
    );
}

/// Starts an admin command and the scheduler's pass `gap` apart, in the given order, and waits
/// for both; returns the command's final text.
async fn race(h: &Harness, command: &str, admin_first: bool, gap: Duration) -> String {
    let which = serde_json::json!([{ "name": "schedule", "type": 4, "value": 1 }]);
    let (admin_delay, tick_delay) = if admin_first {
        (Duration::ZERO, gap)
    } else {
        (gap, Duration::ZERO)
    };
    let command_done = async {
        tokio::time::sleep(admin_delay).await;
        h.command_text(&admin(1), command, which.clone()).await
    };
    let tick_done = async {
        tokio::time::sleep(tick_delay).await;
        h.tick().await
    };
    let (text, _) = tokio::join!(command_done, tick_done);
    // A pass that found the parcel claimed leaves it to the other delivery; one more pass
    // delivers whatever the race left pending (a 500 retried past the command's attempts, say).
    h.tick().await;
    text
}

#[test]
fn two_deliveries_of_one_post_or_reveal_never_freeze_or_double() {
    within(Duration::from_secs(120), async {
        let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec()).await;
        let mut rng = ChaCha8Rng::seed_from_u64(13);
        let (mut posts, mut reveals) = (0, 0);
        for round in 0..16 {
            let admin_first = round % 2 == 0;
            let gap = Duration::from_millis(rng.random_range(0..80));

            // Post: /post-now against the pass that sends whatever is unsent.
            if let Some(fault) = random_fault(&mut rng) {
                h.fake
                    .fail_next("POST", &format!("/channels/{CHANNEL}/messages"), fault);
            }
            let text = race(&h, "post-now", admin_first, gap).await;
            assert!(
                text.starts_with("Posted") || text.contains("being posted"),
                "{text}"
            );
            posts += 1;
            assert_eq!(
                question_posts(&h.fake, CHANNEL).len(),
                posts,
                "round {round}: each question posted exactly once"
            );
            still_answers(&h).await;

            // Two members answer; then the reveal's first message meets a fault while an
            // admin's /reveal-now and the scheduler's pass deliver it.
            let post = h.latest_post_id();
            for user in [21, 22] {
                let saved = h
                    .answer(user, post, "select_related joins, prefetch_related batches")
                    .await;
                assert!(saved.starts_with("Saved"), "{saved}");
            }
            if let Some(fault) = random_fault(&mut rng) {
                h.fake
                    .fail_next("POST", &format!("/channels/{CHANNEL}/messages"), fault);
            }
            let text = race(&h, "reveal-now", !admin_first, gap).await;
            assert!(text.starts_with("Revealed"), "round {round}: {text}");
            reveals += 1;
            assert_eq!(
                model_answers(&h.fake, CHANNEL),
                reveals,
                "round {round}: each model answer posted exactly once"
            );
            assert_eq!(
                threads_opened(&h.fake),
                reveals,
                "round {round}: one thread each"
            );
            still_answers(&h).await;
        }
        h.stop().await;
    });
}
