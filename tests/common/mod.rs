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

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("a test instant")
        .with_timezone(&Utc)
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
    }
}
