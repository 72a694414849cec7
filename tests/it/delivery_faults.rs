//! Deliveries that fail in ways that used to spread: a question Discord never accepted (it was
//! revealed and scored anyway), a row that cannot be loaded (it stalled every server), a request
//! that never answers (it held the whole pass), a stale list and an unrecorded message (they
//! posted twice once the nonce expired), a question still being sent at its reveal time (it
//! appeared after its answer with a live button), and a scheduler stalled by a locked database
//! (nobody could see it). Each affects only its own post, and what a member saw stays true.

use std::time::Duration;

use crate::common::channel::{model_answers, question_posts, threads_opened};
use crate::common::harness::{CHANNEL, FAST, GUILD, Harness, PERIOD, admin, spec, spec_at};
use dailydrill::discord::outbox::{Outbox, Parcel, Sent};
use dailydrill::discord::pace::Pacer;
use dailydrill::discord::retry::Backoff;
use dailydrill::discord::scheduler;
use dailydrill::domain::ids::{ChannelId, GuildId, PostId, UserId};
use dailydrill::service::ScheduleSpec;
use fake_discord::{FakeOptions, Fault};
use sqlx::Connection as _;

const OTHER_CHANNEL: u64 = 78;

/// Runs `sql` on the test's database file, as an operator's tool or a corrupted disk would.
async fn poke(h: &Harness, sql: &str) {
    let mut conn = sqlx::SqliteConnection::connect(h.app.url.as_str())
        .await
        .unwrap();
    sqlx::query(sql).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

async fn missed_days(h: &Harness) -> Vec<String> {
    let mut conn = sqlx::SqliteConnection::connect(h.app.url.as_str())
        .await
        .unwrap();
    let days = sqlx::query_scalar("SELECT local_date FROM missed_days ORDER BY local_date")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    days
}

async fn streak(h: &Harness, user: u64) -> (u32, u8) {
    let stats = h
        .app
        .service
        .member_stats(GuildId(GUILD), UserId(user))
        .await
        .unwrap();
    let (_, streak) = stats.streaks[0];
    (streak.current, streak.freezes)
}

fn at(day: u32, time: &str) -> chrono::DateTime<chrono::Utc> {
    crate::common::utc(&format!("2026-06-{day:02}T{time}:00Z"))
}

/// A day of the schedule through the bot: posted at 09:00, member 31 answers, revealed at 21:00.
async fn ordinary_day(h: &Harness, day: u32) {
    h.app.clock.set(at(day, "09:00"));
    assert_eq!(h.tick().await.posted, 1, "day {day} posted");
    let post = h.latest_post_id();
    assert!(h.answer(31, post, "the GIL").await.starts_with("Saved"));
    h.app.clock.set(at(day, "21:00"));
    assert_eq!(h.tick().await.revealed, 1, "day {day} revealed");
}

#[tokio::test]
async fn a_question_discord_never_accepted_is_closed_unscored_and_the_day_counts_as_missed() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    ordinary_day(&h, 1).await;
    ordinary_day(&h, 2).await;
    assert_eq!(streak(&h, 31).await, (2, 0));

    // Day 3: Discord fails every attempt through the whole answer window (an outage).
    let route = format!("/channels/{CHANNEL}/messages");
    for time in ["09:00", "15:00"] {
        for _ in 0..FAST.attempts {
            h.fake.fail_next("POST", &route, Fault::Status(502));
        }
        h.app.clock.set(at(3, time));
        let report = h.tick().await;
        assert_eq!((report.posted, report.failed), (0, 1), "{time}");
    }
    assert!(h.fake.pending_faults().is_empty());
    // Its reveal time: nothing is sent any more, nothing revealed, nothing scored.
    h.app.clock.set(at(3, "21:00"));
    let report = h.tick().await;
    assert_eq!((report.posted, report.revealed), (0, 0));
    assert_eq!(question_posts(&h.fake, CHANNEL).len(), 2);
    assert_eq!(model_answers(&h.fake, CHANNEL), 2);
    assert_eq!(
        streak(&h, 31).await,
        (2, 0),
        "a day members never saw neither breaks a streak nor spends a freeze"
    );
    assert_eq!(missed_days(&h).await, ["2026-06-03"]);
    // Later passes leave it alone (no late question with a live button).
    h.app.clock.set(at(3, "21:05"));
    assert_eq!(h.tick().await, scheduler::TickReport::default());

    // Day 4 is ordinary again, and the streak goes on from 2.
    ordinary_day(&h, 4).await;
    assert_eq!(streak(&h, 31).await, (3, 0));

    // Day 5: Discord refuses the post for good (403: the bot lost the channel). The admin is
    // told /reveal-now cannot reveal it; at its reveal time the day counts as missed too.
    h.fake.fail_next("POST", &route, Fault::Status(403));
    h.app.clock.set(at(5, "09:00"));
    assert_eq!(h.tick().await.failed, 1);
    let which = serde_json::json!([{ "name": "schedule", "type": 4, "value": 1 }]);
    let refused = h.command_text(&admin(1), "reveal-now", which).await;
    assert!(refused.contains("has not reached Discord"), "{refused}");
    h.app.clock.set(at(5, "21:00"));
    h.tick().await;
    assert_eq!(streak(&h, 31).await, (3, 0));
    assert_eq!(missed_days(&h).await, ["2026-06-03", "2026-06-05"]);
    assert_eq!(model_answers(&h.fake, CHANNEL), 3);

    // The admin sees why posts stopped in /schedule list, until a post gets through again.
    let list = serde_json::json!([{ "name": "list", "type": 1, "options": [] }]);
    let listed = h.command_text(&admin(1), "schedule", list.clone()).await;
    assert!(
        listed.contains("⚠ Discord refused the post of 2026-06-05 for good"),
        "{listed}"
    );
    ordinary_day(&h, 6).await;
    let listed = h.command_text(&admin(1), "schedule", list).await;
    assert!(!listed.contains("refused"), "{listed}");
    h.stop().await;
}

#[tokio::test]
async fn a_row_that_cannot_be_loaded_affects_only_its_own_post() {
    const OTHER_GUILD: u64 = 4343;
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    h.fake.add_guild(OTHER_GUILD);
    h.app
        .service
        .add_schedule(
            GuildId(OTHER_GUILD),
            ScheduleSpec {
                channel: ChannelId(OTHER_CHANNEL),
                ..spec_at("21:00")
            },
        )
        .await
        .unwrap();
    // Both questions are committed; then one of them names a question no longer in the corpus
    // (an operator removed its file) before it was sent.
    h.app.clock.set(at(1, "09:00"));
    let due = h.app.service.post_due().await.unwrap();
    assert_eq!(due.posted.len(), 2);
    let broken = due.posted[0].id;
    poke(
        &h,
        &format!(
            "UPDATE posts SET question_id = 'gone-from-the-corpus' WHERE id = {}",
            broken.0
        ),
    )
    .await;
    let report = h.tick().await;
    assert_eq!((report.posted, report.failed), (1, 1));
    let sent =
        question_posts(&h.fake, CHANNEL).len() + question_posts(&h.fake, OTHER_CHANNEL).len();
    assert_eq!(sent, 1, "the other server's question went out on time");
    // It is recorded as undeliverable, not retried every tick.
    assert_eq!(h.tick().await, scheduler::TickReport::default());
    h.app.clock.set(at(1, "21:00"));
    assert_eq!(h.tick().await.revealed, 1, "the question that went out");

    // Reveals: one server's stored time zone is corrupt; the other's reveal goes out on time,
    // and the corrupt one is retried (and logged) without holding anything up.
    h.app.clock.set(at(2, "09:00"));
    assert_eq!(h.tick().await.posted, 2);
    poke(
        &h,
        &format!("UPDATE guilds SET time_zone = 'Mars/Olympus_Mons' WHERE guild_id = {GUILD}"),
    )
    .await;
    h.app.clock.set(at(2, "21:00"));
    let report = h.tick().await;
    assert_eq!(report.revealed, 1, "{report:?}");
    assert_eq!(model_answers(&h.fake, OTHER_CHANNEL), 2);
    assert_eq!(model_answers(&h.fake, CHANNEL), 0);
    poke(
        &h,
        &format!("UPDATE guilds SET time_zone = 'UTC' WHERE guild_id = {GUILD}"),
    )
    .await;
    assert_eq!(h.tick().await.revealed, 1, "revealed once it can be");
    assert_eq!(model_answers(&h.fake, CHANNEL), 1);
    h.stop().await;
}

#[tokio::test]
async fn a_request_that_never_answers_delays_only_its_own_post() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    h.app
        .service
        .add_schedule(
            GuildId(GUILD),
            ScheduleSpec {
                channel: ChannelId(OTHER_CHANNEL),
                ..spec_at("21:00")
            },
        )
        .await
        .unwrap();
    // Attempts give up after 300 ms; a pass waits for its deliveries at most 400 ms.
    let outbox = Outbox::new(
        Pacer::discord(),
        Backoff {
            attempt_timeout: Duration::from_millis(300),
            ..FAST
        },
    );
    let pass = |h: &Harness| {
        let (http, service, outbox) = (h.http.clone(), h.app.service.clone(), outbox.clone());
        async move {
            let started = std::time::Instant::now();
            let report = scheduler::tick_within(
                &http,
                &service,
                &outbox,
                Some(Duration::from_millis(400)),
                None,
            )
            .await;
            (report, started.elapsed())
        }
    };
    // The question's requests in channel 77 are accepted and not answered for 3 s, every
    // attempt of them.
    let hang = |h: &Harness| {
        for _ in 0..FAST.attempts {
            h.fake.fail_next(
                "POST",
                &format!("/channels/{CHANNEL}/messages"),
                Fault::Slow(Duration::from_secs(3)),
            );
        }
    };
    hang(&h);
    h.app.clock.set(at(1, "09:00"));
    let (report, took) = pass(&h).await;
    assert!(took < Duration::from_secs(2), "the pass waited {took:?}");
    assert_eq!((report.posted, report.pending), (1, 1), "{report:?}");
    assert_eq!(question_posts(&h.fake, OTHER_CHANNEL).len(), 1, "on time");
    // Its attempts time out on their own; the next pass sends it again with the same nonce,
    // which returns the message Discord made in the end: once.
    tokio::time::sleep(Duration::from_millis(3200)).await;
    assert!(h.fake.pending_faults().is_empty());
    let (report, _) = pass(&h).await;
    assert_eq!(report.posted, 1, "{report:?}");
    assert_eq!(question_posts(&h.fake, CHANNEL).len(), 1, "not doubled");
    assert_eq!(pass(&h).await.0, scheduler::TickReport::default());

    // The same for reveals.
    hang(&h);
    h.app.clock.set(at(1, "21:00"));
    let (report, took) = pass(&h).await;
    assert!(took < Duration::from_secs(2), "the pass waited {took:?}");
    assert_eq!((report.revealed, report.pending), (1, 1), "{report:?}");
    assert_eq!(model_answers(&h.fake, OTHER_CHANNEL), 1, "on time");
    tokio::time::sleep(Duration::from_millis(3200)).await;
    let (report, _) = pass(&h).await;
    assert_eq!(report.revealed, 1, "{report:?}");
    assert_eq!(threads_opened(&h.fake), 2);
    assert_eq!(model_answers(&h.fake, CHANNEL), 1, "not doubled");
    h.stop().await;
}

#[tokio::test]
async fn a_stale_list_or_an_unrecorded_message_never_posts_twice() {
    // Discord forgets a nonce after 100 ms here, so a resend would create a second message.
    let h = Harness::spawn_with(
        "2026-06-01T08:00:00Z",
        FakeOptions {
            nonce_ttl: Duration::from_millis(100),
            ..FakeOptions::default()
        },
    )
    .await;
    let s = h
        .app
        .service
        .add_schedule(GuildId(GUILD), spec())
        .await
        .unwrap();
    let service = &h.app.service;

    // A pass that listed the post before another task delivered it.
    let post = service.post_now(GuildId(GUILD), s.id).await.unwrap().id;
    let listed = service.unsent_posts().await.unwrap();
    assert_eq!(listed, [post]);
    let sent = h
        .outbox
        .deliver(&h.http, service, Parcel::Post(post))
        .await
        .unwrap();
    assert_eq!(sent, Sent::Now);
    tokio::time::sleep(Duration::from_millis(200)).await;
    for stale in listed {
        let again = h
            .outbox
            .deliver(&h.http, service, Parcel::Post(stale))
            .await
            .unwrap();
        assert_eq!(again, Sent::Already);
    }
    assert_eq!(question_posts(&h.fake, CHANNEL), [post.0]);

    // Discord accepts a post whose message id the database cannot record (read-only).
    let post = service.post_now(GuildId(GUILD), s.id).await.unwrap().id;
    let pool = service.store().pool();
    crate::common::on_every_connection(pool, "PRAGMA query_only = ON").await;
    for _ in 0..3 {
        let failed = h.outbox.deliver(&h.http, service, Parcel::Post(post)).await;
        assert!(failed.is_err(), "the message cannot be recorded");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    crate::common::on_every_connection(pool, "PRAGMA query_only = OFF").await;
    let sent = h
        .outbox
        .deliver(&h.http, service, Parcel::Post(post))
        .await
        .unwrap();
    assert_eq!(sent, Sent::Now, "recorded without sending again");
    let posts = question_posts(&h.fake, CHANNEL);
    assert_eq!(posts, [post.0 - 1, post.0], "each question once");
    let recorded = service.post_by_id(post).await.unwrap().unwrap().message_id;
    let in_channel = h.fake.messages_in(CHANNEL)[1]["id"]
        .as_str()
        .unwrap()
        .parse::<u64>()
        .unwrap();
    assert_eq!(recorded, Some(in_channel));
    h.stop().await;
}

#[tokio::test]
async fn a_question_still_being_sent_at_its_reveal_time_is_closed_not_revealed() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    h.fake.fail_next(
        "POST",
        &format!("/channels/{CHANNEL}/messages"),
        Fault::Slow(Duration::from_millis(1500)),
    );
    h.app.clock.set(at(1, "09:00"));
    let sending = {
        let (http, service, outbox) = (h.http.clone(), h.app.service.clone(), h.outbox.clone());
        tokio::spawn(async move { scheduler::tick(&http, &service, &outbox).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    // While Discord takes its time, the reveal time comes.
    let which = serde_json::json!([{ "name": "schedule", "type": 4, "value": 1 }]);
    let refused = h.command_text(&admin(1), "reveal-now", which).await;
    assert!(refused.contains("has not reached Discord"), "{refused}");
    h.app.clock.set(at(1, "21:00"));
    let closed = h.app.service.reveal_due().await.unwrap();
    assert!(closed[0].never_posted);
    let report = sending.await.unwrap();
    assert_eq!(report.posted, 1);

    // The question arrived after its reveal time: it shows answers closed, and no model answer
    // or thread follows it.
    let closed_button = h
        .fake
        .wait_for(Duration::from_secs(5), |f| {
            f.messages_in(CHANNEL)
                .first()
                .filter(|m| fake_discord::first_component(m)["disabled"] == true)
                .cloned()
        })
        .await;
    assert!(
        closed_button.is_some(),
        "the late question shows answers closed"
    );
    h.tick().await;
    assert_eq!(model_answers(&h.fake, CHANNEL), 0);
    assert_eq!(threads_opened(&h.fake), 0);
    let post = PostId(h.latest_post_id());
    let reply = h.answer(31, post.0, "too late").await;
    assert!(reply.contains("closed"), "{reply}");
    h.stop().await;
}

#[tokio::test]
async fn a_scheduler_stalled_by_a_locked_database_turns_healthz_503_and_back() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let metrics = dailydrill::liveness::install_recorder().unwrap();
    let server = {
        let mut stopped = stopped.clone();
        tokio::spawn(dailydrill::liveness::serve(
            listener,
            h.liveness.clone(),
            h.app.service.store().clone(),
            metrics,
            async move {
                let _ = stopped.wait_for(|s| *s).await;
            },
        ))
    };
    let scheduler = tokio::spawn(scheduler::run(
        h.http.clone(),
        h.app.service.clone(),
        h.outbox.clone(),
        h.liveness.clone(),
        stopped.clone(),
    ));
    let health = || async move {
        dailydrill::liveness::probe::healthz(addr, Duration::from_secs(2))
            .await
            .unwrap()
    };
    let until = |want: u16| async move {
        let started = std::time::Instant::now();
        loop {
            let answer = health().await;
            if answer.status == want {
                return (started.elapsed(), answer.body);
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no {want} within 10 s: {} {}",
                answer.status,
                answer.body
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let (_, healthy) = until(200).await;
    assert!(healthy.contains("\"status\":\"ok\""), "{healthy}");
    // A first tick has finished, so a stall seen below is the lock's, not a slow start's on a
    // loaded machine.
    let started = std::time::Instant::now();
    while health()
        .await
        .body
        .contains("\"last_tick_seconds_ago\":null")
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no tick finished"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Another process locks the database, and a post falls due: each tick now waits for the
    // write lock (2 s) instead of the 100 ms period.
    let mut lock = crate::common::lock_from_another_process(&h.app.dir.path().join("test.db"));
    h.app.clock.set(at(1, "09:00"));
    let (took, stalled) = until(503).await;
    // Within 3 periods of the stall (plus the tick's start and a loaded machine's slack).
    assert!(
        took <= 4 * PERIOD + Duration::from_millis(500),
        "503 after {took:?}"
    );
    assert!(stalled.contains("committing due posts"), "{stalled}");
    lock.kill().unwrap();
    lock.wait().unwrap();
    let (_, healthy) = until(200).await;
    assert!(healthy.contains("\"status\":\"ok\""), "{healthy}");
    assert!(
        h.fake
            .wait_for(Duration::from_secs(5), |f| {
                (question_posts(f, CHANNEL).len() == 1).then_some(())
            })
            .await
            .is_some(),
        "the post went out once the database was free"
    );
    stop.send_replace(true);
    scheduler.await.unwrap();
    server.await.unwrap().unwrap();
    h.stop().await;
}

#[tokio::test]
async fn a_post_refused_for_good_is_reported_once_in_the_log_channel() {
    const LOG: u64 = 4545;
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    let log = |options: Vec<serde_json::Value>| serde_json::json!([{ "name": "log-channel", "type": 1, "options": options }]);
    let unset = h.command_text(&admin(1), "schedule", log(vec![])).await;
    assert!(unset.starts_with("No log channel is set"), "{unset}");
    let channel = serde_json::json!({ "name": "channel", "type": 7, "value": LOG.to_string() });
    let set = h
        .command_text(&admin(1), "schedule", log(vec![channel.clone()]))
        .await;
    assert!(
        set.starts_with(&format!(
            "From now on, a post or reveal Discord refuses for good is reported once in <#{LOG}>"
        )),
        "{set}"
    );
    let shown = h.command_text(&admin(1), "schedule", log(vec![])).await;
    assert!(shown.contains(&format!("<#{LOG}>")), "{shown}");

    // Day 1 is delivered: nothing to report.
    ordinary_day(&h, 1).await;
    assert!(h.fake.messages_in(LOG).is_empty());

    // Day 2: Discord refuses the post for good (403: the bot lost the channel).
    let route = format!("/channels/{CHANNEL}/messages");
    h.fake.fail_next("POST", &route, Fault::Status(403));
    h.app.clock.set(crate::common::utc("2026-06-02T09:00:00Z"));
    assert_eq!(h.tick().await.failed, 1);
    let reports = h.fake.messages_in(LOG);
    assert_eq!(reports.len(), 1, "{reports:?}");
    let text = reports[0]["content"].as_str().unwrap_or_default();
    assert!(
        text.starts_with("⚠ **Schedule #1**: Discord refused the question of 2026-06-02")
            && text.contains(&format!("<#{CHANNEL}>")),
        "{text}"
    );
    // Later passes, the reveal time and a restart's resend report nothing more.
    h.tick().await;
    h.app.clock.set(crate::common::utc("2026-06-02T21:00:00Z"));
    h.tick().await;
    assert_eq!(h.fake.messages_in(LOG).len(), 1, "reported once");

    // Cleared: the next refusal is only in /schedule list.
    let clear = serde_json::json!({ "name": "clear", "type": 5, "value": true });
    let cleared = h
        .command_text(&admin(1), "schedule", log(vec![clear]))
        .await;
    assert!(cleared.starts_with("Log channel cleared"), "{cleared}");
    h.fake.fail_next("POST", &route, Fault::Status(403));
    h.app.clock.set(crate::common::utc("2026-06-03T09:00:00Z"));
    assert_eq!(h.tick().await.failed, 1);
    assert_eq!(h.fake.messages_in(LOG).len(), 1);
    let listed = h
        .command_text(
            &admin(1),
            "schedule",
            serde_json::json!([{ "name": "list", "type": 1, "options": [] }]),
        )
        .await;
    assert!(
        listed.contains("refused the post of 2026-06-03"),
        "{listed}"
    );
    // Set again, it does not report what is already listed.
    h.command_text(&admin(1), "schedule", log(vec![channel]))
        .await;
    h.tick().await;
    assert_eq!(h.fake.messages_in(LOG).len(), 1);
    assert_eq!(
        h.fake.invalid_requests(),
        2,
        "the 403s of days 2 and 3, each once: a refusal is not retried"
    );
    h.stop().await;
}
