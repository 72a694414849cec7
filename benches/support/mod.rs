//! What the benchmarks share: flags, latency figures and medians, and for those that run the
//! real bot against the fake Discord, the bot wired as in production. Not a benchmark itself (Cargo only builds
//! `benches/*.rs` and `benches/*/main.rs`).
#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use dailydrill::clock::ManualClock;
use dailydrill::config::{DatabaseUrl, DiscordToken};
use dailydrill::corpus::CorpusSource;
use dailydrill::discord::bot;
use dailydrill::discord::outbox::Outbox;
use dailydrill::service::Service;
use dailydrill::store::Store;
use fake_discord::FakeDiscord;
use poise::serenity_prelude as serenity;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Any well-formed token: the fake accepts every `Bot …` header.
pub const TOKEN: &str = "MTAwMDAwMDAwMDAwMDAwMDAw.GfAkE1.fake-token-for-the-fake-discord-only";

/// The value after `name` on the command line, or `default`.
pub fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Warnings and errors of the bot and the fake on stderr (`RUST_LOG` overrides), so a benchmark
/// that goes wrong says why.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// The service on a new database file in `dir`, opened as the bot opens it (`Store::open`: WAL,
/// `synchronous = FULL`, its pool), with the bundled corpus and a clock the benchmark moves.
pub async fn service(dir: &std::path::Path, start: DateTime<Utc>) -> (Service, ManualClock) {
    let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.join("bot.db").display())).unwrap();
    let store = Store::open(&url).await.expect("open the database");
    let corpus = Arc::new(CorpusSource::Bundled.load().expect("bundled corpus"));
    let clock = ManualClock::new(start);
    (
        Service::new(store, corpus, Arc::new(clock.clone()), 1),
        clock,
    )
}

/// The bot as `dailydrill run` wires it in production (`bot::client`, serenity's own rate limiter
/// on, commands registered globally), its requests to `https://discord.com` going to the fake
/// (`FakeDiscord::http`); it shares `outbox` with the benchmark's scheduler ticks. Returns once
/// the bot has registered its commands.
pub async fn start_bot(
    fake: &FakeDiscord,
    service: &Service,
    outbox: &Outbox,
) -> (
    Arc<serenity::Http>,
    Arc<serenity::ShardManager>,
    tokio::task::JoinHandle<Result<(), serenity::Error>>,
) {
    let before = fake.registrations();
    // As in production: serenity's own rate limiter on, requests to https://discord.com (the
    // fake, over TLS).
    let http = fake
        .http(DiscordToken::parse(TOKEN).unwrap().expose())
        .expect("an HTTP client for the fake");
    let liveness = dailydrill::liveness::Liveness::new(dailydrill::discord::scheduler::TICK);
    let bot = bot::spawn(http, service.clone(), outbox.clone(), liveness, None)
        .await
        .expect("the serenity client");
    assert!(
        fake.registered_after(before, Duration::from_secs(30)).await,
        "the bot connected and registered its commands"
    );
    (bot.http, bot.shards, bot.task)
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Each figure's median over the runs: a run disturbed by another process on the machine moves
/// it less than pooling every run's samples would.
pub fn medians<const N: usize>(runs: &[[f64; N]]) -> [f64; N] {
    std::array::from_fn(|i| {
        let mut v: Vec<f64> = runs.iter().map(|r| r[i]).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    })
}

/// p50, p99 and max of some latencies, in milliseconds.
pub fn p50_p99_max(latencies: &[Duration]) -> [f64; 3] {
    let mut sorted = latencies.to_vec();
    sorted.sort();
    [
        ms(percentile(&sorted, 0.50)),
        ms(percentile(&sorted, 0.99)),
        ms(sorted.last().copied().unwrap_or_default()),
    ]
}

/// The machine's load average over the last minute: other work on a shared machine moves
/// latencies, so every benchmark prints it.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// Sleeps until `at`; an open-loop sender that fell behind sends at once instead of skipping.
pub async fn until(at: Instant) {
    tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await;
}

/// `n` answers of 200 to 1,500 characters of technical words, from a fixed seed.
pub fn answer_texts(n: usize, seed: u64) -> Vec<String> {
    const WORDS: &[&str] = &[
        "the",
        "index",
        "lock",
        "request",
        "cache",
        "thread",
        "borrow",
        "lifetime",
        "async",
        "future",
        "commit",
        "rollback",
        "query",
        "plan",
        "join",
        "memory",
        "allocation",
        "trait",
        "generic",
        "latency",
        "throughput",
        "because",
        "so",
        "and",
        "which",
        "returns",
        "error",
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let len = rng.random_range(200..1500);
            let mut s = String::with_capacity(len + 16);
            while s.len() < len {
                s.push_str(WORDS[rng.random_range(0..WORDS.len())]);
                s.push(' ');
            }
            s
        })
        .collect()
}

/// The median of `samples`.
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The median wall time of `runs` calls of `f`, after one warm-up call (the page cache, the
/// allocator, lazily built tables).
pub fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}
