//! The database file locked by another process past the busy timeout, a full disk and a
//! read-only database: the member is told to try again (by the same message the bot sends),
//! nothing half-written remains, and the service works again as soon as the fault clears.

use std::time::{Duration, Instant};

use crate::common::harness::spec_at;
use dailydrill::discord::messages::explain;
use dailydrill::domain::ids::{GuildId, PostId, UserId};
use dailydrill::service::Service;
use dailydrill::store::BUSY_TIMEOUT;

const GUILD: GuildId = GuildId(4242);

async fn open_post(app: &crate::common::TestApp) -> PostId {
    app.service
        .add_schedule(GUILD, spec_at("21:00"))
        .await
        .unwrap();
    app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    let post = app.service.post_due().await.unwrap().posted.remove(0).id;
    crate::common::delivered(&app.service, post).await;
    post
}

/// The database may not grow past `pages`, as on a full disk.
async fn limit_pages(pool: &sqlx::SqlitePool, pages: i64) {
    crate::common::on_every_connection(pool, &format!("PRAGMA max_page_count = {pages}")).await;
}

async fn answer_of(service: &Service, post: PostId, user: u64) -> Option<String> {
    service.my_answer(GUILD, post, UserId(user)).await.unwrap()
}

async fn answers(service: &Service, post: PostId) -> i64 {
    service.answer_count(post).await.unwrap()
}

#[tokio::test]
async fn a_database_locked_by_another_process_asks_members_to_retry_then_recovers() {
    let app = crate::common::app(crate::common::utc("2026-06-01T08:00:00Z"), 3).await;
    let post = open_post(&app).await;
    let mut locker = crate::common::lock_from_another_process(&app.dir.path().join("test.db"));

    // Three members answer at once: their answers share one write, which the lock refuses.
    let started = Instant::now();
    let submit = |user| {
        let (service, started) = (app.service.clone(), started);
        async move {
            let outcome = service
                .submit_answer(GUILD, post, UserId(user), "the GIL")
                .await;
            (outcome, started.elapsed())
        }
    };
    let outcomes = tokio::join!(submit(1), submit(2), submit(3));
    for (outcome, waited) in [outcomes.0, outcomes.1, outcomes.2] {
        let refused = outcome.expect_err("no write while another process holds the lock");
        assert!(
            waited >= BUSY_TIMEOUT,
            "it waited the busy timeout: {waited:?}"
        );
        assert!(
            waited < Duration::from_millis(2900),
            "and answered within Discord's 3 s interaction deadline: {waited:?}"
        );
        assert!(refused.is_internal());
        assert!(explain(&refused).contains("try again"));
    }
    // Reads go on (WAL): members still see the question, and no answer was half-written.
    assert_eq!(answers(&app.service, post).await, 0);
    assert!(answer_of(&app.service, post, 1).await.is_none());

    locker.kill().unwrap();
    locker.wait().unwrap();
    app.service
        .submit_answer(GUILD, post, UserId(1), "the GIL")
        .await
        .expect("saved once the lock is gone");
    assert_eq!(answers(&app.service, post).await, 1);
}

#[tokio::test]
async fn a_full_disk_asks_members_to_retry_leaves_nothing_half_written_and_recovers() {
    let app = crate::common::app(crate::common::utc("2026-06-01T08:00:00Z"), 3).await;
    let post = open_post(&app).await;
    let short = "a short answer that fits";
    app.service
        .submit_answer(GUILD, post, UserId(1), short)
        .await
        .unwrap();

    // The disk is full: the database may not grow by a single page, on every pooled connection.
    let pool = app.service.store().pool();
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(pool)
        .await
        .unwrap();
    limit_pages(pool, pages).await;

    let long = "x".repeat(4000);
    for user in 2..6 {
        let refused = app
            .service
            .submit_answer(GUILD, post, UserId(user), &long)
            .await
            .expect_err("no room for a new answer");
        assert!(refused.to_string().contains("full"), "{refused}");
        assert!(explain(&refused).contains("try again"));
    }
    // Nothing half-written: the refused answers are absent, the earlier one is whole.
    for user in 2..6 {
        assert!(answer_of(&app.service, post, user).await.is_none());
    }
    assert_eq!(
        answer_of(&app.service, post, 1).await.as_deref(),
        Some(short)
    );
    assert_eq!(answers(&app.service, post).await, 1);

    // Space is freed: the same pool saves again.
    limit_pages(pool, 1_073_741_823).await;
    for user in 2..6 {
        app.service
            .submit_answer(GUILD, post, UserId(user), &long)
            .await
            .expect("saved once there is room");
    }
    assert_eq!(answers(&app.service, post).await, 5);
}

#[tokio::test]
async fn a_read_only_database_asks_members_to_retry_keeps_what_it_has_and_recovers() {
    let app = crate::common::app(crate::common::utc("2026-06-01T08:00:00Z"), 3).await;
    let post = open_post(&app).await;
    app.service
        .submit_answer(GUILD, post, UserId(1), "the GIL")
        .await
        .unwrap();

    // Every write now fails with SQLITE_READONLY, the error a file made read-only (or a
    // read-only mount) gives; root ignores permission bits, so the pragma stands in for chmod.
    let pool = app.service.store().pool();
    crate::common::on_every_connection(pool, "PRAGMA query_only = ON").await;
    for user in 2..5 {
        let refused = app
            .service
            .submit_answer(GUILD, post, UserId(user), "the GIL and threads")
            .await
            .expect_err("nothing can be written");
        assert!(refused.to_string().contains("readonly"), "{refused}");
        assert!(refused.is_internal());
        assert!(explain(&refused).contains("try again"));
    }
    // Editing an earlier answer is refused too, and leaves it as it was.
    app.service
        .submit_answer(GUILD, post, UserId(1), "an edit that cannot be saved")
        .await
        .expect_err("no edit either");
    assert_eq!(
        answer_of(&app.service, post, 1).await.as_deref(),
        Some("the GIL")
    );
    assert_eq!(answers(&app.service, post).await, 1);

    // Writable again: the same pool saves.
    crate::common::on_every_connection(pool, "PRAGMA query_only = OFF").await;
    for user in 2..5 {
        app.service
            .submit_answer(GUILD, post, UserId(user), "the GIL and threads")
            .await
            .expect("saved once the file is writable");
    }
    assert_eq!(answers(&app.service, post).await, 4);

    // Read-only again when the reveal falls due: the scheduler's pass fails and records nothing,
    // and the first pass after the fault clears makes the reveal, with every answer scored.
    crate::common::on_every_connection(pool, "PRAGMA query_only = ON").await;
    app.clock.set(crate::common::utc("2026-06-01T21:00:00Z"));
    app.service
        .reveal_due()
        .await
        .expect_err("a reveal cannot be recorded");
    crate::common::on_every_connection(pool, "PRAGMA query_only = OFF").await;
    app.clock.set(crate::common::utc("2026-06-01T21:01:00Z"));
    let revealed = app.service.reveal_due().await.unwrap();
    assert_eq!(revealed.len(), 1);
    assert_eq!((revealed[0].post, revealed[0].answer_count), (post, 4));
    assert_eq!(revealed[0].streak_events.len(), 4, "every answer scored");
}
