//! Shared set-up for the service tests: a fresh SQLite file, the bundled corpus, a manual clock.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use dailydrill::clock::ManualClock;
use dailydrill::config::DatabaseUrl;
use dailydrill::corpus::{Corpus, CorpusSource};
use dailydrill::service::Service;
use dailydrill::store::Store;
use tempfile::TempDir;

pub struct TestApp {
    pub service: Service,
    pub clock: ManualClock,
    pub corpus: Arc<Corpus>,
    pub url: DatabaseUrl,
    pub dir: TempDir,
}

pub fn corpus() -> Arc<Corpus> {
    Arc::new(
        CorpusSource::Bundled
            .load()
            .expect("the bundled corpus is valid"),
    )
}

/// An answer in sentences stating every key point of `question` (each one's first phrasing,
/// a binding's parts side by side), which the grader scores 100.
pub fn full_answer(question: &dailydrill::corpus::Question) -> String {
    question
        .key_points
        .iter()
        .map(|k| format!("I would say that {}.", k.phrasings[0].replace(" & ", " ")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A daily schedule at 09:00 UTC in `channel`, every track, revealed after 24 hours.
pub fn daily_spec(channel: u64) -> dailydrill::service::ScheduleSpec {
    dailydrill::service::ScheduleSpec {
        channel: dailydrill::domain::ids::ChannelId(channel),
        time: "09:00".parse().expect("a time"),
        zone: "UTC".parse().expect("a zone"),
        tracks: Vec::new(),
        reveal: "24h".parse().expect("a reveal rule"),
        mention_role: None,
        difficulty: None,
        days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
    }
}

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("a test instant")
        .with_timezone(&Utc)
}

/// Records that Discord accepted a post (under a made-up message id), as the outbox does: the
/// service reveals and scores only questions members could see.
pub async fn delivered(service: &Service, post: dailydrill::domain::ids::PostId) {
    let message = 900_000_000 + u64::try_from(post.0).expect("a positive post id");
    service
        .record_message(post, message)
        .await
        .expect("the message is recorded");
}

/// A service on a new database file in a temporary folder.
pub async fn app(start: DateTime<Utc>, seed: u64) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::parse(&format!(
        "sqlite://{}",
        dir.path().join("test.db").display()
    ))
    .unwrap();
    let clock = ManualClock::new(start);
    let corpus = corpus();
    let store = Store::open(&url).await.unwrap();
    let service = Service::new(store, corpus.clone(), Arc::new(clock.clone()), seed);
    TestApp {
        service,
        clock,
        corpus,
        url,
        dir,
    }
}

impl TestApp {
    /// The same database opened again, as after a restart of the bot.
    pub async fn restart(&mut self, seed: u64) {
        let corpus = self.corpus.clone();
        self.restart_with(corpus, seed).await;
    }

    /// A restart with another corpus, as after an operator edited the questions.
    pub async fn restart_with(&mut self, corpus: Arc<Corpus>, seed: u64) {
        self.service.store().close().await;
        let store = Store::open(&self.url).await.unwrap();
        self.corpus = corpus.clone();
        self.service = Service::new(store, corpus, Arc::new(self.clock.clone()), seed);
        self.service.load_decks().await.unwrap();
    }
}
pub mod channel;
pub mod harness;
pub mod process;

/// Every row of every table of a database, as text (`table: 'a'|1|NULL`), to show that a refused
/// request changed nothing: compare a dump from before with one from after.
pub async fn db_dump(url: &DatabaseUrl) -> Vec<String> {
    use sqlx::Connection as _;
    let mut conn = sqlx::SqliteConnection::connect(url.as_str()).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut rows = Vec::new();
    for table in tables {
        let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
            .bind(&table)
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let query = format!("SELECT {row} FROM \"{table}\" ORDER BY 1");
        let lines: Vec<String> = sqlx::query_scalar(&query)
            .fetch_all(&mut conn)
            .await
            .unwrap();
        rows.extend(lines.into_iter().map(|l| format!("{table}: {l}")));
    }
    conn.close().await.unwrap();
    rows
}

/// Runs `body` on a runtime of its own, in a thread of its own, and fails the test if it has not
/// finished within `limit`. A deadlock of the runtime's worker threads stops its timers too, so a
/// `tokio::time::timeout` inside the runtime could never fire.
pub fn within(
    limit: std::time::Duration,
    body: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(body);
        let _ = done.send(());
        runtime.shutdown_background();
    });
    match finished.recv_timeout(limit) {
        Ok(()) => {}
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("the bot froze: the test did not finish within {limit:?}")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            panic!("the test body failed (its panic is printed above)")
        }
    }
}

/// Another process (python's sqlite3) holding the write lock until it is killed.
pub fn lock_from_another_process(db: &std::path::Path) -> std::process::Child {
    let script = "import sqlite3, sys, time\n\
                  c = sqlite3.connect(sys.argv[1], isolation_level=None)\n\
                  c.execute('BEGIN EXCLUSIVE')\n\
                  print('locked', flush=True)\n\
                  time.sleep(600)\n";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(db)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs (CI installs it)");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "locked");
    child
}

/// Runs `pragma` on every connection of the pool: these pragmas are per connection, and the
/// fault must hold whichever connection a write takes.
pub async fn on_every_connection(pool: &sqlx::SqlitePool, pragma: &str) {
    let mut held = Vec::new();
    for _ in 0..pool.options().get_max_connections() {
        held.push(pool.acquire().await.unwrap());
    }
    for conn in &mut held {
        sqlx::query(pragma).execute(&mut **conn).await.unwrap();
    }
}

/// Log lines written through a `fmt` layer, kept as text so tests can assert what was logged.
#[derive(Clone, Default)]
pub struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogBuffer {
    /// The lines that contain every one of `needles`.
    pub fn lines_with(&self, needles: &[&str]) -> Vec<String> {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|line| needles.iter().all(|n| line.contains(n)))
            .map(str::to_owned)
            .collect()
    }
}
