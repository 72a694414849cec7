//! The database as opened: the durability settings are in effect, migrations are idempotent, and
//! the constraints that make posting idempotent hold at the SQL level.

use chrono::{NaiveDate, TimeZone, Utc};
use dailydrill::config::DatabaseUrl;
use dailydrill::domain::ids::{ChannelId, GuildId, ScheduleId};
use dailydrill::domain::schedule::{PostTime, RevealRule, Zone};
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
    schedules::ensure_guild(&mut tx, GuildId(1), Zone::UTC)
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
    assert_eq!(zone.map(Zone::name), Some("UTC"));
}

#[tokio::test]
async fn a_second_scheduled_post_for_the_same_day_is_refused_by_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let mut tx = store.write().await.unwrap();
    schedules::ensure_guild(&mut tx, GuildId(1), Zone::UTC)
        .await
        .unwrap();
    let schedule = schedules::insert(
        &mut tx,
        &NewSchedule {
            guild: GuildId(1),
            channel: ChannelId(2),
            time: "09:00".parse::<PostTime>().unwrap(),
            zone: Zone::UTC,
            reveal: "24h".parse::<RevealRule>().unwrap(),
            mention_role: None,
            deck_seed: 1,
            next_fire_at: now,
            next_local_date: date,
            tracks: &["python".to_owned()],
            difficulty: None,
            now,
            days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
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

#[tokio::test]
async fn a_stored_value_that_cannot_be_converted_is_an_error_naming_its_row() {
    use dailydrill::domain::ids::{PostId, UserId};
    use dailydrill::store::{QueryError, RowError, streaks};

    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let mut tx = store.write().await.unwrap();
    schedules::ensure_guild(&mut tx, GuildId(1), Zone::UTC)
        .await
        .unwrap();
    let schedule = schedules::insert(
        &mut tx,
        &NewSchedule {
            guild: GuildId(1),
            channel: ChannelId(2),
            time: PostTime::new(9, 0).unwrap(),
            zone: "Europe/Berlin".parse().unwrap(),
            reveal: RevealRule::after(90).unwrap(),
            mention_role: None,
            deck_seed: u64::MAX,
            next_fire_at: now,
            next_local_date: date,
            tracks: &["python".to_owned()],
            difficulty: None,
            now,
            days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
        },
    )
    .await
    .unwrap();
    let post = posts::insert(
        &mut tx,
        &NewPost {
            schedule,
            guild: GuildId(1),
            channel: ChannelId(2),
            manual: false,
            local_date: date,
            question_id: "python-a",
            deck_cycle: 3,
            fire_at: now,
            reveal_at: now,
            nonce: "n",
            now,
        },
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();

    // What the crate wrote reads back as it was written.
    let mut conn = store.read().await.unwrap();
    let row = schedules::get_any(&mut conn, schedule)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.time.to_string(), "09:00");
    assert_eq!(row.zone.name(), "Europe/Berlin");
    assert_eq!(row.reveal, RevealRule::after(90).unwrap());
    assert_eq!(row.deck_seed, u64::MAX, "the seed keeps all 64 bits");
    assert_eq!(
        posts::get(&mut conn, post)
            .await
            .unwrap()
            .unwrap()
            .deck_cycle,
        3
    );
    drop(conn);

    let corrupt = |error: QueryError| match error {
        QueryError::Corrupt(row) => row,
        other => panic!("not a corrupt row: {other}"),
    };
    let expect = |row: RowError, table: &str, key: String, column: &str| {
        assert_eq!(
            (row.table, row.key.as_str(), row.column),
            (table, key.as_str(), column)
        );
        let message = row.to_string();
        assert!(
            message.contains(table) && message.contains(column),
            "{message}"
        );
    };
    let poke = |sql: String| {
        let store = store.clone();
        async move {
            sqlx::query(&sql).execute(store.pool()).await.unwrap();
        }
    };

    for (column, bad) in [
        ("time_zone", "'Mars/Olympus_Mons'"),
        ("post_time", "'25:00'"),
        ("reveal_rule", "'0m'"),
        ("deck_cycle", "-1"),
    ] {
        let good: String = sqlx::query_scalar(&format!(
            "SELECT CAST({column} AS TEXT) FROM schedules WHERE id = {}",
            schedule.0
        ))
        .fetch_one(store.pool())
        .await
        .unwrap();
        poke(format!(
            "UPDATE schedules SET {column} = {bad} WHERE id = {}",
            schedule.0
        ))
        .await;
        let mut conn = store.read().await.unwrap();
        let error = schedules::get_any(&mut conn, schedule).await.unwrap_err();
        expect(
            corrupt(error),
            "schedules",
            format!("id {}", schedule.0),
            column,
        );
        let error = schedules::list(&mut conn, GuildId(1)).await.unwrap_err();
        expect(
            corrupt(error),
            "schedules",
            format!("id {}", schedule.0),
            column,
        );
        drop(conn);
        let restore = if column == "deck_cycle" {
            good
        } else {
            format!("'{good}'")
        };
        poke(format!(
            "UPDATE schedules SET {column} = {restore} WHERE id = {}",
            schedule.0
        ))
        .await;
    }

    poke("UPDATE guilds SET time_zone = 'Mars/Olympus_Mons' WHERE guild_id = 1".into()).await;
    let mut conn = store.read().await.unwrap();
    let error = schedules::guild_time_zone(&mut conn, GuildId(1))
        .await
        .unwrap_err();
    expect(corrupt(error), "guilds", "guild_id 1".into(), "time_zone");
    drop(conn);

    poke(format!(
        "UPDATE posts SET deck_cycle = {} WHERE id = {}",
        1i64 << 40,
        post.0
    ))
    .await;
    let mut conn = store.read().await.unwrap();
    let error = posts::get(&mut conn, PostId(post.0)).await.unwrap_err();
    expect(
        corrupt(error),
        "posts",
        format!("id {}", post.0),
        "deck_cycle",
    );
    drop(conn);

    poke(format!(
        "INSERT INTO streaks (schedule_id, user_id, current, longest, freezes) \
         VALUES ({}, 7, -1, 4, 1)",
        schedule.0
    ))
    .await;
    let mut conn = store.read().await.unwrap();
    let error = streaks::get(&mut conn, schedule, UserId(7))
        .await
        .unwrap_err();
    expect(
        corrupt(error),
        "streaks",
        format!("schedule_id {}, user_id 7", schedule.0),
        "current",
    );
    let error = streaks::best_current(&mut conn, GuildId(1), UserId(7))
        .await
        .unwrap_err();
    assert_eq!(corrupt(error).column, "current");
}
