//! Contention on the outbox: many tasks delivering the same parcels at once (scheduler passes and
//! start-up catch-ups), with 429s, 5xx and slow answers injected at random, and the bot killed
//! and restarted in the middle of it. Seeded; about ten seconds. Every question, model answer and
//! thread must exist exactly once, no claim or edit may be left behind, and the bot must still
//! answer a command within a second. On the commit before the claim fix this froze the process
//! within the first round.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::common::harness::{GUILD, Harness, member, spec};
use crate::common::within;
use dailydrill::discord::outbox::Outbox;
use dailydrill::discord::scheduler;
use dailydrill::domain::ids::{ChannelId, GuildId};
use dailydrill::service::Service;
use fake_discord::{FakeDiscord, Fault};
use poise::serenity_prelude as serenity;
use rand::{RngExt as _, SeedableRng};
use rand_chacha::ChaCha8Rng;

const CHANNELS: [u64; 3] = [77, 78, 79];
const RACERS: usize = 8;

/// Queues `count` random faults on the message routes of the test's channels.
fn inject_faults(fake: &FakeDiscord, rng: &mut ChaCha8Rng, count: usize) {
    for _ in 0..count {
        let channel = CHANNELS[rng.random_range(0..CHANNELS.len())];
        let fault = match rng.random_range(0..4) {
            0 => Fault::RateLimited {
                retry_after: Duration::from_millis(rng.random_range(20..100)),
            },
            1 => Fault::Status(500),
            2 => Fault::Status(502),
            _ => Fault::Slow(Duration::from_millis(rng.random_range(20..200))),
        };
        let route = match rng.random_range(0..3) {
            0 => format!("/channels/{channel}/threads"),
            _ => format!("/channels/{channel}/messages"),
        };
        let method = if route.ends_with("/messages") && rng.random_bool(0.2) {
            "PATCH"
        } else {
            "POST"
        };
        fake.fail_next(method, &route, fault);
    }
}

/// `RACERS` tasks, each running scheduler passes and catch-ups over the same parcels with random
/// pauses, as overlapping ticks, a start-up catch-up and admin commands would.
fn race(
    http: &Arc<serenity::Http>,
    service: &Service,
    outbox: &Outbox,
    rng: &mut ChaCha8Rng,
) -> tokio::task::JoinSet<()> {
    let mut racers = tokio::task::JoinSet::new();
    for _ in 0..RACERS {
        let (http, service, outbox) = (http.clone(), service.clone(), outbox.clone());
        let plan: Vec<(bool, u64)> = (0..4)
            .map(|_| (rng.random_bool(0.5), rng.random_range(0..40)))
            .collect();
        racers.spawn(async move {
            for (full_tick, pause) in plan {
                tokio::time::sleep(Duration::from_millis(pause)).await;
                if full_tick {
                    scheduler::tick(&http, &service, &outbox).await;
                } else {
                    scheduler::resend_unsent(&http, &service, &outbox).await;
                }
            }
        });
    }
    racers
}

/// How many messages of each kind exist per post: its question (by the Answer button's id) and
/// its model answer (by the reveal's nonce-bearing reply).
fn questions_per_post(fake: &FakeDiscord) -> HashMap<i64, usize> {
    let mut seen = HashMap::new();
    for channel in CHANNELS {
        for post in crate::common::channel::question_posts(fake, channel) {
            *seen.entry(post).or_default() += 1;
        }
    }
    seen
}

fn model_answers(fake: &FakeDiscord) -> usize {
    CHANNELS
        .iter()
        .map(|c| crate::common::channel::model_answers(fake, *c))
        .sum()
}

#[test]
fn many_deliveries_of_the_same_parcels_with_faults_and_a_restart_deliver_each_once() {
    within(Duration::from_secs(120), async {
        let mut h = Harness::spawn("2026-06-01T08:00:00Z").await;
        let mut rng = ChaCha8Rng::seed_from_u64(2026);
        let guild = GuildId(GUILD);
        let mut schedules = Vec::new();
        for channel in CHANNELS {
            let s = h
                .app
                .service
                .add_schedule(
                    guild,
                    dailydrill::service::ScheduleSpec {
                        channel: ChannelId(channel),
                        ..spec()
                    },
                )
                .await
                .unwrap();
            schedules.push(s.id);
        }
        let mut posts = Vec::new();
        for round in 0..3 {
            // Two questions per schedule, committed and not yet sent.
            for s in &schedules {
                for _ in 0..2 {
                    posts.push(h.app.service.post_now(guild, *s).await.unwrap().id.0);
                }
            }
            inject_faults(&h.fake, &mut rng, 12);
            let mut racers = race(&h.http, &h.app.service, &h.outbox, &mut rng);
            if round == 1 {
                // Killed in the middle of it: the racers die with the process, which restarts
                // on the same database with nothing in memory.
                tokio::time::sleep(Duration::from_millis(rng.random_range(10..120))).await;
                racers.abort_all();
                while racers.join_next().await.is_some() {}
                h.restart().await;
            } else {
                while let Some(done) = racers.join_next().await {
                    done.expect("a racer panicked");
                }
            }
            // One quiet pass settles what a fault left pending.
            scheduler::tick(&h.http, &h.app.service, &h.outbox).await;
            let seen = questions_per_post(&h.fake);
            for post in &posts {
                assert_eq!(seen.get(post), Some(&1), "round {round}: post {post} once");
            }
            assert_eq!(seen.len(), posts.len(), "round {round}: no stray question");

            // Members answer, then every open question is revealed and raced again.
            for post in &posts[posts.len() - 6..] {
                let saved = h.answer(31, *post, "the GIL and threads").await;
                assert!(saved.starts_with("Saved"), "{saved}");
            }
            for s in &schedules {
                for _ in 0..2 {
                    h.app.service.reveal_now(guild, *s).await.unwrap();
                }
            }
            inject_faults(&h.fake, &mut rng, 12);
            let mut racers = race(&h.http, &h.app.service, &h.outbox, &mut rng);
            while let Some(done) = racers.join_next().await {
                done.expect("a racer panicked");
            }
            scheduler::tick(&h.http, &h.app.service, &h.outbox).await;
            assert_eq!(
                model_answers(&h.fake),
                posts.len(),
                "round {round}: one model answer per question"
            );
            assert_eq!(
                crate::common::channel::threads_opened(&h.fake),
                posts.len(),
                "round {round}: one thread per question"
            );
            assert!(h.app.service.unsent_posts().await.unwrap().is_empty());
            assert!(h.app.service.unsent_reveals().await.unwrap().is_empty());

            // Nothing is left claimed or being edited, and the bot still answers at once.
            for post in &posts {
                let post = dailydrill::domain::ids::PostId(*post);
                for parcel in [
                    dailydrill::discord::outbox::Parcel::Post(post),
                    dailydrill::discord::outbox::Parcel::Reveal(post),
                ] {
                    assert!(
                        !h.outbox.claims().is_held(parcel),
                        "{parcel:?} left claimed"
                    );
                }
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert_eq!(h.outbox.edits_under_way(), 0, "an edit left behind");
            let id = h
                .fake
                .slash_command(&member(9), "streak", serde_json::json!([]));
            assert!(
                h.fake
                    .wait_for(Duration::from_secs(1), |f| f.interaction_response(id))
                    .await
                    .is_some(),
                "round {round}: the bot answers a command within 1 s"
            );
        }
        // Every closed question shows its final state: answers closed, button greyed out.
        for post in &posts {
            let closed = CHANNELS.iter().any(|c| {
                h.fake.messages_in(*c).iter().any(|m| {
                    fake_discord::first_component(m)["custom_id"].as_str()
                        == Some(&format!("ans:{post}"))
                        && fake_discord::first_component(m)["disabled"] == true
                })
            });
            assert!(closed, "post {post} shows answers closed");
        }
        h.stop().await;
    });
}
