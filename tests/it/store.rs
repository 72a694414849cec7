//! The database as opened: the durability settings are in effect, migrations are idempotent, and
//! the constraints that make posting idempotent hold at the SQL level.

use chrono::{NaiveDate, TimeZone, Utc};
use dailydrill::config::DatabaseUrl;
use dailydrill::domain::ids::{ChannelId, GuildId, ScheduleId};
use dailydrill::store::Store;
use dailydrill::store::posts::{self, NewPost};
use dailydrill::store::schedules::{self, NewSchedule};

async fn open(dir: &tempfile::TempDir) -> Store {
    let url =
        DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("s.db").display())).unwrap();
    Store::open(&url).await.unwrap()
}

#[tokio::test]
async fn the_database_is_created_with_wal_full_sync_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    assert!(dir.path().join("s.db").exists(), "created on first use");
    let mut conn = store.pool().acquire().await.unwrap();
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(journal, "wal");
    assert_eq!(synchronous, 2, "FULL");
    assert_eq!(foreign_keys, 1);
    assert_eq!(busy, 2000);
}

#[tokio::test]
async fn reopening_applies_no_migration_twice_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let mut tx = store.write().await.unwrap();
    schedules::ensure_guild(&mut tx, GuildId(1), "UTC")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    store.close().await;

    let store = open(&dir).await;
    let mut conn = store.read().await.unwrap();
    let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "sql")
        })
        .count();
    assert_eq!(migrations, files as i64);
    let zone = schedules::guild_time_zone(&mut conn, GuildId(1))
        .await
        .unwrap();
    assert_eq!(zone.as_deref(), Some("UTC"));
}

#[tokio::test]
async fn a_second_scheduled_post_for_the_same_day_is_refused_by_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let mut tx = store.write().await.unwrap();
    schedules::ensure_guild(&mut tx, GuildId(1), "UTC")
        .await
        .unwrap();
    let schedule = schedules::insert(
        &mut tx,
        &NewSchedule {
            guild: GuildId(1),
            channel: ChannelId(2),
            post_time: "09:00",
            time_zone: "UTC",
            reveal_rule: "24h",
            mention_role: None,
            deck_seed: 1,
            next_fire_at: now,
            next_local_date: date,
            tracks: &["python".to_owned()],
            now,
        },
    )
    .await
    .unwrap();
    let post = |manual: bool, nonce: &'static str| NewPost {
        schedule,
        guild: GuildId(1),
        channel: ChannelId(2),
        manual,
        local_date: date,
        question_id: "python-a",
        deck_cycle: 0,
        fire_at: now,
        reveal_at: now,
        nonce,
        now,
    };
    assert!(
        posts::insert(&mut tx, &post(false, "a"))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        posts::insert(&mut tx, &post(false, "b"))
            .await
            .unwrap()
            .is_none(),
        "one per day"
    );
    assert!(
        posts::insert(&mut tx, &post(true, "c"))
            .await
            .unwrap()
            .is_some(),
        "manual posts are extra"
    );
    // Foreign keys are enforced: a post of a schedule that does not exist is refused.
    let orphan = NewPost {
        schedule: ScheduleId(999),
        ..post(false, "d")
    };
    assert!(posts::insert(&mut tx, &orphan).await.is_err());
    tx.commit().await.unwrap();
}
