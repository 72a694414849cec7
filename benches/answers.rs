//! Answer submissions through the service layer by many concurrent members, against plain
//! single-row INSERTs through sqlx with the same concurrency, on the same kind of database file.
//!
//! `cargo bench --bench answers [-- --submitters N --posts P --answers A --runs R]`
//! (defaults: 1,000 submitters, 5 open posts, 10 submissions each, 5 runs).
//!
//! Every submitter is a tokio task; all start together and each submits its answers one after the
//! other (a closed loop), so N submissions are outstanding at any time. A submitter answers the open
//! posts in turn, so with A = P every submission is a member's first answer to a post and with
//! A > P the rest are edits (by default half are). Figures are per run, then each one's median
//! over the runs. Both sides open their file through `Store::open` (WAL,
//! `synchronous = FULL`, the bot's pool), and each run uses members not seen before.

mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use dailydrill::clock::ManualClock;
use dailydrill::config::DatabaseUrl;
use dailydrill::corpus::CorpusSource;
use dailydrill::domain::ids::{ChannelId, GuildId, PostId, UserId};
use dailydrill::service::{ScheduleSpec, Service};
use dailydrill::store::Store;
use support::{arg, medians, ms, percentile};
use tokio::sync::Barrier;

const GUILD: GuildId = GuildId(1_000_000_001);

type Submit = Arc<dyn Fn(u64, usize) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

struct Run {
    wall: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64()
    }
}

/// `submitters` tasks, started together, each calling `submit(member, k)` for k in 0..answers.
async fn drive(submitters: usize, answers: usize, first_member: u64, submit: Submit) -> Run {
    let barrier = Arc::new(Barrier::new(submitters + 1));
    let tasks: Vec<_> = (0..submitters)
        .map(|i| {
            let barrier = barrier.clone();
            let submit = submit.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                let mut latencies = Vec::with_capacity(answers);
                for k in 0..answers {
                    let t = Instant::now();
                    submit(first_member + i as u64, k).await;
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    barrier.wait().await;
    let start = Instant::now();
    let mut latencies = Vec::with_capacity(submitters * answers);
    for task in tasks {
        latencies.extend(task.await.expect("a submitter panicked"));
    }
    Run {
        wall: start.elapsed(),
        latencies,
    }
}

/// One run's rate (submissions per second) and latency percentiles.
fn figures(run: &Run) -> [f64; 4] {
    let mut sorted = run.latencies.clone();
    sorted.sort();
    [
        run.rate(),
        ms(percentile(&sorted, 0.50)),
        ms(percentile(&sorted, 0.99)),
        ms(*sorted.last().unwrap()),
    ]
}

fn line(what: &str, [rate, p50, p99, max]: [f64; 4]) {
    println!("  {what:<34} {rate:>9.0} {p50:>9.2} {p99:>9.2} {max:>9.2}");
}

async fn open(dir: &std::path::Path, name: &str) -> Store {
    let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.join(name).display())).unwrap();
    Store::open(&url).await.expect("open the database")
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn bench(submitters: usize, posts: usize, answers: usize, runs: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let bodies = Arc::new(support::answer_texts(64, 6));
    let now = utc("2026-06-01T09:00:00Z");

    // The service: one schedule with `posts` questions open (posted by an admin, revealed in 24 h).
    let corpus = Arc::new(CorpusSource::Bundled.load().expect("bundled corpus"));
    let clock = ManualClock::new(now);
    let service = Service::new(
        open(tmp.path(), "service.db").await,
        corpus,
        Arc::new(clock),
        1,
    );
    let schedule = service
        .add_schedule(
            GUILD,
            ScheduleSpec {
                channel: ChannelId(555),
                time: "09:00".parse().unwrap(),
                zone: "UTC".parse().unwrap(),
                tracks: Vec::new(),
                reveal: "24h".parse().unwrap(),
                mention_role: None,
                difficulty: None,
                days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
            },
        )
        .await
        .unwrap();
    let mut open_posts = Vec::new();
    for _ in 0..posts {
        open_posts.push(service.post_now(GUILD, schedule.id).await.unwrap().id);
    }
    let open_posts: Arc<[PostId]> = open_posts.into();

    // The baseline: the same kind of file, opened the same way, and a table shaped like `answers`.
    let baseline = open(tmp.path(), "baseline.db").await;
    sqlx::query(
        "CREATE TABLE bench_answers (post_id INTEGER NOT NULL, user_id INTEGER NOT NULL, \
         body TEXT NOT NULL, submitted_at TEXT NOT NULL, PRIMARY KEY (post_id, user_id))",
    )
    .execute(baseline.pool())
    .await
    .unwrap();

    let service_submit: Submit = {
        let (service, posts, bodies) = (service.clone(), open_posts.clone(), bodies.clone());
        Arc::new(move |member, k| {
            let (service, posts, bodies) = (service.clone(), posts.clone(), bodies.clone());
            Box::pin(async move {
                let post = posts[(member as usize + k) % posts.len()];
                let body = &bodies[(member as usize * 7 + k) % bodies.len()];
                service
                    .submit_answer(GUILD, post, UserId(member), body)
                    .await
                    .expect("the answer is saved");
            })
        })
    };
    let baseline_submit: Submit = {
        let (pool, posts, bodies) = (baseline.pool().clone(), open_posts.clone(), bodies.clone());
        Arc::new(move |member, k| {
            let (pool, posts, bodies) = (pool.clone(), posts.clone(), bodies.clone());
            Box::pin(async move {
                let post = posts[(member as usize + k) % posts.len()];
                let body = &bodies[(member as usize * 7 + k) % bodies.len()];
                // Edits (k >= posts) update the row, as the service does.
                sqlx::query(
                    "INSERT INTO bench_answers (post_id, user_id, body, submitted_at) \
                     VALUES (?, ?, ?, ?) ON CONFLICT (post_id, user_id) DO UPDATE SET body = excluded.body",
                )
                .bind(post.0)
                .bind(member as i64)
                .bind(body.as_str())
                .bind(now)
                .execute(&pool)
                .await
                .expect("the row is inserted");
            })
        })
    };

    // Warm up both sides (connections, statement caches, page cache) with members never reused.
    drive(64, 2, 1, baseline_submit.clone()).await;
    drive(64, 2, 1, service_submit.clone()).await;

    let mut base_runs = Vec::new();
    let mut service_runs = Vec::new();
    for run in 0..runs {
        let first_member = 1_000_000 * (run as u64 + 1);
        base_runs.push(drive(submitters, answers, first_member, baseline_submit.clone()).await);
        service_runs.push(drive(submitters, answers, first_member, service_submit.clone()).await);
    }
    let saved = service.answer_count(open_posts[0]).await.unwrap();
    assert!(saved as usize >= submitters * runs / posts.max(1));

    println!(
        "answer submissions: {submitters} concurrent submitters, {posts} open posts, {answers} \
         submissions each, {runs} runs"
    );
    println!("                                        rate/s    p50 ms    p99 ms    max ms");
    let base: Vec<[f64; 4]> = base_runs.iter().map(figures).collect();
    let measured: Vec<[f64; 4]> = service_runs.iter().map(figures).collect();
    for (run, (b, s)) in base.iter().zip(&measured).enumerate() {
        line(&format!("run {}: baseline INSERT", run + 1), *b);
        line(&format!("run {}: Service::submit_answer", run + 1), *s);
    }
    let (base, measured) = (medians(&base), medians(&measured));
    line("median: baseline INSERT", base);
    line("median: Service::submit_answer", measured);
    println!(
        "  ratio to baseline rate: {:.2} x (target >= 0.50); service p99 {:.2} ms (target < 20 ms)",
        measured[0] / base[0],
        measured[2]
    );
    service.store().close().await;
    baseline.close().await;
}

fn main() {
    let submitters = arg("--submitters", 1000);
    let posts = arg("--posts", 5);
    let answers = arg("--answers", 2 * posts);
    let runs = arg("--runs", 5);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench(submitters, posts, answers, runs));
}
