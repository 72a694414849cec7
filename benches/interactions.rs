//! End-to-end interactions: members submit the answer form of an open daily post at a fixed rate
//! (open loop), through the fake Discord's gateway to the real bot and back as an ephemeral reply;
//! against a bare HTTP echo on the same loopback at the same rate.
//!
//! `cargo bench --bench interactions [-- --rate R --seconds S --runs N]`
//! (defaults: 200 interactions/s for 10 s, 3 runs).
//!
//! The bot is wired as in production (`bot::client` with serenity's own rate limiter on, its
//! requests to `https://discord.com` served by the fake over TLS, one `Outbox` with
//! `Pacer::discord()`, the production backoff and answer-count refresh) on a SQLite file opened by
//! `Store::open`. One schedule has posted its question; each interaction is a different member's
//! first answer (200 to 1,500 characters) through `answer:<post>`, sent at its planned instant
//! whether or not earlier ones were answered. Latency is from the fake dispatching the interaction
//! on the gateway to the fake receiving the bot's callback, both from the fake's records; every
//! reply must say "Saved." or the run fails.
//!
//! The baseline, in the same process and run just before each measured run: a tiny axum route
//! returning the request body, called at the same rate with the same texts by reqwest (the HTTP
//! client serenity uses), one task per request; its latency is the client's round trip. Figures
//! are per run, then each one's median over the runs.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::routing;
use dailydrill::discord::outbox::Outbox;
use dailydrill::discord::pace::Pacer;
use dailydrill::discord::retry::Backoff;
use dailydrill::discord::scheduler;
use dailydrill::domain::ids::{ChannelId, GuildId};
use dailydrill::service::ScheduleSpec;
use fake_discord::{FakeDiscord, FakeOptions, Invoker};
use support::{arg, p50_p99_max};

const GUILD: u64 = 4242;
const CHANNEL: u64 = 77;

/// One run's latencies, and how late the open-loop sender was at worst.
struct Run {
    latencies: Vec<Duration>,
    sender_lag: Duration,
    /// Interactions the bot did not answer within Discord's 3 s (none for the echo).
    unanswered: usize,
}

impl Run {
    fn figures(&self) -> [f64; 3] {
        p50_p99_max(&self.latencies)
    }
}

/// `count` echo requests at `rate` per second, each in its own task.
async fn echo_run(
    client: &reqwest::Client,
    url: &str,
    rate: f64,
    count: usize,
    bodies: &Arc<Vec<String>>,
) -> Run {
    let start = Instant::now();
    let mut sender_lag = Duration::ZERO;
    let mut tasks = Vec::with_capacity(count);
    for i in 0..count {
        let at = start + Duration::from_secs_f64(i as f64 / rate);
        support::until(at).await;
        sender_lag = sender_lag.max(Instant::now().saturating_duration_since(at));
        let (client, url, bodies) = (client.clone(), url.to_owned(), bodies.clone());
        tasks.push(tokio::spawn(async move {
            let body = bodies[i % bodies.len()].clone();
            let sent = Instant::now();
            let response = client.post(url).body(body).send().await.expect("echo");
            let echoed = response.bytes().await.expect("echo body");
            assert_eq!(echoed.len(), bodies[i % bodies.len()].len());
            sent.elapsed()
        }));
    }
    let mut latencies = Vec::with_capacity(count);
    for task in tasks {
        latencies.push(task.await.expect("an echo task panicked"));
    }
    Run {
        latencies,
        sender_lag,
        unanswered: 0,
    }
}

/// `count` answer-form submissions at `rate` per second by members `first_member` onwards.
async fn bot_run(
    fake: &FakeDiscord,
    post: i64,
    rate: f64,
    count: usize,
    first_member: u64,
    bodies: &[String],
) -> Run {
    let custom_id = format!("answer:{post}");
    let start = Instant::now();
    let mut sender_lag = Duration::ZERO;
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let at = start + Duration::from_secs_f64(i as f64 / rate);
        support::until(at).await;
        sender_lag = sender_lag.max(Instant::now().saturating_duration_since(at));
        let member = Invoker {
            guild: GUILD,
            channel: CHANNEL,
            user: first_member + i as u64,
            permissions: 0,
        };
        let text = bodies[i % bodies.len()].as_str();
        ids.push(fake.submit_modal(&member, &custom_id, &[("text", text)]));
    }
    fake.wait_for(Duration::from_secs(10), |f| {
        ids.iter()
            .all(|id| f.interaction_response(*id).is_some())
            .then_some(())
    })
    .await;
    // An interaction without an accepted answer was answered too late (Discord refuses a first
    // response after 3 s) or not at all: a figure, not a failure of the run. An answer other
    // than the ephemeral "Saved." is a failure.
    let mut unanswered = 0;
    let mut not_saved = Vec::new();
    for id in &ids {
        if fake.interaction_response(*id).is_none() {
            unanswered += 1;
            continue;
        }
        let reply = fake.ephemeral_reply(*id);
        let saved = reply
            .as_ref()
            .and_then(|r| r["content"].as_str())
            .is_some_and(|c| c.starts_with("Saved."));
        if !saved {
            not_saved.push(reply);
        }
    }
    assert!(
        not_saved.is_empty(),
        "{} answers were not confirmed as saved, e.g. {:?}",
        not_saved.len(),
        not_saved.first()
    );
    let wanted: std::collections::HashSet<u64> = ids.iter().copied().collect();
    let latencies: Vec<Duration> = fake
        .interaction_timings()
        .into_iter()
        .filter(|t| wanted.contains(&t.id))
        .filter_map(|t| t.latency())
        .collect();
    Run {
        latencies,
        sender_lag,
        unanswered,
    }
}

fn line(what: &str, [p50, p99, max]: [f64; 3]) {
    println!("  {what:<38} {p50:>9.2} {p99:>9.2} {max:>9.2}");
}

async fn bench(rate: f64, seconds: f64, runs: usize) {
    support::init_logging();
    let count = (rate * seconds).round() as usize;
    let bodies = Arc::new(support::answer_texts(64, 7));

    // The bot, with one posted question open for answers.
    let tmp = tempfile::tempdir().unwrap();
    let (service, clock) = support::service(tmp.path(), support::utc("2026-06-01T08:00:00Z")).await;
    let spec = ScheduleSpec {
        channel: ChannelId(CHANNEL),
        time: "09:00".parse().unwrap(),
        zone: "UTC".parse().unwrap(),
        tracks: Vec::new(),
        reveal: "24h".parse().unwrap(),
        mention_role: None,
        difficulty: None,
        days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
    };
    service.add_schedule(GuildId(GUILD), spec).await.unwrap();
    let fake = FakeDiscord::start(FakeOptions::default()).await.unwrap();
    fake.add_guild(GUILD);
    let outbox = Outbox::new(Pacer::discord(), Backoff::default());
    let (http, shards, task) = support::start_bot(&fake, &service, &outbox).await;
    clock.set(support::utc("2026-06-01T09:00:00Z"));
    assert_eq!(scheduler::tick(&http, &service, &outbox).await.posted, 1);
    let post: i64 = fake.messages_in(CHANNEL)[0]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .and_then(|id| id.strip_prefix("ans:"))
        .and_then(|id| id.parse().ok())
        .expect("the posted question's Answer button");

    // The baseline: an echo route on the same loopback.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let echo_url = format!("http://{}/echo", listener.local_addr().unwrap());
    let echo = tokio::spawn(async move {
        let app = Router::new().route("/echo", routing::post(|body: Bytes| async move { body }));
        let _ = axum::serve(listener, app).await;
    });
    let client = reqwest::Client::new();

    // Warm up both sides (connections, statement caches) for a second, not recorded.
    let warm = (rate as usize).max(1);
    echo_run(&client, &echo_url, rate, warm, &bodies).await;
    bot_run(&fake, post, rate, warm, 1_000_000, &bodies).await;

    let mut base_runs = Vec::new();
    let mut bot_runs = Vec::new();
    for run in 0..runs {
        base_runs.push(echo_run(&client, &echo_url, rate, count, &bodies).await);
        let first_member = 10_000_000 * (run as u64 + 1);
        bot_runs.push(bot_run(&fake, post, rate, count, first_member, &bodies).await);
    }
    let answers = service
        .answer_count(dailydrill::domain::ids::PostId(post))
        .await
        .unwrap();
    assert_eq!(
        answers as usize,
        warm + runs * count,
        "every answer is in the database"
    );

    println!(
        "end-to-end interaction: modal submit -> ephemeral reply through the fake Discord, \
         {rate}/s open loop for {seconds} s ({count} interactions), {runs} runs; load average {}",
        support::load_average()
    );
    println!("                                            p50 ms    p99 ms    max ms");
    let base: Vec<[f64; 3]> = base_runs.iter().map(Run::figures).collect();
    let measured: Vec<[f64; 3]> = bot_runs.iter().map(Run::figures).collect();
    for (run, (b, m)) in base.iter().zip(&measured).enumerate() {
        line(&format!("run {}: baseline HTTP echo", run + 1), *b);
        line(&format!("run {}: modal submit -> reply", run + 1), *m);
    }
    let (base, measured) = (support::medians(&base), support::medians(&measured));
    line("median: baseline HTTP echo", base);
    line("median: modal submit -> reply", measured);
    let lag = bot_runs
        .iter()
        .chain(&base_runs)
        .map(|r| r.sender_lag)
        .max()
        .unwrap_or_default();
    let unanswered: usize = bot_runs.iter().map(|r| r.unanswered).sum();
    println!(
        "  ratio to baseline: p50 {:.1} x, p99 {:.1} x; p99 {:.2} ms (target < 50 ms); \
         {unanswered} of {} interactions not answered within 3 s; the open-loop senders were at \
         most {:.2} ms late",
        measured[0] / base[0],
        measured[1] / base[1],
        measured[1],
        runs * count,
        support::ms(lag)
    );

    echo.abort();
    shards.shutdown_all().await;
    let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
    service.store().close().await;
}

fn main() {
    let rate = arg("--rate", 200.0f64);
    let seconds = arg("--seconds", 10.0f64);
    let runs = arg("--runs", 3usize).max(1);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench(rate, seconds, runs));
}
