//! `dailydrill backup PATH` copies the live database while the bot writes to it, and the copy
//! restores: a consistent snapshot, checked, never overwriting, never created from a typo.

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::common::harness::spec_at;
use dailydrill::config::DatabaseUrl;
use dailydrill::domain::ids::{GuildId, UserId};
use dailydrill::service::Service;
use dailydrill::store::Store;

const GUILD: GuildId = GuildId(4242);

async fn backup(url: &DatabaseUrl, path: &std::path::Path) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_dailydrill"))
        .arg("backup")
        .arg(path)
        .env("DATABASE_URL", url.as_str())
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .await
        .expect("the binary runs")
}

#[tokio::test]
async fn a_backup_taken_while_members_answer_is_consistent_and_restores() {
    let app = crate::common::app(crate::common::utc("2026-06-01T08:00:00Z"), 3).await;
    let service = &app.service;
    service.add_schedule(GUILD, spec_at("21:00")).await.unwrap();
    app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    let post = service.post_due().await.unwrap().posted.remove(0).id;

    // Members keep answering while the backup runs: the bot's writer never stops.
    let stop = Arc::new(AtomicBool::new(false));
    let saved = Arc::new(AtomicU64::new(0));
    let writer = {
        let (service, stop, saved): (Service, _, _) =
            (service.clone(), stop.clone(), saved.clone());
        tokio::spawn(async move {
            let mut user = 1;
            while !stop.load(Ordering::Relaxed) {
                service
                    .submit_answer(GUILD, post, UserId(user), "an answer about the GIL")
                    .await
                    .unwrap();
                saved.fetch_add(1, Ordering::Relaxed);
                user += 1;
            }
        })
    };
    while saved.load(Ordering::Relaxed) < 20 {
        tokio::task::yield_now().await;
    }
    let before = saved.load(Ordering::Relaxed) as i64;
    let copy = app.dir.path().join("copy.db");
    let out = backup(&app.url, &copy).await;
    let after = saved.load(Ordering::Relaxed) as i64;
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();

    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("integrity ok"), "{stdout}");
    assert!(stdout.contains("1 schedule(s), 1 post(s)"), "{stdout}");
    assert!(!copy.with_file_name("copy.db.partial").exists());

    // The copy holds one snapshot: every answer committed before the backup started, none half.
    let restored = DatabaseUrl::parse(&format!("sqlite://{}", copy.display())).unwrap();
    let store = Store::open(&restored).await.unwrap();
    let answers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answers")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(
        (before..=after).contains(&answers),
        "{before} <= {answers} <= {after}"
    );
    assert!(stdout.contains(&format!("{answers} answer(s)")), "{stdout}");

    // Restoring is copying the file back: the service runs on it as on the original.
    let restored_service = Service::new(store, app.corpus.clone(), Arc::new(app.clock.clone()), 5);
    let schedules = restored_service.list_schedules(GUILD).await.unwrap();
    assert_eq!(schedules.len(), 1);
    let mine = restored_service
        .my_answer(GUILD, post, UserId(1))
        .await
        .unwrap();
    assert_eq!(mine.as_deref(), Some("an answer about the GIL"));
}

#[tokio::test]
async fn a_backup_never_overwrites_and_never_creates_a_database() {
    let app = crate::common::app(crate::common::utc("2026-06-01T08:00:00Z"), 3).await;
    let existing = app.dir.path().join("existing.db");
    std::fs::write(&existing, b"keep me").unwrap();
    let out = backup(&app.url, &existing).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");

    let typo = DatabaseUrl::parse(&format!(
        "sqlite://{}",
        app.dir.path().join("tpyo.db").display()
    ))
    .unwrap();
    let out = backup(&typo, &app.dir.path().join("copy.db")).await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("there is no database at"), "{stderr}");
    assert!(
        !app.dir.path().join("tpyo.db").exists(),
        "no empty database was created"
    );
    assert!(!app.dir.path().join("copy.db").exists());
    assert!(!stderr.contains("panicked"));
}
