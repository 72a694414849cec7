//! Answers submitted at the same moment by many members: each is committed before its reply, and
//! told whether it was the member's first and how many have answered, as if the answers had come
//! one at a time, though concurrent ones share a transaction.

use std::collections::HashMap;

use crate::common::{app, utc};
use dailydrill::domain::ids::{ChannelId, GuildId, PostId, UserId};
use dailydrill::service::{Error, ScheduleSpec};
use dailydrill::store::answers::{self, NewAnswer};

const GUILD: GuildId = GuildId(77);

fn spec(channel: u64) -> ScheduleSpec {
    ScheduleSpec {
        channel: ChannelId(channel),
        time: "09:00".parse().unwrap(),
        zone: "UTC".parse().unwrap(),
        tracks: Vec::new(),
        reveal: "24h".parse().unwrap(),
        mention_role: None,
        difficulty: None,
        days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_answers_is_saved_as_if_they_came_one_at_a_time() {
    let t = app(utc("2026-06-01T08:00:00Z"), 5).await;
    let svc = t.service.clone();
    let open = svc.add_schedule(GUILD, spec(1)).await.unwrap();
    let posts: [PostId; 2] = [
        svc.post_now(GUILD, open.id).await.unwrap().id,
        svc.post_now(GUILD, open.id).await.unwrap().id,
    ];
    let revealed = svc.add_schedule(GUILD, spec(2)).await.unwrap();
    let closed = svc.post_now(GUILD, revealed.id).await.unwrap().id;
    crate::common::delivered(&svc, closed).await;
    svc.reveal_now(GUILD, revealed.id).await.unwrap();

    // Each member answers, edits, and tries a revealed post and another server's, all at once.
    let members = 300u64;
    let tasks: Vec<_> = (0..members)
        .map(|m| {
            let svc = svc.clone();
            tokio::spawn(async move {
                let user = UserId(1000 + m);
                let post = posts[(m % 2) as usize];
                let (draft, edit) = (format!("draft {m}"), format!("final {m}"));
                let draft = svc.submit_answer(GUILD, post, user, &draft).await.unwrap();
                let edit = svc.submit_answer(GUILD, post, user, &edit).await.unwrap();
                let late = svc.submit_answer(GUILD, closed, user, "late").await;
                let foreign = svc.submit_answer(GuildId(78), post, user, "x").await;
                assert!(matches!(late, Err(Error::AnswersClosed { .. })), "{late:?}");
                assert!(matches!(foreign, Err(Error::PostNotFound)), "{foreign:?}");
                (post, draft, edit)
            })
        })
        .collect();
    let mut counts: HashMap<PostId, Vec<i64>> = HashMap::new();
    for task in tasks {
        let (post, draft, edit) = task.await.unwrap();
        assert!(draft.first && !edit.first);
        assert!(edit.answer_count >= draft.answer_count);
        counts.entry(post).or_default().push(draft.answer_count);
    }
    for post in posts {
        // Every first answer saw the count one higher than the one before it.
        let mut seen = counts.remove(&post).unwrap();
        seen.sort();
        let expected: Vec<i64> = (1..=members as i64 / 2).collect();
        assert_eq!(seen, expected);
        assert_eq!(svc.answer_count(post).await.unwrap(), members as i64 / 2);
    }
    for m in 0..members {
        let post = posts[(m % 2) as usize];
        let mine = svc.my_answer(GUILD, post, UserId(1000 + m)).await.unwrap();
        assert_eq!(mine.as_deref(), Some(format!("final {m}").as_str()));
    }
    assert_eq!(svc.answer_count(closed).await.unwrap(), 0);
}

#[tokio::test]
async fn a_batch_is_saved_in_order_and_tells_each_first_answer() {
    let t = app(utc("2026-06-01T08:00:00Z"), 5).await;
    let svc = &t.service;
    let s = svc.add_schedule(GUILD, spec(1)).await.unwrap();
    let post = svc.post_now(GUILD, s.id).await.unwrap().id;
    let now = svc.now();
    let answer = |user: u64, body: &'static str| NewAnswer {
        post,
        user: UserId(user),
        body,
        now,
    };
    let mut tx = svc.store().write().await.unwrap();
    let saved = answers::upsert_many(&mut tx, &[answer(1, "old")]).await;
    assert_eq!(saved.unwrap(), [true]);
    // Enough answers for several multi-row INSERTs, with repeats inside and across them.
    let mut batch = vec![
        answer(1, "a"),
        answer(2, "b"),
        answer(2, "c"),
        answer(3, "d"),
    ];
    batch.extend((100..400).map(|u| answer(u, "crowd")));
    batch.extend([answer(1, "e"), answer(150, "crowd again"), answer(3, "f")]);
    let first = answers::upsert_many(&mut tx, &batch).await.unwrap();
    let mut expected = vec![false, true, false, true];
    expected.extend([true; 300]);
    expected.extend([false, false, false]);
    assert_eq!(first, expected);
    assert!(answers::upsert_many(&mut tx, &[]).await.unwrap().is_empty());
    tx.commit().await.unwrap();
    svc.store().checkpoint().await.unwrap();

    for (user, body) in [
        (1, "e"),
        (2, "c"),
        (3, "f"),
        (150, "crowd again"),
        (399, "crowd"),
    ] {
        let mine = svc.my_answer(GUILD, post, UserId(user)).await.unwrap();
        assert_eq!(mine.as_deref(), Some(body), "member {user}");
    }
    assert_eq!(svc.answer_count(post).await.unwrap(), 303);
}
