//! Weekly recaps on a real database with a manual clock: committed once after the week, with the
//! week's leaders and the key points most answers missed; none when turned off.

use crate::common::{app, daily_spec, full_answer, utc};
use chrono::{Duration, NaiveDate};
use dailydrill::domain::ids::{GuildId, UserId};

const GUILD: GuildId = GuildId(7001);
const A: UserId = UserId(1); // states every key point
const B: UserId = UserId(2); // states the first only
const C: UserId = UserId(3); // states none

#[tokio::test]
async fn a_recap_is_committed_once_after_the_week_with_its_leaders_and_most_missed_points() {
    // Monday 1 June 2026; the server's time zone is UTC (its schedule's).
    let t = app(utc("2026-06-01T00:00:00Z"), 21).await;
    let svc = &t.service;
    let schedule = svc.add_schedule(GUILD, daily_spec(900)).await.unwrap();
    svc.set_recap(GUILD, schedule.id, true).await.unwrap();
    assert!(svc.list_schedules(GUILD).await.unwrap()[0].recap);

    // Posts at 09:00, revealed 24 hours later: the posts of 1-6 June are revealed within the week.
    for day in 0..7 {
        let fire = utc("2026-06-01T09:00:00Z") + Duration::days(day);
        t.clock.set(fire);
        svc.reveal_due().await.unwrap();
        let post = svc.post_due().await.unwrap().posted.remove(0);
        svc.record_message(post.id, 500 + day as u64).await.unwrap();
        let first_point = post.question.key_points[0].phrasings[0].replace(" & ", " ");
        svc.submit_answer(GUILD, post.id, A, &full_answer(&post.question))
            .await
            .unwrap();
        svc.submit_answer(
            GUILD,
            post.id,
            B,
            &format!("I would say that {first_point}."),
        )
        .await
        .unwrap();
        svc.submit_answer(GUILD, post.id, C, "I do not know this one yet.")
            .await
            .unwrap();
    }
    t.clock.set(utc("2026-06-07T23:59:59Z"));
    assert_eq!(
        svc.commit_recaps_due().await.unwrap(),
        0,
        "the week has not ended"
    );

    t.clock.set(utc("2026-06-08T00:00:01Z"));
    assert_eq!(svc.commit_recaps_due().await.unwrap(), 1);
    assert_eq!(svc.commit_recaps_due().await.unwrap(), 0, "once");
    let week = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    assert_eq!(svc.unsent_recaps().await.unwrap(), [(schedule.id, week)]);

    let recap = svc.recap(schedule.id, week).await.unwrap().unwrap();
    assert_eq!((recap.questions, recap.answers), (6, 18));
    let leaders: Vec<UserId> = recap.top.iter().map(|r| r.user).collect();
    assert_eq!(leaders, [A, B, C], "by the week's points");
    assert_eq!(recap.missed.len(), 3);
    for point in &recap.missed {
        assert_eq!(
            (point.missed, point.answers),
            (2, 3),
            "missed by B and C, covered by A: {point:?}"
        );
    }

    svc.record_recap(schedule.id, week, Ok(777)).await.unwrap();
    assert!(svc.unsent_recaps().await.unwrap().is_empty());

    // Turned off: the next week ends without a recap.
    svc.set_recap(GUILD, schedule.id, false).await.unwrap();
    t.clock.set(utc("2026-06-15T00:00:01Z"));
    assert_eq!(svc.commit_recaps_due().await.unwrap(), 0);
    assert!(!svc.list_schedules(GUILD).await.unwrap()[0].recap);
}

#[tokio::test]
async fn a_week_without_a_revealed_question_has_no_recap_and_downtime_recaps_the_latest_week() {
    let t = app(utc("2026-06-01T00:00:00Z"), 22).await;
    let svc = &t.service;
    let schedule = svc.add_schedule(GUILD, daily_spec(901)).await.unwrap();
    svc.set_recap(GUILD, schedule.id, true).await.unwrap();
    t.clock.set(utc("2026-06-08T00:00:01Z"));
    assert_eq!(
        svc.commit_recaps_due().await.unwrap(),
        0,
        "nothing was revealed"
    );

    // A question revealed in the week of 8 June, then the bot is down until 29 June: only the
    // latest week that ended is recapped, and it had no reveal.
    t.clock.set(utc("2026-06-08T09:00:00Z"));
    let post = svc.post_due().await.unwrap().posted.remove(0);
    svc.record_message(post.id, 600).await.unwrap();
    t.clock.set(utc("2026-06-09T09:00:00Z"));
    assert_eq!(svc.reveal_due().await.unwrap().len(), 1);
    t.clock.set(utc("2026-06-29T00:00:01Z"));
    assert_eq!(svc.commit_recaps_due().await.unwrap(), 0);
}
