//! The daily fan-out: thousands of schedules due at the same minute, delivered by the real bot
//! through the fake Discord enforcing Discord's global limit (50 requests/s), while members use
//! slash commands.
//!
//! `cargo bench --bench fanout [-- --schedules N --per-guild G --commands-per-sec C]`
//! (defaults: 2,000 schedules, 10 per guild so 200 guilds, 5 commands per second).
//!
//! Production wiring: the serenity client from `bot::client` with serenity's own rate limiter on,
//! its requests to `https://discord.com` served by the fake (`FakeDiscord::http`), one `Outbox` with `Pacer::discord()` and the production
//! backoff shared by the handlers and the scheduler, `scheduler::tick` on a SQLite file opened by
//! `Store::open`. Every schedule posts at 09:00 UTC in a channel of its own; the clock is set to
//! 09:00 and one tick commits and delivers all of them. From the start of the tick until it
//! returns, members of the guilds run `/streak` and `/question` in turn at a fixed rate (open
//! loop). The fake's defaults (`FakeOptions::default()`): 50 requests/s per one-second window,
//! interaction callbacks exempt, a callback later than 3 s refused.
//!
//! Then, at 21:00, one tick reveals every post; the requests it costs are counted by kind, with
//! the messages it leaves in the schedules' channels.
//!
//! Figures come from the fake's records: the sustained rate is (posts − 1) / (last post − first
//! post), the request times being when the fake received them; an interaction's latency runs from
//! the fake dispatching it to the fake receiving its first response. The run fails when a post is
//! missing, doubled or refused, or when a request was refused by the global limit.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use dailydrill::discord::outbox::Outbox;
use dailydrill::discord::pace::{DISCORD_RATE, Pacer};
use dailydrill::discord::retry::Backoff;
use dailydrill::discord::scheduler;
use dailydrill::domain::ids::{ChannelId, GuildId};
use dailydrill::service::ScheduleSpec;
use fake_discord::{
    DISCORD_GLOBAL_LIMIT, FakeDiscord, FakeOptions, INTERACTION_DEADLINE, Invoker, RecordedCall,
};
use serde_json::{Value, json};
use support::{arg, p50_p99_max};

fn guild(g: usize) -> u64 {
    1_000_000 + g as u64
}

fn channel(i: usize) -> u64 {
    2_000_000 + i as u64
}

/// A question post: a message with the Answer button (`ans:<post>`).
fn is_question(body: &Value) -> bool {
    fake_discord::first_component(body)["custom_id"]
        .as_str()
        .is_some_and(|id| id.starts_with("ans:"))
}

/// The largest number of `times` (sorted) within any one second.
fn busiest_second(times: &[Instant]) -> usize {
    let mut best = 0;
    let mut j = 0;
    for i in 0..times.len() {
        while j < times.len() && times[j] < times[i] + Duration::from_secs(1) {
            j += 1;
        }
        best = best.max(j - i);
    }
    best
}

async fn bench(schedules: usize, per_guild: usize, commands_per_sec: f64) {
    support::init_logging();
    let tmp = tempfile::tempdir().unwrap();
    let (service, clock) = support::service(tmp.path(), support::utc("2026-06-01T08:00:00Z")).await;
    let guilds = schedules.div_ceil(per_guild);
    for i in 0..schedules {
        let spec = ScheduleSpec {
            channel: ChannelId(channel(i)),
            time: "09:00".parse().unwrap(),
            zone: "UTC".parse().unwrap(),
            tracks: Vec::new(),
            reveal: "21:00".parse().unwrap(),
            mention_role: None,
            difficulty: None,
            days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
        };
        service
            .add_schedule(GuildId(guild(i / per_guild)), spec)
            .await
            .expect("add a schedule");
    }

    let fake = Arc::new(FakeDiscord::start(FakeOptions::default()).await.unwrap());
    for g in 0..guilds {
        fake.add_guild(guild(g));
    }
    let outbox = Outbox::new(Pacer::discord(), Backoff::default());
    let (http, shards, task) = support::start_bot(&fake, &service, &outbox).await;
    let calls_before = fake.calls().len();
    let interactions_before = fake.interaction_timings().len();

    // 09:00: every schedule is due. Members run commands, open loop, until the tick returns.
    clock.set(support::utc("2026-06-01T09:00:00Z"));
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let members = {
        let (fake, stop) = (fake.clone(), stop.clone());
        tokio::spawn(async move {
            let mut sent = 0usize;
            loop {
                support::until(start + Duration::from_secs_f64(sent as f64 / commands_per_sec))
                    .await;
                if stop.load(Ordering::Relaxed) {
                    return sent;
                }
                let g = sent % guilds;
                let invoker = Invoker {
                    guild: guild(g),
                    channel: channel(g * per_guild),
                    user: 5_000_000 + sent as u64,
                    permissions: 0,
                };
                let name = if sent % 2 == 0 { "streak" } else { "question" };
                fake.slash_command(&invoker, name, json!([]));
                sent += 1;
            }
        })
    };
    let report = scheduler::tick(&http, &service, &outbox).await;
    let total = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    let commands = members.await.unwrap();
    // The last commands' answers may still be on their way.
    fake.wait_for(INTERACTION_DEADLINE + Duration::from_secs(1), |f| {
        let timings = f.interaction_timings();
        timings[interactions_before..]
            .iter()
            .all(|t| t.answered.is_some())
            .then_some(())
    })
    .await;

    // What the fake saw.
    let calls: Vec<RecordedCall> = fake.calls().split_off(calls_before);
    let posts: Vec<&RecordedCall> = calls
        .iter()
        .filter(|c| c.method == "POST" && c.path.ends_with("/messages") && c.status == 200)
        .filter(|c| is_question(&c.body))
        .collect();
    let limited: Vec<Instant> = calls
        .iter()
        .filter(|c| !c.path.starts_with("/interactions/"))
        .map(|c| c.at)
        .collect();
    let refused = calls
        .iter()
        .filter(|c| !(200..300).contains(&c.status))
        .count();
    assert!(
        posts.len() >= 2,
        "the fan-out posted: {} posts, tick {report:?}",
        posts.len()
    );
    let (first, last) = (posts[0].at, posts[posts.len() - 1].at);
    let span = last.duration_since(first);
    let sustained = (posts.len() - 1) as f64 / span.as_secs_f64();
    let mut per_second: BTreeMap<u64, usize> = BTreeMap::new();
    for post in &posts {
        *per_second
            .entry(post.at.duration_since(first).as_secs())
            .or_default() += 1;
    }
    // The last second is partial; the others show whether the rate holds throughout.
    let full: Vec<usize> = per_second
        .values()
        .take(per_second.len().saturating_sub(1))
        .copied()
        .collect();
    let mut sorted_full = full.clone();
    sorted_full.sort();

    let (mut missed, mut doubled) = (0, 0);
    for i in 0..schedules {
        match fake
            .messages_in(channel(i))
            .iter()
            .filter(|m| is_question(m))
            .count()
        {
            0 => missed += 1,
            1 => {}
            _ => doubled += 1,
        }
    }
    let unrecorded = service.unsent_posts().await.unwrap().len();

    let timings = fake.interaction_timings().split_off(interactions_before);
    let latencies: Vec<Duration> = timings.iter().filter_map(|t| t.latency()).collect();
    let in_time = latencies
        .iter()
        .filter(|l| **l <= INTERACTION_DEADLINE)
        .count();
    let [p50, p99, max] = p50_p99_max(&latencies);

    let limit = f64::from(DISCORD_GLOBAL_LIMIT);
    println!(
        "daily fan-out: {schedules} schedules in {schedules} channels of {guilds} guilds, due at \
         the same minute; fake Discord limit {DISCORD_GLOBAL_LIMIT} requests/s (the bot paces at \
         {DISCORD_RATE}/s); /streak and /question at {commands_per_sec}/s during the fan-out; \
         load average {}",
        support::load_average()
    );
    println!("  baseline: Discord's global limit            {limit:>8.1} requests/s");
    println!(
        "  sustained: (posts - 1) / (last - first)     {sustained:>8.1} posts/s = {:.1} % of \
         the limit (target >= 90 %)",
        100.0 * sustained / limit
    );
    println!(
        "  posts: {} in {:.1} s from first to last; first post {:.2} s after the tick started \
         (committing all posts), tick total {:.1} s",
        posts.len(),
        span.as_secs_f64(),
        first.duration_since(start).as_secs_f64(),
        total.as_secs_f64()
    );
    if !sorted_full.is_empty() {
        println!(
            "  posts per whole second: min {} / median {} / max {} over {} s; busiest 1-s window \
             of all rate-limited requests: {} (limit {DISCORD_GLOBAL_LIMIT})",
            sorted_full[0],
            sorted_full[sorted_full.len() / 2],
            sorted_full[sorted_full.len() - 1],
            full.len(),
            busiest_second(&limited)
        );
        println!("  posts in each second: {full:?}");
    }
    println!(
        "  tick report: posted {}, failed {}; global-limit 429s {}; invalid requests (401/403/429) \
         {}; other refused requests {}; missed {missed}; doubled {doubled}; posts not recorded {unrecorded}",
        report.posted,
        report.failed,
        fake.global_limit_violations(),
        fake.invalid_requests(),
        refused,
    );
    println!(
        "  commands during the fan-out: {commands} sent, {} answered, {in_time} within 3 s; \
         dispatch to first response p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms (target: \
         answered within 3 s)",
        latencies.len()
    );

    assert_eq!(missed, 0, "every schedule posted");
    assert_eq!(doubled, 0, "no schedule posted twice");
    assert_eq!(posts.len(), schedules, "one accepted post per schedule");
    assert_eq!((report.posted, report.failed), (schedules, 0));
    assert_eq!(unrecorded, 0, "every post's message was recorded");
    assert_eq!(fake.global_limit_violations(), 0, "no 429 from the limit");
    assert_eq!(fake.invalid_requests(), 0, "no invalid request");

    reveals(
        &fake,
        &http,
        &service,
        &clock,
        &outbox,
        schedules,
        posts.len(),
    )
    .await;

    shards.shutdown_all().await;
    let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
    service.store().close().await;
}

/// 21:00: every post is revealed in one tick. Counts the requests a reveal costs, by kind, and
/// the messages it leaves in the schedules' channels, so the day's paced requests (posts plus
/// reveals) can be compared between reveal designs.
async fn reveals(
    fake: &FakeDiscord,
    http: &Arc<poise::serenity_prelude::Http>,
    service: &dailydrill::service::Service,
    clock: &dailydrill::clock::ManualClock,
    outbox: &Outbox,
    schedules: usize,
    post_requests: usize,
) {
    let before = fake.calls().len();
    let in_channels_before: usize = (0..schedules)
        .map(|i| fake.messages_in(channel(i)).len())
        .sum();
    clock.set(support::utc("2026-06-01T21:00:00Z"));
    let start = Instant::now();
    let report = scheduler::tick(http, service, outbox).await;
    let took = start.elapsed();
    let calls: Vec<RecordedCall> = fake.calls().split_off(before);
    let paced: Vec<&RecordedCall> = calls
        .iter()
        .filter(|c| !c.path.starts_with("/interactions/") && !c.path.starts_with("/webhooks/"))
        .collect();
    let kind = |c: &RecordedCall| match (c.method.as_str(), c.path.rsplit('/').next()) {
        ("POST", Some("threads")) => "thread",
        ("POST", Some("messages")) => "message",
        ("PATCH", _) => "edit",
        _ => "other",
    };
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for call in &paced {
        *by_kind.entry(kind(call)).or_default() += 1;
    }
    let in_channels: usize = (0..schedules)
        .map(|i| fake.messages_in(channel(i)).len())
        .sum();
    let per_reveal = paced.len() as f64 / schedules as f64;
    println!(
        "  reveals at 21:00: {} revealed in {:.1} s; {} paced requests ({per_reveal:.2} per reveal: \
         {by_kind:?}); new messages in the schedules' channels {} ({:.2} per reveal); refused {}",
        report.revealed,
        took.as_secs_f64(),
        paced.len(),
        in_channels - in_channels_before,
        (in_channels - in_channels_before) as f64 / schedules as f64,
        calls
            .iter()
            .filter(|c| !(200..300).contains(&c.status))
            .count(),
    );
    println!(
        "  the day: {} paced requests for {schedules} schedules ({:.2} per schedule: 1 post + \
         {per_reveal:.2} for the reveal; no answers, so no count edits)",
        post_requests + paced.len(),
        (post_requests + paced.len()) as f64 / schedules as f64,
    );
    assert_eq!(report.revealed, schedules, "every post revealed");
    assert_eq!(fake.global_limit_violations(), 0, "no 429 from the limit");
    assert_eq!(fake.invalid_requests(), 0, "no invalid request");
}

fn main() {
    let schedules = arg("--schedules", 2000usize);
    let per_guild = arg("--per-guild", 10usize).clamp(1, 25);
    let commands_per_sec = arg("--commands-per-sec", 5.0f64);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench(schedules, per_guild, commands_per_sec));
}
