//! Discord misbehaving while the real bot works: a 429 on every route it uses (per route and
//! global), bursts of server errors, slow answers, and a gateway that drops, asks to reconnect or
//! invalidates the session at random points of thirty days. serenity runs as in production, with
//! its own rate limiter, against the fake served as `https://discord.com` (see
//! `FakeDiscord::http`). Every fault must cost exactly the invalid requests it injected: the bot
//! never repeats a request into a 429 or an error that cannot succeed.

use std::time::{Duration, Instant};

use crate::common::harness::*;
use fake_discord::{Fault, RecordedCall};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

/// Discord's `Retry-After` header counts whole seconds; serenity waits for it.
const RETRY_AFTER: Duration = Duration::from_secs(1);

fn rate_limited() -> Fault {
    Fault::RateLimited {
        retry_after: RETRY_AFTER,
    }
}

/// The calls since `from` on one route.
fn attempts(h: &Harness, from: usize, method: &str, prefix: &str) -> Vec<RecordedCall> {
    h.fake.calls()[from..]
        .iter()
        .filter(|c| c.method == method && c.path.starts_with(prefix))
        .cloned()
        .collect()
}

/// The first attempt on the route since `from` was refused with 429, and the next one came no
/// sooner than `Retry-After` and succeeded: waited out, and one invalid request, not a burst.
fn waited_out(h: &Harness, from: usize, method: &str, prefix: &str) {
    let tried = attempts(h, from, method, prefix);
    let seen: Vec<(u16, &str)> = tried.iter().map(|c| (c.status, c.path.as_str())).collect();
    assert!(tried.len() >= 2, "{method} {prefix}: {seen:?}");
    assert_eq!(tried[0].status, 429, "{method} {prefix}: {seen:?}");
    assert!(
        (200..300).contains(&tried[1].status),
        "{method} {prefix}: {seen:?}"
    );
    let gap = tried[1].at - tried[0].at;
    assert!(
        gap >= RETRY_AFTER,
        "{method} {prefix}: retried after {gap:?}, before Retry-After"
    );
}

fn questions(h: &Harness) -> usize {
    crate::common::channel::question_posts(&h.fake, CHANNEL).len()
}

fn model_answers(h: &Harness) -> usize {
    crate::common::channel::model_answers(&h.fake, CHANNEL)
}

fn threads(h: &Harness) -> usize {
    crate::common::channel::threads_opened(&h.fake)
}

/// The Discord message id of the newest question in the channel.
fn latest_question_message(h: &Harness) -> String {
    h.fake
        .messages_in(CHANNEL)
        .iter()
        .rev()
        .find(|m| m["embeds"][0].is_object())
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .expect("a question message")
}

#[tokio::test]
async fn a_429_on_every_route_is_waited_out_and_costs_one_invalid_request() {
    let mut h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    let channel_messages = format!("/channels/{CHANNEL}/messages");
    let mut injected = 0;

    // The daily post.
    let from = h.fake.calls().len();
    h.fake.fail_next("POST", &channel_messages, rate_limited());
    injected += 1;
    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    waited_out(&h, from, "POST", &channel_messages);
    let post = h.latest_post_id();
    let message = latest_question_message(&h);

    // A member's answer (the interaction callback, inside its 3 s) and the answer-count edit.
    let from = h.fake.calls().len();
    h.fake.fail_next("POST", "/interactions/", rate_limited());
    h.fake
        .fail_next("PATCH", &format!("{channel_messages}/"), rate_limited());
    injected += 2;
    let reply = h.answer(1, post, "the GIL").await;
    assert!(reply.starts_with("Saved."), "{reply}");
    waited_out(&h, from, "POST", "/interactions/");
    let edited = h
        .fake
        .wait_for(WAIT, |f| {
            f.calls()[from..]
                .iter()
                .any(|c| c.method == "PATCH" && c.status == 200)
                .then_some(())
        })
        .await;
    assert!(edited.is_some(), "the answer count was edited in the end");
    waited_out(&h, from, "PATCH", &format!("{channel_messages}/"));
    let footer =
        h.fake.message(message.parse().unwrap()).unwrap()["embeds"][0]["footer"]["text"].clone();
    assert_eq!(footer, "1 member has answered");

    // An admin's deferred command: its follow-up, the model answer and its thread.
    let from = h.fake.calls().len();
    h.fake.fail_next("POST", "/webhooks/", rate_limited());
    h.fake.fail_next(
        "POST",
        &format!("{channel_messages}/{message}/threads"),
        rate_limited(),
    );
    injected += 2;
    let text = h
        .command_text(
            &admin(9),
            "reveal-now",
            json!([{ "name": "schedule", "type": 4, "value": 1 }]),
        )
        .await;
    assert_eq!(text, "Revealed; 1 answer(s) scored.");
    waited_out(&h, from, "POST", "/webhooks/");
    waited_out(
        &h,
        from,
        "POST",
        &format!("{channel_messages}/{message}/threads"),
    );
    assert_eq!(model_answers(&h), 1);
    assert_eq!(threads(&h), 1);

    // The global limit: Discord refuses whatever comes next, here the second day's post.
    let from = h.fake.calls().len();
    h.fake.fail_next(
        "*",
        "/",
        Fault::GlobalRateLimited {
            retry_after: RETRY_AFTER,
        },
    );
    injected += 1;
    h.app.clock.set(crate::common::utc("2026-06-02T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    waited_out(&h, from, "POST", &channel_messages);

    // Command registration when the bot starts again.
    let from = h.fake.calls().len();
    h.fake.fail_next("PUT", "/applications/", rate_limited());
    injected += 1;
    h.restart().await;
    waited_out(&h, from, "PUT", "/applications/");

    assert_eq!(questions(&h), 2, "each post landed once");
    assert_eq!(model_answers(&h), 1, "the reveal landed once");
    assert_eq!(
        h.fake.invalid_requests(),
        injected,
        "one invalid request per 429, none more"
    );
    assert_eq!(h.fake.global_limit_violations(), 0);
    assert_nothing_pings(&h.fake, &[]);
    h.stop().await;
}

/// What the run injected, to compare with what Discord counted.
#[derive(Debug, Default)]
struct Injected {
    rate_limits: u64,
    server_errors: u64,
    slow: u64,
    gateway: u64,
    lost_interactions: u64,
    /// Of those, interactions Discord never delivered (the member waited in vain).
    undelivered: u64,
}

/// Something Discord may do just before a request: nothing most of the time.
fn maybe_fault(rng: &mut ChaCha8Rng, h: &Harness, method: &str, route: &str, seen: &mut Injected) {
    match rng.random_range(0..20) {
        0 => {
            h.fake.fail_next(method, route, rate_limited());
            seen.rate_limits += 1;
        }
        1..=3 => {
            // A burst of server errors: up to six in a row, more than one call's retries.
            for _ in 0..rng.random_range(1..=6) {
                let status = [500, 502, 503, 504][rng.random_range(0..4)];
                h.fake.fail_next(method, route, Fault::Status(status));
                seen.server_errors += 1;
            }
        }
        4 => {
            let delay = Duration::from_millis(rng.random_range(100..=800));
            h.fake.fail_next(method, route, Fault::Slow(delay));
            seen.slow += 1;
        }
        _ => {}
    }
}

/// A gateway fault at a random point: dropped, RECONNECT, or INVALID_SESSION either way.
fn maybe_gateway_fault(rng: &mut ChaCha8Rng, h: &Harness, seen: &mut Injected) {
    if !rng.random_bool(0.15) {
        return;
    }
    match rng.random_range(0..4) {
        0 => h.fake.drop_gateway(),
        1 => h.fake.send_reconnect(),
        2 => h.fake.send_invalid_session(true),
        _ => h.fake.send_invalid_session(false),
    }
    seen.gateway += 1;
}

/// A member submits the answer form until the bot acknowledges it, as a member does after
/// "This interaction failed" (a server error on the reply, or an interaction Discord could not
/// deliver while the session was re-identified).
async fn answer_until_saved(h: &Harness, user: u64, post: i64, seen: &mut Injected) {
    for _ in 0..8 {
        let id = h.fake.submit_modal(
            &member(user),
            &format!("answer:{post}"),
            &[("text", "the GIL")],
        );
        // Answered, or the reply failed (a server error, or too late: 10062), or nothing came
        // (dispatched while the session was being replaced, so Discord never delivered it).
        let callback = format!("/interactions/{id}/");
        let reply = h
            .fake
            .wait_for(Duration::from_millis(3500), |f| {
                if let Some(reply) = f.interaction_response(id) {
                    return Some(Some(reply));
                }
                f.calls()
                    .iter()
                    .any(|c| c.path.starts_with(&callback) && (c.status >= 500 || c.status == 404))
                    .then_some(None)
            })
            .await;
        if reply.is_none() {
            seen.undelivered += 1;
        }
        match reply.flatten() {
            Some(reply) => {
                let text = reply["data"]["content"].as_str().unwrap_or_default();
                assert!(text.starts_with("Saved."), "{text}");
                return;
            }
            None => seen.lost_interactions += 1,
        }
    }
    panic!("member {user} never got an answer for post {post}");
}

/// Ticks a minute apart until `done`, as the scheduler does after a delivery Discord refused.
async fn tick_until(
    h: &Harness,
    at: chrono::DateTime<chrono::Utc>,
    done: impl Fn(&Harness) -> bool,
) {
    for minute in 0..10 {
        h.app.clock.set(at + chrono::Duration::minutes(minute));
        h.tick().await;
        if done(h) {
            return;
        }
    }
    panic!("not delivered after ten ticks");
}

#[tokio::test]
async fn thirty_days_of_random_discord_faults_lose_nothing_and_double_nothing() {
    let started = Instant::now();
    let h = Harness::with_schedule("2026-03-01T08:00:00Z", spec_at("21:00")).await;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut seen = Injected::default();
    let channel_messages = format!("/channels/{CHANNEL}/messages");
    let members = [31, 32, 33];
    for day in 0..30 {
        let morning = crate::common::utc("2026-03-01T09:00:00Z") + chrono::Duration::days(day);
        let posted = day as usize + 1;

        maybe_fault(&mut rng, &h, "POST", &channel_messages, &mut seen);
        maybe_gateway_fault(&mut rng, &h, &mut seen);
        tick_until(&h, morning, |h| questions(h) == posted).await;
        let post = h.latest_post_id();

        for user in members {
            maybe_fault(&mut rng, &h, "POST", "/interactions/", &mut seen);
            maybe_fault(&mut rng, &h, "PATCH", &channel_messages, &mut seen);
            maybe_gateway_fault(&mut rng, &h, &mut seen);
            answer_until_saved(&h, user, post, &mut seen).await;
        }

        let message = latest_question_message(&h);
        maybe_fault(&mut rng, &h, "POST", &channel_messages, &mut seen);
        maybe_fault(
            &mut rng,
            &h,
            "POST",
            &format!("{channel_messages}/{message}/threads"),
            &mut seen,
        );
        maybe_gateway_fault(&mut rng, &h, &mut seen);
        tick_until(&h, morning + chrono::Duration::hours(12), |h| {
            model_answers(h) == posted && threads(h) == posted
        })
        .await;
    }
    // Faults queued for a request that never came (a reveal without a second part, an edit
    // coalesced away) must not be counted as sent.
    let unused = h.fake.pending_faults();
    let unused_429s = unused
        .iter()
        .filter(|f| matches!(f, Fault::RateLimited { .. }))
        .count() as u64;

    assert_eq!(questions(&h), 30, "one question a day");
    assert_eq!(model_answers(&h), 30, "one model answer a day");
    assert_eq!(threads(&h), 30, "one thread a day");
    for user in members {
        assert_eq!(
            h.command_text(&member(user), "streak", json!([])).await,
            "Schedule #1: **30** answered in a row (longest 30); 2 freeze(s) in reserve, each keeps the streak through a missed day",
            "member {user}"
        );
    }
    let answers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answers")
        .fetch_one(h.app.service.store().pool())
        .await
        .unwrap();
    assert_eq!(answers, 90, "every acknowledged answer is stored, once");
    let refused_twice = h
        .fake
        .calls()
        .iter()
        .filter(|c| c.path.starts_with("/interactions/") && c.status == 400)
        .count();
    assert_eq!(refused_twice, 0, "no interaction answered twice");
    assert_eq!(
        h.fake.invalid_requests(),
        seen.rate_limits - unused_429s,
        "one invalid request per 429 that was served, none more: {seen:?}, unused {unused:?}"
    );
    assert_eq!(h.fake.global_limit_violations(), 0);
    assert!(
        seen.rate_limits > 5 && seen.server_errors > 20 && seen.gateway > 10 && seen.slow > 5,
        "the run hit every kind of fault: {seen:?}"
    );
    eprintln!(
        "faults injected: {seen:?}; left unused: {unused:?}; {:.1} s",
        started.elapsed().as_secs_f64()
    );
    h.stop().await;
}
