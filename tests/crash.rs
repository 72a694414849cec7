//! The bot process killed with SIGKILL at seeded random points of a thirty-day run, and started
//! again each time: between a post's commit and its Discord message, during answer submissions,
//! between a reveal's commit and its messages. Afterwards every day has exactly one post and one
//! reveal in the channel, every answer a member was told was saved is stored and scored, and
//! every streak equals that of an uninterrupted run.
//!
//! A custom harness (`harness = false`): the same executable is the bot when started with
//! `DAILYDRILL_CRASH_CHILD` set. The child runs the production wiring (`app::serve`) on a clock
//! it reads from a file the parent moves, with a fast scheduler tick; the parent runs the fake
//! Discord and plays the members.

#[path = "it/common/mod.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use dailydrill::app::{self, BotConfig, Timing};
use dailydrill::clock::Clock;
use dailydrill::config::{ApiUrl, DatabaseUrl, DiscordToken};
use dailydrill::corpus::CorpusSource;
use dailydrill::discord::retry::Backoff;
use dailydrill::domain::ids::{ChannelId, GuildId, ScheduleId, UserId};
use dailydrill::domain::streak::{Outcome, Streak};
use dailydrill::service::{ScheduleSpec, Service};
use dailydrill::store::Store;
use fake_discord::{FakeDiscord, FakeOptions, Fault, Invoker};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::process::{Child, Command};

const TEST_NAME: &str = "sigkill_at_random_points_of_thirty_days_loses_nothing";
const CHILD_ENV: &str = "DAILYDRILL_CRASH_CHILD";
const TOKEN: &str = "MTAwMDAwMDAwMDAwMDAwMDAw.GfAkE1.fake-token-for-the-fake-discord-only";
const GUILD: u64 = 4242;
const CHANNEL: u64 = 77;
const DAYS: i64 = 30;
const MEMBERS: [u64; 5] = [501, 502, 503, 504, 505];
const SEED: u64 = 20261125;
const WAIT: Duration = Duration::from_secs(20);

fn main() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        child(Path::new(&dir));
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        println!("{TEST_NAME}: test");
        return;
    }
    // `cargo test NAME` passes a filter; run unless it excludes this test.
    if let Some(filter) = args.iter().find(|a| !a.starts_with('-'))
        && !TEST_NAME.contains(filter.as_str())
    {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let started = std::time::Instant::now();
    let kills = runtime.block_on(parent());
    println!(
        "test {TEST_NAME} ... ok ({kills} kills, {:.1} s)",
        started.elapsed().as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------------
// The child: the bot, as `dailydrill run` wires it, on the parent's clock.

/// The time the parent wrote last; the parent replaces the file atomically.
struct FileClock(PathBuf);

impl Clock for FileClock {
    fn now(&self) -> DateTime<Utc> {
        let text = std::fs::read_to_string(&self.0).expect("the clock file");
        DateTime::parse_from_rfc3339(text.trim())
            .expect("an instant")
            .with_timezone(&Utc)
    }
}

fn child(dir: &Path) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let api = std::fs::read_to_string(dir.join("api")).unwrap();
        let database = database_url(dir);
        let store = Store::open(&database).await.unwrap();
        let corpus = Arc::new(CorpusSource::Bundled.load().unwrap());
        let service = Service::new(store, corpus, Arc::new(FileClock(dir.join("clock"))), 7);
        let config = BotConfig {
            token: DiscordToken::parse(TOKEN).unwrap(),
            database,
            api: Some(ApiUrl::parse(api.trim()).unwrap()),
            dev_guild: Some(GUILD),
            metrics: None,
        };
        let timing = Timing {
            tick: Duration::from_millis(40),
            backoff: Backoff {
                first: Duration::from_millis(50),
                max: Duration::from_millis(200),
                attempts: 4,
                attempt_timeout: Duration::from_secs(5),
            },
        };
        app::serve(config, service, timing).await.unwrap();
    });
}

fn database_url(dir: &Path) -> DatabaseUrl {
    DatabaseUrl::parse(&format!("sqlite://{}", dir.join("bot.db").display())).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The parent: the fake Discord, the clock, the members, and the killer.

struct World {
    fake: FakeDiscord,
    dir: tempfile::TempDir,
    child: Option<Child>,
    rng: ChaCha8Rng,
    kills: usize,
    /// Kills that left a committed post or reveal undelivered, or came mid-submission: proof
    /// that the run hit the windows it is about.
    interrupted: Interrupted,
}

#[derive(Debug, Default)]
struct Interrupted {
    posts: usize,
    reveals: usize,
    submissions: usize,
}

fn set_clock(dir: &Path, at: DateTime<Utc>) {
    let tmp = dir.join("clock.tmp");
    std::fs::write(&tmp, at.to_rfc3339()).unwrap();
    std::fs::rename(tmp, dir.join("clock")).unwrap();
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn member(user: u64) -> Invoker {
    Invoker {
        guild: GUILD,
        channel: CHANNEL,
        user,
        permissions: 0,
    }
}

impl World {
    /// Starts the bot and waits until it is connected and has registered its commands.
    async fn start(&mut self) {
        let before = self.fake.registrations();
        let child = Command::new(std::env::current_exe().unwrap())
            .env(CHILD_ENV, self.dir.path())
            .env("RUST_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let ready = self
            .fake
            .wait_for(WAIT, |f| (f.registrations() > before).then_some(()))
            .await;
        assert!(ready.is_some(), "the bot came up");
    }

    /// SIGKILL, no goodbye: whatever the bot was doing stops mid-way.
    async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().unwrap();
            child.wait().await.unwrap();
            self.kills += 1;
            let (posts, reveals) = self.undelivered().await;
            self.interrupted.posts += posts;
            self.interrupted.reveals += reveals;
        }
    }

    /// Posts and reveals committed but not recorded as delivered, read from the dead bot's file.
    async fn undelivered(&self) -> (usize, usize) {
        use sqlx::Connection;
        let url = database_url(self.dir.path());
        let mut conn = sqlx::SqliteConnection::connect(url.as_str()).await.unwrap();
        let posts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM posts WHERE message_id IS NULL")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        let reveals: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM posts WHERE revealed_at IS NOT NULL AND reveal_sent_at IS NULL",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        let _ = conn.close().await;
        (posts as usize, reveals as usize)
    }

    /// With probability `p`, plans a kill at a random moment up to `within` after the next
    /// step starts. Discord then takes 300 ms over the next message, as it does under load, so
    /// the window between a commit and Discord's answer is wide enough for the kill to land in.
    fn plan_crash(&mut self, p: f64, within: Duration) -> Option<Duration> {
        if !self.rng.random_bool(p) {
            return None;
        }
        self.fake.fail_next(
            "POST",
            &format!("/channels/{CHANNEL}/messages"),
            Fault::Slow(Duration::from_millis(300)),
        );
        let delay = self.rng.random_range(0..=within.as_millis() as u64);
        Some(Duration::from_millis(delay))
    }

    async fn crash(&mut self, after: Option<Duration>) {
        if let Some(after) = after {
            tokio::time::sleep(after).await;
            self.kill().await;
            self.start().await;
        }
    }

    /// The daily posts in the channel, by post id.
    fn posts(&self) -> Vec<i64> {
        common::channel::question_posts(&self.fake, CHANNEL)
    }

    fn threads(&self) -> usize {
        common::channel::threads_opened(&self.fake)
    }

    fn reveals(&self) -> usize {
        common::channel::model_answers(&self.fake, CHANNEL)
    }

    /// The reveal's last message: until it is sent, the next slow message planned for the
    /// channel would be the notice, not the next day's post.
    fn notices(&self) -> usize {
        common::channel::reveal_notices(&self.fake, CHANNEL)
    }

    /// Waits for `ready`; if it does not come, the bot is restarted (it may have died mid-step).
    async fn until(&mut self, what: &str, ready: impl Fn(&World) -> bool) {
        for _ in 0..3 {
            let deadline = tokio::time::Instant::now() + WAIT;
            while tokio::time::Instant::now() < deadline {
                if ready(self) {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            self.kill().await;
            self.start().await;
        }
        panic!("{what} never happened");
    }

    /// A member submits an answer until the bot says it is saved, as a member would retry after
    /// "the interaction failed"; the bot may be killed during the submission.
    async fn answer(&mut self, user: u64, post: i64, text: &str) {
        loop {
            let id =
                self.fake
                    .submit_modal(&member(user), &format!("answer:{post}"), &[("text", text)]);
            let killed = self.rng.random_bool(0.15);
            if killed {
                let delay = self.rng.random_range(0..=15);
                tokio::time::sleep(Duration::from_millis(delay)).await;
                self.kill().await;
                self.interrupted.submissions += 1;
                self.start().await;
            }
            // A live bot answers in milliseconds; one killed meanwhile never will.
            let patience = if killed { 500 } else { 4000 };
            let reply = self
                .fake
                .wait_for(Duration::from_millis(patience), |f| {
                    f.interaction_response(id)
                })
                .await;
            match reply {
                Some(r)
                    if r["data"]["content"]
                        .as_str()
                        .is_some_and(|c| c.starts_with("Saved.")) =>
                {
                    return;
                }
                Some(r) => panic!("answer refused: {r}"),
                // Unanswered: the bot died before replying. The member tries again.
                None => {
                    if self.child.is_none() {
                        self.start().await;
                    }
                }
            }
        }
    }
}

async fn parent() -> usize {
    let fake = FakeDiscord::start(FakeOptions::default()).await.unwrap();
    fake.add_guild(GUILD);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("api"), fake.api_url()).unwrap();
    set_clock(dir.path(), utc("2026-03-01T08:00:00Z"));

    // The schedule exists before the run: 09:00 UTC, revealed at 21:00.
    {
        let store = Store::open(&database_url(dir.path())).await.unwrap();
        let corpus = Arc::new(CorpusSource::Bundled.load().unwrap());
        let clock = FileClock(dir.path().join("clock"));
        let service = Service::new(store.clone(), corpus, Arc::new(clock), 1);
        service
            .add_schedule(
                GuildId(GUILD),
                ScheduleSpec {
                    channel: ChannelId(CHANNEL),
                    time: "09:00".parse().unwrap(),
                    zone: "UTC".parse().unwrap(),
                    tracks: Vec::new(),
                    reveal: "21:00".parse().unwrap(),
                    mention_role: None,
                    difficulty: None,
                    days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
                },
            )
            .await
            .unwrap();
        store.close().await;
    }

    let mut world = World {
        fake,
        dir,
        child: None,
        rng: ChaCha8Rng::seed_from_u64(SEED),
        kills: 0,
        interrupted: Interrupted::default(),
    };
    world.start().await;

    // Who answers which day: seeded, with misses so that freezes are earned, spent and broken.
    let mut acked: BTreeMap<u64, BTreeSet<i64>> = BTreeMap::new();
    let mut posts = Vec::new();
    for day in 0..DAYS {
        let morning = utc("2026-03-01T09:00:00Z") + chrono::Duration::days(day);
        let crash = world.plan_crash(0.4, Duration::from_millis(250));
        set_clock(world.dir.path(), morning);
        world.crash(crash).await;
        world
            .until(&format!("day {}'s post", day + 1), |w| {
                w.posts().len() as i64 == day + 1
            })
            .await;
        let post = *world.posts().last().unwrap();
        posts.push(post);
        for user in MEMBERS {
            if world.rng.random_bool(0.85) {
                world
                    .answer(user, post, "the GIL, reference counting and asyncio")
                    .await;
                acked.entry(user).or_default().insert(day);
            }
        }
        let crash = world.plan_crash(0.4, Duration::from_millis(250));
        set_clock(world.dir.path(), morning + chrono::Duration::hours(12));
        world.crash(crash).await;
        world
            .until(&format!("day {}'s reveal", day + 1), |w| {
                w.reveals() as i64 == day + 1
                    && w.threads() as i64 == day + 1
                    && w.notices() as i64 == day + 1
            })
            .await;
    }
    // Let the last deliveries settle, then stop the bot for good and read its database.
    tokio::time::sleep(Duration::from_millis(300)).await;
    world.kill().await;
    let kills = world.kills - 1;

    // Exactly one post and one reveal per day, in the channel members read.
    let seen = world.posts();
    assert_eq!(seen.len() as i64, DAYS, "one post message a day");
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len() as i64, DAYS);
    assert_eq!(world.reveals() as i64, DAYS, "one model answer a day");

    let store = Store::open(&database_url(world.dir.path())).await.unwrap();
    type Delivery = (i64, Option<i64>, Option<String>, Option<String>);
    let rows: Vec<Delivery> =
        sqlx::query_as("SELECT id, message_id, revealed_at, reveal_sent_at FROM posts ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(rows.len() as i64, DAYS, "one post row a day");
    assert!(
        rows.iter()
            .all(|(_, m, r, s)| m.is_some() && r.is_some() && s.is_some()),
        "every post and reveal delivered and recorded: {rows:?}"
    );

    // Every acknowledged answer is stored and scored.
    for (user, days) in &acked {
        for day in days {
            let points: Option<Option<i64>> =
                sqlx::query_scalar("SELECT points FROM answers WHERE post_id = ? AND user_id = ?")
                    .bind(posts[*day as usize])
                    .bind(*user as i64)
                    .fetch_optional(store.pool())
                    .await
                    .unwrap();
            assert!(
                matches!(points, Some(Some(p)) if p >= 10),
                "member {user}'s acknowledged answer of day {} is stored and scored: {points:?}",
                day + 1
            );
        }
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answers")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let expected: usize = acked.values().map(BTreeSet::len).sum();
    assert_eq!(
        stored as usize, expected,
        "no answer appeared that was not given"
    );

    // Streaks equal an uninterrupted run's: the pure rules applied to the same days.
    for user in MEMBERS {
        let mut streak = Streak::default();
        for day in 0..DAYS {
            let answered = acked.get(&user).is_some_and(|d| d.contains(&day));
            let outcome = if answered {
                Outcome::Answered
            } else {
                Outcome::Missed
            };
            // Like the bot, a miss only touches a streak that is running.
            if answered || streak.current > 0 {
                streak = streak.apply(outcome).0;
            }
        }
        let row: Option<(i64, i64, i64)> = sqlx::query_as(
            "SELECT current, longest, freezes FROM streaks WHERE schedule_id = ? AND user_id = ?",
        )
        .bind(ScheduleId(1).0)
        .bind(UserId(user).0 as i64)
        .fetch_optional(store.pool())
        .await
        .unwrap();
        let row = row.unwrap_or_default();
        assert_eq!(
            (row.0 as u32, row.1 as u32, row.2 as u8),
            (streak.current, streak.longest, streak.freezes),
            "member {user}'s streak"
        );
    }

    assert_eq!(world.fake.global_limit_violations(), 0);
    assert!(
        world.fake.invalid_requests() < 50,
        "invalid requests: {}",
        world.fake.invalid_requests()
    );
    assert!(
        kills >= 15,
        "the run was interrupted often enough to mean something: {kills}"
    );
    let hit = &world.interrupted;
    println!("kills that left work undelivered or cut a submission: {hit:?}");
    assert!(
        hit.posts > 0 && hit.reveals > 0 && hit.submissions > 0,
        "every kind of window was hit: {hit:?}"
    );
    kills
}
