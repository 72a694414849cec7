//! `dailydrill demo`: the real bot against the in-repo fake Discord, with a temporary database and
//! a clock that jumps, printing a compressed week of a study group as a transcript. It shows the
//! whole bot working without a Discord token.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};

use crate::clock::ManualClock;
use crate::config::{ApiUrl, DatabaseUrl, DiscordToken};
use crate::corpus::Corpus;
use crate::discord::outbox::Outbox;
use crate::discord::pace::Pacer;
use crate::discord::retry::Backoff;
use crate::discord::{bot, client, scheduler};
use crate::service::Service;
use crate::store::Store;
use fake_discord::{FakeDiscord, FakeOptions, Invoker, MANAGE_GUILD};

mod decks;
mod practice;

const GUILD: u64 = 900;
const CHANNEL: u64 = 901;
/// A channel where the bot may not open threads, so the admin's first try is refused.
const LOCKED_CHANNEL: u64 = 902;
/// Discord's Create Public Threads permission bit.
const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
const TOKEN: &str = "ZGVtby1ib3Q.ZGVtbw.a-token-that-only-the-fake-discord-accepts";
const WAIT: Duration = Duration::from_secs(10);
/// The study group: a name, a user id, and how thoroughly they answer (key points mentioned).
const MEMBERS: [(&str, u64, usize); 3] = [("Ada", 11, 6), ("Brian", 12, 2), ("Chen", 13, 1)];

struct Demo {
    fake: FakeDiscord,
    service: Service,
    clock: ManualClock,
    http: Arc<serenity::all::Http>,
    outbox: Outbox,
    out: String,
    recaps_shown: usize,
}

fn member(user: u64, permissions: u64) -> Invoker {
    Invoker {
        guild: GUILD,
        channel: CHANNEL,
        user,
        permissions,
    }
}

impl Demo {
    fn say(&mut self, line: impl AsRef<str>) {
        let _ = writeln!(self.out, "{}", line.as_ref());
    }

    fn at(&mut self, when: DateTime<Utc>) {
        self.clock.set(when);
    }

    async fn reply(&self, interaction: u64) -> anyhow::Result<Value> {
        self.fake
            .wait_for(WAIT, |f| f.interaction_response(interaction))
            .await
            .ok_or_else(|| anyhow::anyhow!("the bot did not answer an interaction"))
    }

    /// The text a member sees in reply to a slash command (its response or its follow-up).
    async fn command(
        &self,
        user: u64,
        permissions: u64,
        name: &str,
        options: Value,
    ) -> anyhow::Result<String> {
        let id = self
            .fake
            .slash_command(&member(user, permissions), name, options);
        self.said(id)
            .await
            .map_err(|_| anyhow::anyhow!("the bot did not answer /{name}"))
    }

    /// What the member sees in reply to an interaction: the ephemeral response, or the follow-up
    /// after a defer (every command and form answers ephemerally).
    async fn said(&self, interaction: u64) -> anyhow::Result<String> {
        let reply = self
            .fake
            .wait_for(WAIT, |f| f.ephemeral_reply(interaction))
            .await
            .ok_or_else(|| anyhow::anyhow!("the bot did not answer"))?;
        Ok(reply["content"].as_str().unwrap_or_default().to_owned())
    }

    async fn tick(&self) -> scheduler::TickReport {
        scheduler::tick(&self.http, &self.service, &self.outbox).await
    }

    /// The newest weekly recap in #study not shown yet.
    fn newest_recap(&mut self) -> Option<String> {
        let recaps: Vec<String> = self
            .fake
            .messages_in(CHANNEL)
            .iter()
            .filter_map(|m| m["content"].as_str().map(str::to_owned))
            .filter(|c| c.starts_with("**Week of "))
            .collect();
        let new = recaps.get(self.recaps_shown).cloned();
        self.recaps_shown = recaps.len();
        new
    }

    /// The direct messages the bot sent `user`.
    fn dms(&self, user: u64) -> Vec<Value> {
        self.fake.messages_in(user ^ fake_discord::DM_CHANNEL_BITS)
    }

    fn newest_post(&self) -> Option<(u64, i64, String)> {
        self.fake.messages_in(CHANNEL).iter().rev().find_map(|m| {
            let button = fake_discord::first_component(m)["custom_id"].as_str()?;
            let id = button.strip_prefix("ans:")?.parse().ok()?;
            let message = m["id"].as_str()?.parse().ok()?;
            let title = m["embeds"][0]["description"]
                .as_str()?
                .lines()
                .next()?
                .to_owned();
            Some((message, id, title))
        })
    }
}

/// The first line of a form's reply, without bold: the grade line of a feedback.
fn first_line(reply: &Value) -> String {
    reply["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default()
        .replace("**", "")
}

fn quote(text: &str) -> String {
    text.lines()
        .map(|l| format!("    │ {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the demo for `days` days and returns the transcript.
pub async fn run(corpus: Corpus, days: u32) -> anyhow::Result<String> {
    let dir = tempfile::tempdir()?;
    let url = DatabaseUrl::parse(&format!(
        "sqlite://{}",
        dir.path().join("demo.db").display()
    ))?;
    // Thursday 4 June 2026, 08:00 in Berlin, an hour before the first post.
    let start = Utc
        .with_ymd_and_hms(2026, 6, 4, 6, 0, 0)
        .single()
        .unwrap_or_default();
    let clock = ManualClock::new(start);
    let corpus = Arc::new(corpus);
    let service = Service::new(
        Store::open(&url).await?,
        corpus.clone(),
        Arc::new(clock.clone()),
        2026,
    );

    let fake = FakeDiscord::start(FakeOptions {
        global_limit: 100_000,
        ..FakeOptions::default()
    })
    .await?;
    fake.add_guild(GUILD);
    let token = DiscordToken::parse(TOKEN)?;
    let http = client::http(&token, Some(&ApiUrl::parse(&fake.api_url())?))?;
    // The demo's clock jumps hours between ticks; requests are still paced as in production.
    let outbox = Outbox::new(
        Pacer::discord(),
        Backoff {
            first: Duration::from_millis(50),
            max: Duration::from_millis(400),
            attempts: 5,
            attempt_timeout: Duration::from_secs(5),
        },
    )
    .with_count_refresh(Duration::from_millis(100));
    let liveness = crate::liveness::Liveness::new(crate::discord::scheduler::TICK);
    let bot = bot::spawn(http, service.clone(), outbox.clone(), liveness, Some(GUILD)).await?;
    let (http, shards, task) = (bot.http, bot.shards, bot.task);
    if !fake.registered_after(0, WAIT).await {
        anyhow::bail!("the bot did not connect to the fake Discord");
    }

    let mut demo = Demo {
        fake,
        service,
        clock,
        http,
        outbox,
        out: String::new(),
        recaps_shown: 0,
    };
    demo.say("dailydrill demo: the real bot on a fake Discord (127.0.0.1), a temporary database, a fast clock.");
    demo.say(format!(
        "Members: {}. Channel #study.\n",
        MEMBERS.map(|m| m.0).join(", ")
    ));

    let add = |channel: u64| {
        json!([{ "name": "add", "type": 1, "options": [
            { "name": "channel", "type": 7, "value": channel.to_string() },
            { "name": "time", "type": 3, "value": "09:00" },
            { "name": "timezone", "type": 3, "value": "Europe/Berlin" },
            { "name": "tracks", "type": 3, "value": "python,django" },
            { "name": "reveal", "type": 3, "value": "21:00" },
            { "name": "days", "type": 3, "value": "mon-fri" },
        ] }])
    };
    demo.fake.deny_bot_in(LOCKED_CHANNEL, CREATE_PUBLIC_THREADS);
    demo.say("Admin › /schedule add channel:#announcements time:09:00 timezone:Europe/Berlin tracks:python,django reveal:21:00 days:mon-fri");
    let text = demo
        .command(1, MANAGE_GUILD, "schedule", add(LOCKED_CHANNEL))
        .await?;
    demo.say(format!("  bot (only the admin sees this) › {text}\n"));
    demo.say("Admin › /schedule add channel:#study time:09:00 timezone:Europe/Berlin tracks:python,django reveal:21:00 days:mon-fri");
    let text = demo
        .command(1, MANAGE_GUILD, "schedule", add(CHANNEL))
        .await?;
    demo.say(format!("  bot (only the admin sees this) › {text}\n"));
    demo.say("Admin › /schedule recap enabled:True");
    let recap = json!([{ "name": "recap", "type": 1, "options": [
        { "name": "enabled", "type": 5, "value": true },
    ] }]);
    let text = demo.command(1, MANAGE_GUILD, "schedule", recap).await?;
    demo.say(format!("  bot (only the admin sees this) › {text}"));
    demo.say("Ada › /remind on hours:3");
    let remind = json!([{ "name": "on", "type": 1, "options": [
        { "name": "hours", "type": 4, "value": 3 },
    ] }]);
    let text = demo.command(11, 0, "remind", remind).await?;
    demo.say(format!("  bot (only Ada sees this) › {text}\n"));

    for day in 0..days {
        // From the start's Thursday, so the default five days cross a weekend.
        let morning = Utc
            .with_ymd_and_hms(2026, 6, 4, 7, 0, 0)
            .single()
            .unwrap_or_default()
            + chrono::Duration::days(i64::from(day));
        let weekday = morning.format("%A");
        demo.at(morning);
        let posted = demo.tick().await.posted;
        if let Some(recap) = demo.newest_recap() {
            demo.say(format!(
                "── Day {} · {weekday} ── the week is over; the bot posts its recap in #study (names, no pings):",
                day + 1
            ));
            demo.say(quote(&recap));
            demo.say("");
        }
        let newest = demo.newest_post().filter(|_| posted > 0);
        let Some((message, post, question)) = newest else {
            demo.say(format!(
                "── Day {} · {weekday} ── no post: the schedule runs Monday to Friday, and streaks wait.\n",
                day + 1
            ));
            continue;
        };
        demo.say(format!(
            "── Day {} · {weekday} 09:00 Berlin ── the bot posts in #study:",
            day + 1
        ));
        demo.say(quote(&question));
        let key_points = demo
            .service
            .post(
                crate::domain::ids::GuildId(GUILD),
                crate::domain::ids::PostId(post),
            )
            .await?
            .question
            .key_points;
        for (i, (name, user, depth)) in MEMBERS.iter().enumerate() {
            if (day as usize + i) % 5 == 4 {
                demo.say(format!("  {name} skips today."));
                continue;
            }
            let click = demo
                .fake
                .click_button(&member(*user, 0), message, &format!("ans:{post}"));
            demo.reply(click).await?;
            let text: Vec<&str> = key_points
                .iter()
                .take(*depth)
                .map(|k| k.label.as_str())
                .collect();
            let answer = if text.is_empty() {
                "I am not sure.".to_owned()
            } else {
                text.join(". ")
            };
            let submit = demo.fake.submit_modal(
                &member(*user, 0),
                &format!("answer:{post}"),
                &[("text", &answer)],
            );
            let reply = demo.reply(submit).await?;
            let saved = reply["data"]["content"]
                .as_str()
                .unwrap_or_default()
                .split('.')
                .next()
                .unwrap_or_default()
                .to_owned();
            demo.say(format!(
                "  {name} presses Answer and submits privately › bot: {saved}."
            ));
        }
        // 18:00 in Berlin, three hours before the reveal: Ada asked for reminders.
        let before = demo.dms(11).len();
        demo.at(morning + chrono::Duration::hours(9));
        demo.tick().await;
        if let Some(dm) = demo.dms(11).get(before) {
            let text = dm["content"].as_str().unwrap_or_default();
            let first = text.lines().next().unwrap_or_default();
            demo.say(format!(
                "  18:00 · Ada has not answered; she gets a direct message › {first}"
            ));
        }
        demo.at(morning + chrono::Duration::hours(12));
        let report = demo.tick().await;
        demo.say(format!("  21:00 · the model answer is posted in a discussion thread on the question ({} revealed); #study gets one short notice with a My feedback button.", report.revealed));
        let feedback_button = format!("fb:{post}");
        for (name, user, _) in MEMBERS {
            let click = demo
                .fake
                .click_button(&member(user, 0), message, &feedback_button);
            let reply = demo.reply(click).await?;
            let text = reply["data"]["content"].as_str().unwrap_or_default();
            let summary = text.lines().next().unwrap_or_default().replace("**", "");
            let streak = text
                .rsplit("Streak:** ")
                .next()
                .filter(|_| text.contains("Streak"))
                .unwrap_or("—");
            demo.say(format!(
                "  {name} › My feedback › {summary} Streak {streak}"
            ));
        }
        demo.say("");
    }

    demo.say("Brian › /quiz track:python");
    let quiz = demo.fake.slash_command(
        &member(12, 0),
        "quiz",
        json!([{ "name": "track", "type": 3, "value": "python" }]),
    );
    let shown = demo.reply(quiz).await?;
    let title = shown["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    demo.say(format!("  bot (privately) › {title}"));
    let quiz_button = fake_discord::first_component(&shown["data"])["custom_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let quiz_id = quiz_button.trim_start_matches("qz:").to_owned();
    let submit = demo.fake.submit_modal(
        &member(12, 0),
        &format!("qa:{quiz_id}"),
        &[("text", "It depends on the GIL and on I/O.")],
    );
    let first = first_line(&demo.reply(submit).await?);
    demo.say(format!(
        "  Brian answers › bot (privately) › {first} (then the model answer)\n"
    ));

    practice::review(&mut demo, days).await?;
    practice::mock(&mut demo).await?;
    decks::decks(&mut demo).await?;

    demo.say("Ada › /leaderboard period:all time");
    let board = demo
        .command(
            11,
            0,
            "leaderboard",
            json!([{ "name": "period", "type": 4, "value": 2 }]),
        )
        .await?;
    demo.say(quote(&board));
    demo.say(format!(
        "\nThe bot made {} REST calls to the fake Discord; every message it sent pings nobody.",
        demo.fake.calls().len()
    ));

    shards.shutdown_all().await;
    let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
    demo.service.store().close().await;
    demo.fake.shutdown().await;
    Ok(demo.out)
}
