//! `/past`: a server's revealed questions, numbered in reveal order and listed newest first, with
//! nothing of another server's and nothing members have not seen revealed.

use chrono::Duration;

use crate::common::{app, daily_spec as spec, delivered, utc};
use dailydrill::domain::ids::{GuildId, ScheduleId};
use dailydrill::service::{Error, PAST_PAGE_SIZE, Service};

const GUILD: GuildId = GuildId(77);
const OTHER: GuildId = GuildId(78);

/// Posts a question now, has Discord accept it, and reveals it; returns its question id.
async fn post_and_reveal(svc: &Service, guild: GuildId, schedule: ScheduleId) -> String {
    let post = svc.post_now(guild, schedule).await.unwrap();
    delivered(svc, post.id).await;
    svc.reveal_now(guild, schedule).await.unwrap();
    post.question.id.as_str().to_owned()
}

#[tokio::test]
async fn past_lists_the_servers_revealed_questions_newest_first_with_stable_numbers() {
    let t = app(utc("2026-06-01T08:00:00Z"), 7).await;
    let svc = &t.service;
    let s = svc.add_schedule(GUILD, spec(1)).await.unwrap().id;
    let empty = svc.past_questions(GUILD, 1).await.unwrap();
    assert_eq!((empty.total, empty.pages, empty.questions.len()), (0, 1, 0));
    let none = svc.past_question(GUILD, 1).await;
    assert!(
        matches!(
            none,
            Err(Error::PastNotFound {
                number: 1,
                total: 0
            })
        ),
        "{none:?}"
    );

    let mut asked = Vec::new();
    for _ in 0..12 {
        asked.push(post_and_reveal(svc, GUILD, s).await);
        t.clock.advance(Duration::minutes(5));
    }
    // Not shown: a question still open, one skipped before it ever reached Discord, and another
    // server's revealed question.
    svc.post_now(GUILD, s).await.unwrap();
    let hidden = svc.add_schedule(GUILD, spec(2)).await.unwrap().id;
    svc.post_now(GUILD, hidden).await.unwrap();
    svc.skip(GUILD, hidden).await.unwrap();
    let other = svc.add_schedule(OTHER, spec(3)).await.unwrap().id;
    post_and_reveal(svc, OTHER, other).await;

    let first = svc.past_questions(GUILD, 1).await.unwrap();
    assert_eq!((first.page, first.pages, first.total), (1, 2, 12));
    let numbers: Vec<u32> = first.questions.iter().map(|q| q.number).collect();
    assert_eq!(numbers, (3..=12).rev().collect::<Vec<u32>>());
    assert_eq!(first.questions.len() as u32, PAST_PAGE_SIZE);
    for q in &first.questions {
        assert_eq!(q.question_id, asked[q.number as usize - 1], "#{}", q.number);
        let question = q.question.as_ref().expect("in the corpus");
        assert_eq!(question.id.as_str(), q.question_id);
        assert!(!q.track_name.is_empty() && q.schedule == s);
    }
    let last = svc.past_questions(GUILD, 2).await.unwrap();
    let numbers: Vec<u32> = last.questions.iter().map(|q| q.number).collect();
    assert_eq!(numbers, [2, 1]);
    let beyond = svc.past_questions(GUILD, 99).await.unwrap();
    assert_eq!(beyond.page, 2, "a page past the end shows the last");

    let one = svc.past_question(GUILD, 1).await.unwrap();
    assert_eq!(one.question_id, asked[0]);
    let missing = svc.past_question(GUILD, 13).await;
    assert!(
        matches!(
            missing,
            Err(Error::PastNotFound {
                number: 13,
                total: 12
            })
        ),
        "{missing:?}"
    );
    let theirs = svc.past_questions(OTHER, 1).await.unwrap();
    assert_eq!(theirs.total, 1);

    // A later reveal takes the next number; the earlier ones keep theirs.
    let next = post_and_reveal(svc, GUILD, s).await;
    assert_eq!(
        svc.past_question(GUILD, 13).await.unwrap().question_id,
        next
    );
    assert_eq!(
        svc.past_question(GUILD, 1).await.unwrap().question_id,
        asked[0]
    );
}
