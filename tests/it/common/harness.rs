//! The real bot on the fake Discord: a fresh database, a manual clock and the serenity client,
//! with the scheduler's tick driven by the test. Shared by `tests/bot_day.rs` and
//! `tests/hostile_input.rs`; assertions are on what the fake recorded, that is, on what members
//! would see.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use dailydrill::config::DiscordToken;
use dailydrill::discord::outbox::Outbox;
use dailydrill::discord::pace::Pacer;
use dailydrill::discord::retry::Backoff;
use dailydrill::discord::{bot, scheduler};
use dailydrill::domain::ids::ChannelId;
use dailydrill::liveness::Liveness;
use dailydrill::service::ScheduleSpec;
use fake_discord::{FakeDiscord, FakeOptions, Invoker};
use poise::serenity_prelude as serenity;
use serde_json::Value;
use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use super::{LogBuffer, TestApp};

pub const TOKEN: &str = "MTAwMDAwMDAwMDAwMDAwMDAw.GfAkE1.fake-token-for-the-fake-discord-only";
pub const GUILD: u64 = 4242;
pub const CHANNEL: u64 = 77;
pub const WAIT: Duration = Duration::from_secs(10);
pub const FAST: Backoff = Backoff {
    first: Duration::from_millis(50),
    max: Duration::from_millis(200),
    attempts: 4,
    attempt_timeout: Duration::from_secs(5),
};
pub const MANAGE_GUILD: u64 = fake_discord::MANAGE_GUILD;

/// The fake, a fresh database, a manual clock and the real bot wired to the fake's URLs.
pub struct Harness {
    pub fake: FakeDiscord,
    pub app: TestApp,
    pub http: Arc<serenity::Http>,
    pub shards: Arc<serenity::ShardManager>,
    pub task: tokio::task::JoinHandle<Result<(), serenity::Error>>,
    /// Shared by the bot's handlers and the test's scheduler ticks, as in production.
    pub outbox: Outbox,
    /// Where the bot reports its gateway, with a scheduler period of [`PERIOD`] for tests that
    /// run `scheduler::run`.
    pub liveness: Liveness,
}

/// The scheduler's period in tests that run it for real.
pub const PERIOD: Duration = Duration::from_millis(100);

/// Delivery as in production (paced under the global limit) with short retries and count refresh.
pub fn outbox() -> Outbox {
    Outbox::new(Pacer::discord(), FAST).with_count_refresh(Duration::from_millis(100))
}

/// Every log line the bot wrote at info or above (`dailydrill` only), whatever `RUST_LOG` says, so
/// tests can check a refusal was logged. Shared by the tests of one binary, which run in parallel:
/// assert on lines that name something unique to the test (a custom_id, a user id).
static LOGS: OnceLock<LogBuffer> = OnceLock::new();

/// Installs the tests' global subscriber once: the test writer filtered by `RUST_LOG` (as before),
/// and the capture of `dailydrill` at info.
pub fn init_logging() {
    LOGS.get_or_init(|| {
        let buffer = LogBuffer::default();
        let sink = buffer.clone();
        let captured = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .with_filter(tracing_subscriber::EnvFilter::new("dailydrill=info"));
        let shown = tracing_subscriber::fmt::layer()
            .with_test_writer()
            .with_filter(tracing_subscriber::EnvFilter::from_default_env());
        let _ = tracing_subscriber::registry()
            .with(captured)
            .with(shown)
            .try_init();
        buffer
    });
}

/// The captured log lines that contain every one of `needles`.
pub fn log_lines_with(needles: &[&str]) -> Vec<String> {
    LOGS.get()
        .map(|logs| logs.lines_with(needles))
        .unwrap_or_default()
}

/// The real bot on the harness's database, wired to the fake; returns once it has registered.
pub async fn start_bot(
    fake: &FakeDiscord,
    app: &TestApp,
    outbox: &Outbox,
    liveness: &Liveness,
) -> (
    Arc<serenity::Http>,
    Arc<serenity::ShardManager>,
    tokio::task::JoinHandle<Result<(), serenity::Error>>,
) {
    let before = fake.registrations();
    // As in production: serenity's own rate limiter on, requests to https://discord.com (the fake).
    let http = fake
        .http(DiscordToken::parse(TOKEN).unwrap().expose())
        .unwrap();
    let bot = bot::spawn(
        http,
        app.service.clone(),
        outbox.clone(),
        liveness.clone(),
        Some(GUILD),
    )
    .await
    .unwrap();
    assert!(
        fake.registered_after(before, WAIT).await,
        "the bot started and registered its commands"
    );
    (bot.http, bot.shards, bot.task)
}

impl Harness {
    pub async fn spawn(start: &str) -> Harness {
        Harness::spawn_with(start, FakeOptions::default()).await
    }

    pub async fn spawn_with(start: &str, options: FakeOptions) -> Harness {
        init_logging();
        let fake = FakeDiscord::start(options).await.unwrap();
        fake.add_guild(GUILD);
        let app = super::app(super::utc(start), 11).await;
        let outbox = outbox();
        let liveness = Liveness::new(PERIOD);
        let (http, shards, task) = start_bot(&fake, &app, &outbox, &liveness).await;
        Harness {
            fake,
            app,
            http,
            shards,
            task,
            outbox,
            liveness,
        }
    }

    /// The bot with one schedule of the test guild already added (schedule #1).
    pub async fn with_schedule(start: &str, schedule: ScheduleSpec) -> Harness {
        let h = Harness::spawn(start).await;
        h.app
            .service
            .add_schedule(dailydrill::domain::ids::GuildId(GUILD), schedule)
            .await
            .unwrap();
        h
    }

    /// Stops the bot and starts it again on the same database, as a restart of the process.
    pub async fn restart(&mut self) {
        self.shards.shutdown_all().await;
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.task).await;
        self.app.restart(12).await;
        // A new process: nothing in memory survives (claims, accepted messages, pending edits).
        self.outbox = outbox();
        let registrations = self.registrations();
        let (http, shards, task) =
            start_bot(&self.fake, &self.app, &self.outbox, &self.liveness).await;
        assert!(
            self.registrations() > registrations,
            "the restarted bot registered again"
        );
        (self.http, self.shards, self.task) = (http, shards, task);
        scheduler::resend_unsent(&self.http, &self.app.service, &self.outbox).await;
    }

    pub fn registrations(&self) -> usize {
        self.fake.registrations()
    }

    pub async fn tick(&self) -> scheduler::TickReport {
        scheduler::tick(&self.http, &self.app.service, &self.outbox).await
    }

    /// The bot's first answer to an interaction (`type` and `data`); fails the test after `WAIT`.
    pub async fn answer_to(&self, interaction: u64) -> Value {
        answer_to(&self.fake, interaction).await
    }

    /// The text a command answered with: its message response, or the follow-up after a defer.
    pub async fn command_text(&self, invoker: &Invoker, name: &str, options: Value) -> String {
        command_text(&self.fake, invoker, name, options).await
    }

    /// The id of the newest question posted in the channel, from its Answer button.
    pub fn latest_post_id(&self) -> i64 {
        let posts = self.fake.messages_in(CHANNEL);
        let button = posts
            .iter()
            .rev()
            .find_map(|m| {
                fake_discord::first_component(m)["custom_id"]
                    .as_str()
                    .filter(|id| id.starts_with("ans:"))
            })
            .expect("a posted question");
        button["ans:".len()..].parse().unwrap()
    }

    /// A member submits the answer form of a post; returns the bot's reply.
    pub async fn answer(&self, user: u64, post: i64, text: &str) -> String {
        let id =
            self.fake
                .submit_modal(&member(user), &format!("answer:{post}"), &[("text", text)]);
        self.answer_to(id).await["data"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// An admin's `/schedule add` in the test channel at 09:00 UTC drawing from `tracks`, with
    /// `more` options; the bot's reply.
    pub async fn schedule_add(&self, tracks: &str, more: Vec<Value>) -> String {
        let mut options = vec![
            opt("channel", 7, &CHANNEL.to_string()),
            opt("time", 3, "09:00"),
            opt("timezone", 3, "UTC"),
            opt("tracks", 3, tracks),
        ];
        options.extend(more);
        self.command_text(&admin(1), "schedule", sub("add", options))
            .await
    }

    /// A member takes a `/quiz` on `track` and answers it with `text`; returns the question as
    /// shown (its embed's description).
    pub async fn quiz(&self, user: u64, track: &str, text: &str) -> String {
        let options = serde_json::json!([opt("track", 3, track)]);
        let shown = self
            .answer_to(self.fake.slash_command(&member(user), "quiz", options))
            .await;
        let button = fake_discord::first_component(&shown["data"])["custom_id"]
            .as_str()
            .expect("a quiz's Answer button")
            .to_owned();
        let modal = self
            .answer_to(self.fake.click_button(&member(user), 1, &button))
            .await;
        let modal_id = modal["data"]["custom_id"].as_str().unwrap().to_owned();
        self.answer_to(
            self.fake
                .submit_modal(&member(user), &modal_id, &[("text", text)]),
        )
        .await;
        shown["data"]["embeds"][0]["description"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn stop(self) {
        self.shards.shutdown_all().await;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.task).await;
        self.fake.shutdown().await;
    }
}

/// The bot's first answer to an interaction (`type` and `data`); fails the test after `WAIT`.
pub async fn answer_to(fake: &FakeDiscord, interaction: u64) -> Value {
    match fake
        .wait_for(WAIT, |f| f.interaction_response(interaction))
        .await
    {
        Some(answer) => answer,
        None => {
            let calls = fake.calls();
            let last: Vec<String> = calls
                .iter()
                .rev()
                .take(6)
                .map(|c| format!("{} {} -> {}", c.method, c.path, c.status))
                .collect();
            panic!("interaction {interaction} was not answered; last calls: {last:#?}");
        }
    }
}

/// The text a command answered with: its message response, or the follow-up after a defer.
pub async fn command_text(
    fake: &FakeDiscord,
    invoker: &Invoker,
    name: &str,
    options: Value,
) -> String {
    let id = fake.slash_command(invoker, name, options);
    let first = answer_to(fake, id).await;
    assert_eq!(first["data"]["flags"], 64, "/{name} answers ephemerally");
    if first["type"] == 4 {
        return first["data"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
    }
    assert_eq!(first["type"], 5, "deferred");
    let followup = fake
        .wait_for(WAIT, |f| f.follow_ups(id).into_iter().next())
        .await
        .expect("a follow-up after the defer");
    assert_eq!(followup["flags"], 64);
    followup["content"].as_str().unwrap_or_default().to_owned()
}

/// A member of the test guild without any permission.
pub fn member(user: u64) -> Invoker {
    Invoker {
        guild: GUILD,
        channel: CHANNEL,
        user,
        permissions: 0,
    }
}

/// A member of the test guild with Manage Server.
pub fn admin(user: u64) -> Invoker {
    Invoker {
        permissions: MANAGE_GUILD,
        ..member(user)
    }
}

/// A command option as Discord sends it: integers (type 4) as JSON numbers, others as strings.
pub fn opt(name: &str, kind: u8, value: &str) -> Value {
    let value = match (kind, value.parse::<i64>()) {
        (4, Ok(n)) => serde_json::json!(n),
        _ => serde_json::json!(value),
    };
    serde_json::json!({ "name": name, "type": kind, "value": value })
}

/// A subcommand with its options.
pub fn sub(name: &str, options: Vec<Value>) -> Value {
    serde_json::json!([{ "name": name, "type": 1, "options": options }])
}

/// A daily 09:00 UTC schedule in the test channel, revealed after 24 h.
pub fn spec() -> ScheduleSpec {
    ScheduleSpec {
        channel: ChannelId(CHANNEL),
        time: "09:00".parse().unwrap(),
        zone: "UTC".parse().unwrap(),
        tracks: Vec::new(),
        reveal: "24h".parse().unwrap(),
        mention_role: None,
        difficulty: None,
        days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
    }
}

pub fn spec_at(reveal: &str) -> ScheduleSpec {
    ScheduleSpec {
        reveal: reveal.parse().unwrap(),
        ..spec()
    }
}

/// Every message and interaction reply the bot sent that can carry text (content or embeds), as
/// recorded by the fake, lets Discord parse no mention at all (`parse` empty, no user listed); only
/// the roles in `roles` (a schedule's own role, in its posts) may be listed. Returns how many
/// bodies were checked.
pub fn assert_nothing_pings(fake: &FakeDiscord, roles: &[&str]) -> usize {
    let mut checked = 0;
    for call in fake.calls() {
        if call.method != "POST" && call.method != "PATCH" {
            continue;
        }
        let body = if call.path.starts_with("/interactions/") {
            &call.body["data"]
        } else {
            &call.body
        };
        if body.get("content").is_none() && body.get("embeds").is_none() {
            continue;
        }
        let mentions = &body["allowed_mentions"];
        let what = format!("{} {}: {body}", call.method, call.path);
        assert_eq!(mentions["parse"], serde_json::json!([]), "{what}");
        assert!(
            mentions["users"].as_array().is_none_or(Vec::is_empty),
            "{what}"
        );
        let listed: Vec<&str> = mentions["roles"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert!(listed.iter().all(|r| roles.contains(r)), "{what}");
        checked += 1;
    }
    checked
}
