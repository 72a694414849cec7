//! Stopping the release binary the way an operator does, in every phase of its life: SIGTERM or
//! Ctrl-C while it checks its API, while the gateway cannot be reached, while it reconnects,
//! and in the middle of a fan-out of daily posts. It must exit 0 within 10 s each time, keep
//! every answer it acknowledged, and finish what it left on the next start without doubling.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::common::process::Bot;
use chrono::{DurationRound as _, Timelike as _, Utc};
use dailydrill::clock::ManualClock;
use dailydrill::config::DatabaseUrl;
use dailydrill::domain::ids::{ChannelId, GuildId};
use dailydrill::service::{ScheduleSpec, Service};
use dailydrill::store::Store;
use fake_discord::{FakeDiscord, FakeOptions, Fault, Invoker};

const GUILD: u64 = 4242;
/// What the process may take after a stop signal: systemd's and Docker's patience is 10 s.
const STOP_LIMIT: Duration = Duration::from_secs(10);
const WAIT: Duration = Duration::from_secs(20);

async fn fake() -> FakeDiscord {
    let fake = FakeDiscord::start(FakeOptions::default()).await.unwrap();
    fake.add_guild(GUILD);
    fake
}

fn database(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("bot.db").display())
}

/// A database with `count` daily schedules, one per channel (1001, 1002, ...), each due a
/// minute ago by the real clock, so that the binary posts them all as soon as it starts.
async fn due_schedules(url: &str, count: u64) {
    let fire = Utc::now()
        .duration_trunc(chrono::Duration::minutes(1))
        .unwrap()
        - chrono::Duration::minutes(1);
    let store = Store::open(&DatabaseUrl::parse(url).unwrap())
        .await
        .unwrap();
    let corpus = Arc::new(dailydrill::corpus::CorpusSource::Bundled.load().unwrap());
    let clock = ManualClock::new(fire - chrono::Duration::minutes(2));
    let service = Service::new(store, corpus, Arc::new(clock), 7);
    let time = format!("{:02}:{:02}", fire.hour(), fire.minute());
    for n in 0..count {
        let spec = ScheduleSpec {
            channel: ChannelId(1001 + n),
            time: time.parse().unwrap(),
            zone: "UTC".parse().unwrap(),
            tracks: Vec::new(),
            reveal: "24h".parse().unwrap(),
            mention_role: None,
            difficulty: None,
            days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
        };
        service.add_schedule(GuildId(GUILD), spec).await.unwrap();
    }
    service.store().close().await;
}

/// Asserts a clean stop: exit 0 within the limit, and the log says so.
async fn stops_cleanly(bot: Bot, what: &str) {
    let exited = bot.exits_within(STOP_LIMIT).await;
    let log = &exited.stderr;
    assert_eq!(exited.code, Some(0), "{what}: exit code; log: {log}");
    assert!(
        log.contains("shutting down") && log.contains("stopped"),
        "{what}: {log}"
    );
    eprintln!("{what}: stopped in {:?}", exited.took);
}

#[tokio::test]
async fn a_stop_while_the_gateway_cannot_be_reached_exits_at_once() {
    for signal in ["TERM", "INT"] {
        let fake = fake().await;
        fake.set_gateway_down(true);
        let tmp = tempfile::tempdir().unwrap();
        let url = database(tmp.path());
        let bot = Bot::against(&fake, tmp.path(), &[("DATABASE_URL", &url)]);
        assert!(bot.wait_for_log("connecting to Discord", WAIT).await);
        // serenity retries the gateway in a loop; stop it in the middle of that.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        bot.signal(signal);
        stops_cleanly(bot, &format!("SIG{signal} while connecting")).await;
        fake.shutdown().await;
    }
}

#[tokio::test]
async fn a_stop_during_start_up_exits_cleanly() {
    // The corpus loads, the database migrates, the decks load: a stop in any of them is obeyed
    // after the step under way, with exit 0, never the default death by signal.
    let fake = fake().await;
    for signal in ["TERM", "INT"] {
        let tmp = tempfile::tempdir().unwrap();
        let url = database(tmp.path());
        let bot = Bot::against(&fake, tmp.path(), &[("DATABASE_URL", &url)]);
        assert!(bot.wait_for_log("starting: loading the corpus", WAIT).await);
        bot.signal(signal);
        stops_cleanly(bot, &format!("SIG{signal} during start-up")).await;
    }
    fake.shutdown().await;
}

#[tokio::test]
async fn a_stop_while_reconnecting_or_checking_the_api_exits_at_once() {
    // Connected, then the gateway goes away: the bot tries to reconnect.
    let fake = fake().await;
    let tmp = tempfile::tempdir().unwrap();
    let url = database(tmp.path());
    let bot = Bot::against(&fake, tmp.path(), &[("DATABASE_URL", &url)]);
    assert!(bot.wait_for_log("slash commands registered", WAIT).await);
    fake.set_gateway_down(true);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    bot.signal("TERM");
    stops_cleanly(bot, "SIGTERM while reconnecting").await;

    // The API answers nothing: the start-up check waits for it (up to 10 s) and must not hold
    // a stop.
    fake.fail_next("GET", "/gateway", Fault::Slow(Duration::from_secs(30)));
    let bot = Bot::against(&fake, tmp.path(), &[("DATABASE_URL", &url)]);
    assert!(
        bot.wait_for_log("configuration and corpus are valid", WAIT)
            .await
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    bot.signal("TERM");
    stops_cleanly(bot, "SIGTERM while the API does not answer").await;
    fake.shutdown().await;
}

#[tokio::test]
async fn a_stop_in_the_middle_of_a_fan_out_keeps_every_answer_and_the_restart_posts_the_rest_once()
{
    const SCHEDULES: u64 = 24;
    let fake = fake().await;
    let tmp = tempfile::tempdir().unwrap();
    let url = database(tmp.path());
    due_schedules(&url, SCHEDULES).await;
    // Discord is slow today: every message takes 2 s to be accepted, so the fan-out of 24
    // posts (16 at a time) lasts several seconds.
    for _ in 0..SCHEDULES {
        fake.fail_next("POST", "/channels/", Fault::Slow(Duration::from_secs(2)));
    }
    let bot = Bot::against(&fake, tmp.path(), &[("DATABASE_URL", &url)]);
    let posted = |fake: &FakeDiscord| -> Vec<(u64, i64)> {
        (0..SCHEDULES)
            .flat_map(|n| {
                crate::common::channel::question_posts(fake, 1001 + n)
                    .into_iter()
                    .map(move |post| (1001 + n, post))
            })
            .collect()
    };
    let first = fake
        .wait_for(WAIT, |f| posted(f).into_iter().next())
        .await
        .expect("the fan-out started");

    // A member answers the first question while the others are still being posted.
    let member = Invoker {
        guild: GUILD,
        channel: first.0,
        user: 55,
        permissions: 0,
    };
    let submit = fake.submit_modal(
        &member,
        &format!("answer:{}", first.1),
        &[("text", "the GIL and threads")],
    );
    let reply = fake
        .wait_for(WAIT, |f| f.interaction_response(submit))
        .await
        .expect("the answer was acknowledged");
    assert!(
        reply["data"]["content"]
            .as_str()
            .is_some_and(|c| c.starts_with("Saved")),
        "{reply}"
    );
    let before_stop = posted(&fake).len();
    assert!(
        before_stop < SCHEDULES as usize,
        "stopped in the middle of the fan-out ({before_stop} posted)"
    );
    bot.signal("TERM");
    stops_cleanly(bot, "SIGTERM during a fan-out").await;

    // The acknowledged answer is on disk.
    let store = Store::open(&DatabaseUrl::parse(&url).unwrap())
        .await
        .unwrap();
    let answers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answers WHERE user_id = 55")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(answers, 1, "the acknowledged answer survived the stop");
    store.close().await;

    // The next start posts what the stop left, and nothing twice.
    let bot = Bot::against(&fake, tmp.path(), &[("DATABASE_URL", &url)]);
    let all = fake
        .wait_for(WAIT, |f| {
            (posted(f).len() >= SCHEDULES as usize).then(|| posted(f))
        })
        .await
        .unwrap_or_else(|| {
            panic!(
                "only {} of {SCHEDULES} posted after the restart",
                posted(&fake).len()
            )
        });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut channels: Vec<u64> = posted(&fake).into_iter().map(|(c, _)| c).collect();
    channels.dedup();
    assert_eq!(all.len(), SCHEDULES as usize, "one question per schedule");
    assert_eq!(channels.len(), SCHEDULES as usize, "in every channel, once");
    bot.signal("TERM");
    stops_cleanly(bot, "SIGTERM after the catch-up").await;
    fake.shutdown().await;
}

/// A free loopback port for METRICS_ADDR.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// What operators see: `/healthz`'s status and body, or `/metrics`' text.
async fn operator_get(port: u16, path: &str) -> (u16, String) {
    let answer = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}{path}"))
        .timeout(Duration::from_secs(3))
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.text().await.unwrap())
}

/// The day of a study group, through the binary, several times over: an admin posts the
/// question now, two members answer, the model answer's first message meets a 429 while the
/// admin reveals it (and the scheduler's own pass may deliver it at the same moment), then each
/// member reads their feedback, the leaderboard and a quiz. Every message exists once, the bot
/// stays responsive, `/healthz` says so and `/metrics` counts it.
#[tokio::test]
async fn a_study_group_day_through_the_binary_repeatedly() {
    use crate::common::harness::{command_text, opt, sub};
    let fake = fake().await;
    let tmp = tempfile::tempdir().unwrap();
    let url = database(tmp.path());
    let port = free_port().to_string();
    let bot = Bot::against(
        &fake,
        tmp.path(),
        &[("DATABASE_URL", &url), ("METRICS_ADDR", &port)],
    );
    let port: u16 = port.parse().unwrap();
    assert!(bot.wait_for_log("slash commands registered", WAIT).await);
    let invoker = |user: u64, permissions: u64| Invoker {
        guild: GUILD,
        channel: 77,
        user,
        permissions,
    };
    let admin = invoker(1, fake_discord::MANAGE_GUILD);
    let added = command_text(
        &fake,
        &admin,
        "schedule",
        sub(
            "add",
            vec![
                opt("channel", 7, "77"),
                opt("time", 3, "04:00"),
                opt("timezone", 3, "Pacific/Kiritimati"),
                opt("reveal", 3, "24h"),
            ],
        ),
    )
    .await;
    assert!(added.starts_with("Scheduled: #1"), "{added}");
    let which = || serde_json::json!([{ "name": "schedule", "type": 4, "value": 1 }]);
    for round in 1..=3 {
        let posted = command_text(&fake, &admin, "post-now", which()).await;
        assert!(posted.contains("<#77>"), "{posted}");
        let post = *crate::common::channel::question_posts(&fake, 77)
            .last()
            .expect("a question");
        for user in [21, 22] {
            let submit = fake.submit_modal(
                &invoker(user, 0),
                &format!("answer:{post}"),
                &[(
                    "text",
                    "The GIL lets one thread run Python bytecode at a time.",
                )],
            );
            let saved = crate::common::harness::answer_to(&fake, submit).await;
            assert!(
                saved["data"]["content"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("Saved")),
                "{saved}"
            );
        }
        fake.fail_next(
            "POST",
            "/channels/77/messages",
            Fault::RateLimited {
                retry_after: Duration::from_millis(300),
            },
        );
        let revealed = command_text(&fake, &admin, "reveal-now", which()).await;
        assert!(
            revealed.starts_with("Revealed; 2 answer(s) scored"),
            "{revealed}"
        );
        let complete = fake
            .wait_for(WAIT, |f| {
                (crate::common::channel::threads_opened(f) == round).then_some(())
            })
            .await;
        assert!(complete.is_some(), "round {round}: the reveal completed");
        assert_eq!(crate::common::channel::model_answers(&fake, 77), round);
        assert_eq!(
            crate::common::channel::question_posts(&fake, 77).len(),
            round
        );

        let feedback = fake.click_button(&invoker(21, 0), 1, &format!("fb:{post}"));
        let feedback = crate::common::harness::answer_to(&fake, feedback).await;
        let text = feedback["data"]["content"].as_str().unwrap_or_default();
        assert!(text.contains("Streak"), "{text}");
        let board =
            command_text(&fake, &invoker(22, 0), "leaderboard", serde_json::json!([])).await;
        assert!(
            board.contains("<@21>") && board.contains("<@22>"),
            "{board}"
        );
        let quiz = fake.slash_command(&invoker(22, 0), "quiz", serde_json::json!([]));
        let shown = crate::common::harness::answer_to(&fake, quiz).await;
        let button = fake_discord::first_component(&shown["data"])["custom_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let modal = crate::common::harness::answer_to(
            &fake,
            fake.click_button(&invoker(22, 0), 1, &button),
        )
        .await;
        let modal_id = modal["data"]["custom_id"].as_str().unwrap().to_owned();
        let scored = fake.submit_modal(&invoker(22, 0), &modal_id, &[("text", "It depends.")]);
        let scored = crate::common::harness::answer_to(&fake, scored).await;
        assert!(
            scored["data"]["content"]
                .as_str()
                .is_some_and(|c| c.contains("**Grade ")),
            "{scored}"
        );

        let (status, health) = operator_get(port, "/healthz").await;
        assert_eq!(status, 200, "{health}");
        let (_, metrics) = operator_get(port, "/metrics").await;
        assert!(
            metrics.contains(&format!("dailydrill_posts_sent_total {round}")),
            "{metrics}"
        );
        assert!(metrics.contains(&format!("dailydrill_reveals_sent_total {round}")));
        assert!(metrics.contains(&format!("dailydrill_answers_saved_total {}", 2 * round)));
    }
    bot.signal("TERM");
    stops_cleanly(bot, "SIGTERM after three study days").await;
    fake.shutdown().await;
}
