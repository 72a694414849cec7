//! Thirty simulated days of a study group through the service layer, with an injected clock and a
//! real SQLite file: posts, answers, reveals, scores, streaks (with freezes) and the leaderboard.

use std::collections::{BTreeMap, HashSet};

use crate::common::{app, utc};
use chrono::{Duration, NaiveDate};
use dailydrill::corpus::QuestionId;
use dailydrill::discord::messages::explain;
use dailydrill::domain::ids::{ChannelId, GuildId, PostId, UserId};
use dailydrill::domain::period::{Period, Standing, compare};
use dailydrill::domain::streak::Streak;
use dailydrill::service::{Error, ScheduleSpec};

const GUILD: GuildId = GuildId(1001);
const OTHER_GUILD: GuildId = GuildId(2002);
const A: UserId = UserId(11); // answers every post, covering every key point
const B: UserId = UserId(12); // misses post 8: a freeze covers it
const C: UserId = UserId(13); // misses post 6 before earning a freeze: the streak breaks
const D: UserId = UserId(14); // never answers
const E: UserId = UserId(15); // answers even-numbered posts only

/// Forty more members, each answering a post with a probability of their own, from a fixed seed.
const CROWD: std::ops::RangeInclusive<u64> = 100..=139;

fn answers_post(user: UserId, n: u32) -> bool {
    match user {
        A => true,
        B => n != 8,
        C => n != 6,
        D => false,
        E => n % 2 == 0,
        UserId(id) => {
            // A small deterministic hash: member `id` answers post `n` with probability id % 10 / 10.
            let h = (id * 2_654_435_761 + u64::from(n) * 40_503).wrapping_mul(0x9E37_79B9) >> 7;
            h % 10 < id % 10
        }
    }
}

/// The streak rules written out independently of the domain code, as the oracle for the crowd:
/// +1 per answered post, a freeze every 7 (at most 2), a miss spends a freeze or breaks the streak.
fn expected_streak(user: UserId, posts: u32) -> Streak {
    let mut s = Streak::default();
    for n in 1..=posts {
        if answers_post(user, n) {
            s.current += 1;
            s.longest = s.longest.max(s.current);
            if s.current % 7 == 0 && s.freezes < 2 {
                s.freezes += 1;
            }
        } else if s.current > 0 {
            if s.freezes > 0 {
                s.freezes -= 1;
            } else {
                s.current = 0;
            }
        }
    }
    s
}

fn members() -> impl Iterator<Item = UserId> {
    [A, B, C, D, E].into_iter().chain(CROWD.map(UserId))
}

fn spec(time: &str, reveal: &str) -> ScheduleSpec {
    ScheduleSpec {
        channel: ChannelId(555),
        time: time.parse().unwrap(),
        zone: "Europe/Berlin".parse().unwrap(),
        tracks: Vec::new(),
        reveal: reveal.parse().unwrap(),
        mention_role: None,
        difficulty: None,
        days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
    }
}

/// 09:00 in Berlin on the n-th day from 2026-03-20: CET (UTC+1) until the 29 March DST change,
/// CEST (UTC+2) after it. Written out rather than computed, so the schedule code is checked.
fn berlin_0900(day: u32) -> chrono::DateTime<chrono::Utc> {
    let date = NaiveDate::from_ymd_opt(2026, 3, 20).unwrap() + Duration::days(i64::from(day));
    let hour = if date < NaiveDate::from_ymd_opt(2026, 3, 29).unwrap() {
        8
    } else {
        7
    };
    date.and_hms_opt(hour, 0, 0).unwrap().and_utc()
}

/// One day: the post goes out once at 09:00, members answer, the reveal at 21:00 scores them.
async fn run_day(t: &crate::common::TestApp, day: u32, seen: &mut HashSet<QuestionId>) -> PostId {
    let svc = &t.service;
    let n = day + 1;
    let fire = berlin_0900(day);
    t.clock.set(fire - Duration::seconds(1));
    assert!(
        svc.post_due().await.unwrap().posted.is_empty(),
        "day {n}: nothing before 09:00"
    );

    t.clock.set(fire + Duration::seconds(5));
    let due = svc.post_due().await.unwrap();
    assert_eq!(due.posted.len(), 1, "day {n}: one post");
    assert!(due.missed.is_empty());
    let post = &due.posted[0];
    let date = NaiveDate::from_ymd_opt(2026, 3, 20).unwrap() + Duration::days(i64::from(day));
    assert_eq!(post.local_date, date);
    assert_eq!(
        post.reveal_at,
        fire + Duration::hours(12),
        "day {n}: reveal at 21:00 local"
    );
    assert!(
        seen.insert(post.question.id.clone()),
        "day {n}: a question repeated within the deck"
    );
    assert!(
        svc.post_due().await.unwrap().posted.is_empty(),
        "day {n}: posting twice posts once"
    );
    svc.record_message(post.id, 900_000 + u64::from(n))
        .await
        .unwrap();

    let all_points = crate::common::full_answer(&post.question);
    for user in members() {
        if answers_post(user, n) {
            let text = if user == A {
                all_points.clone()
            } else {
                format!("My answer on day {n}: it depends.")
            };
            let saved = svc
                .submit_answer(GUILD, post.id, user, &text)
                .await
                .unwrap();
            assert!(saved.first);
            assert_eq!(saved.reveal_at, post.reveal_at);
        }
    }
    let edit = svc
        .submit_answer(GUILD, post.id, A, &all_points)
        .await
        .unwrap();
    assert!(!edit.first, "editing keeps one answer per member");
    assert!(matches!(
        svc.submit_answer(OTHER_GUILD, post.id, A, "sneaky").await,
        Err(Error::PostNotFound)
    ));
    assert!(matches!(
        svc.feedback(GUILD, post.id, A).await,
        Err(Error::NotRevealedYet { .. })
    ));

    t.clock.set(post.reveal_at);
    assert_eq!(
        svc.reveal_due().await.unwrap().len(),
        1,
        "day {n}: one reveal"
    );
    assert!(
        svc.reveal_due().await.unwrap().is_empty(),
        "day {n}: revealing twice reveals once"
    );
    assert!(matches!(
        svc.submit_answer(GUILD, post.id, B, "too late").await,
        Err(Error::AnswersClosed { .. })
    ));
    let feedback = svc.feedback(GUILD, post.id, A).await.unwrap();
    assert!(
        feedback.answered && feedback.assessment.missed.is_empty(),
        "day {n}: A covered everything"
    );
    assert_eq!((feedback.assessment.score, feedback.points), (100, 30));
    assert_eq!(feedback.assessment.grade, 4);
    assert_eq!(feedback.streak.current, n);
    if !answers_post(D, n) {
        let d = svc.feedback(GUILD, post.id, D).await.unwrap();
        assert!(!d.answered && d.assessment.covered.is_empty() && d.points == 0);
    }
    post.id
}

#[tokio::test]
async fn thirty_days_of_a_study_group() {
    let mut t = app(utc("2026-03-19T12:00:00Z"), 7).await;
    let schedule = t
        .service
        .add_schedule(GUILD, spec("09:00", "21:00"))
        .await
        .unwrap();
    assert_eq!(schedule.next_post_at, berlin_0900(0));

    let mut seen = HashSet::new();
    let mut posts = Vec::new();
    for day in 0..15 {
        posts.push(run_day(&t, day, &mut seen).await);
    }
    t.restart(99).await; // a restart in the middle of the month changes nothing
    for day in 15..30 {
        posts.push(run_day(&t, day, &mut seen).await);
    }
    assert_eq!(posts.len(), 30);
    let svc = &t.service;

    let mut conn = svc.store().read().await.unwrap();
    let mut streaks = BTreeMap::new();
    for user in [A, B, C, D, E] {
        streaks.insert(
            user.0,
            dailydrill::store::streaks::get(&mut conn, schedule.id, user)
                .await
                .unwrap(),
        );
    }
    drop(conn);
    let s = |current, longest, freezes| Streak {
        current,
        longest,
        freezes,
    };
    assert_eq!(
        streaks[&A.0],
        s(30, 30, 2),
        "A: freezes earned at 7 and 14, capped at 2"
    );
    assert_eq!(
        streaks[&B.0],
        s(29, 29, 2),
        "B: the freeze covered post 8, then two more were earned"
    );
    assert_eq!(
        streaks[&C.0],
        s(24, 24, 2),
        "C: broken at post 6 with no freeze, then 24 in a row"
    );
    assert_eq!(streaks[&D.0], s(0, 0, 0), "D: never answered");
    assert_eq!(streaks[&E.0], s(1, 1, 0), "E: every miss broke the streak");
    let mut conn = svc.store().read().await.unwrap();
    let mut crowd_answers = 0;
    for user in CROWD.map(UserId) {
        let stored = dailydrill::store::streaks::get(&mut conn, schedule.id, user)
            .await
            .unwrap();
        assert_eq!(stored, expected_streak(user, 30), "member {user}");
        crowd_answers += (1..=30).filter(|n| answers_post(user, *n)).count();
    }
    drop(conn);
    assert!(
        crowd_answers > 300,
        "the crowd answered a realistic share: {crowd_answers}"
    );

    let board = svc.leaderboard(GUILD, Period::AllTime, 1, D).await.unwrap();
    assert_eq!(board.rows[0].user, A);
    assert_eq!((board.rows[0].points, board.rows[0].answers), (900, 30));
    let answering: Vec<UserId> = members()
        .filter(|u| (1..=30).any(|n| answers_post(*u, n)))
        .collect();
    assert_eq!(
        board.members,
        answering.len() as i64,
        "D and the silent never answered, so have no line"
    );
    assert!(board.caller.is_none());
    let mut everyone = Vec::new();
    for page in 1..=board.pages {
        everyone.extend(
            svc.leaderboard(GUILD, Period::AllTime, page, D)
                .await
                .unwrap()
                .rows,
        );
    }
    let answers: BTreeMap<u64, i64> = everyone.iter().map(|r| (r.user.0, r.answers)).collect();
    for user in answering {
        let expected = (1..=30).filter(|n| answers_post(user, *n)).count() as i64;
        assert_eq!(answers[&user.0], expected, "member {user}");
    }
    assert_eq!(
        (answers[&A.0], answers[&B.0], answers[&C.0], answers[&E.0]),
        (30, 29, 29, 15)
    );
    let standings: Vec<Standing> = everyone
        .iter()
        .map(|r| Standing {
            user: r.user,
            points: r.points,
            answers: r.answers,
            current_streak: r.streak,
        })
        .collect();
    let mut sorted = standings.clone();
    sorted.sort_by(compare);
    assert_eq!(
        standings, sorted,
        "the stored order is the documented order"
    );
    assert!(everyone.windows(2).all(|w| w[0].rank + 1 == w[1].rank));
    assert_eq!(everyone.len() as i64, board.members);

    let me = svc
        .leaderboard(GUILD, Period::AllTime, 1, E)
        .await
        .unwrap()
        .caller
        .unwrap();
    assert_eq!((me.user, me.answers), (E, 15));

    // The clock stands at 21:00 on Saturday 18 April: this week (from Monday the 13th) holds six
    // posts, and A answered each with full coverage.
    let week = svc.leaderboard(GUILD, Period::Week, 1, A).await.unwrap();
    let a_week = week.rows.iter().find(|r| r.user == A).unwrap();
    assert_eq!((a_week.answers, a_week.points), (6, 180));
}

#[tokio::test]
async fn downtime_posts_the_latest_day_once_and_records_the_rest() {
    let t = app(utc("2026-06-01T00:00:00Z"), 3).await;
    let svc = &t.service;
    svc.add_schedule(GUILD, spec("09:00", "21:00"))
        .await
        .unwrap();
    // 1 June 09:00 CEST = 07:00Z. The bot was down from before then until 4 June 10:00 CEST.
    t.clock.set(utc("2026-06-04T08:00:00Z"));
    let due = svc.post_due().await.unwrap();
    assert_eq!(due.posted.len(), 1);
    assert_eq!(
        due.posted[0].local_date,
        NaiveDate::from_ymd_opt(2026, 6, 4).unwrap()
    );
    let days = |d: &[u32]| {
        d.iter()
            .map(|d| NaiveDate::from_ymd_opt(2026, 6, *d).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        due.missed.iter().map(|m| m.1).collect::<Vec<_>>(),
        days(&[1, 2, 3])
    );

    // Down again past the reveal of the 5th and the 6th: nothing can be answered, so nothing posts.
    t.clock.set(utc("2026-06-06T20:00:00Z"));
    let due = svc.post_due().await.unwrap();
    assert!(due.posted.is_empty());
    assert_eq!(
        due.missed.iter().map(|m| m.1).collect::<Vec<_>>(),
        days(&[5, 6])
    );
    let schedule = svc.list_schedules(GUILD).await.unwrap().remove(0);
    assert_eq!(schedule.next_post_at, utc("2026-06-07T07:00:00Z"));
    let mut conn = svc.store().read().await.unwrap();
    let recorded = dailydrill::store::schedules::missed_days(&mut conn, schedule.id)
        .await
        .unwrap();
    assert_eq!(recorded, days(&[1, 2, 3, 5, 6]));
}

#[tokio::test]
async fn concurrent_due_steps_post_once() {
    let t = app(utc("2026-06-01T00:00:00Z"), 5).await;
    let svc = &t.service;
    svc.add_schedule(GUILD, spec("09:00", "24h")).await.unwrap();
    svc.add_schedule(OTHER_GUILD, spec("09:00", "24h"))
        .await
        .unwrap();
    t.clock.set(utc("2026-06-01T07:00:00Z"));
    let (a, b, c) = tokio::join!(svc.post_due(), svc.post_due(), svc.post_due());
    let total = a.unwrap().posted.len() + b.unwrap().posted.len() + c.unwrap().posted.len();
    assert_eq!(total, 2, "one post per schedule, however many runs race");
}

#[tokio::test]
async fn bad_answers_are_refused_and_change_nothing() {
    let t = app(utc("2026-06-01T00:00:00Z"), 5).await;
    let svc = &t.service;
    svc.add_schedule(GUILD, spec("09:00", "24h")).await.unwrap();
    t.clock.set(utc("2026-06-01T07:00:00Z"));
    let post = svc.post_due().await.unwrap().posted.remove(0);
    assert!(matches!(
        svc.submit_answer(GUILD, post.id, A, " \n ").await,
        Err(Error::EmptyAnswer)
    ));
    let long = "x".repeat(4001);
    let err = svc
        .submit_answer(GUILD, post.id, A, &long)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::AnswerTooLong {
            length: 4001,
            limit: 4000
        }
    ));
    assert!(explain(&err).contains("the limit is 4000"));
    assert!(matches!(
        svc.submit_answer(GUILD, PostId(9999), A, "hi").await,
        Err(Error::PostNotFound)
    ));
    assert_eq!(svc.answer_count(post.id).await.unwrap(), 0);
    assert_eq!(svc.my_answer(GUILD, post.id, A).await.unwrap(), None);

    svc.submit_answer(GUILD, post.id, A, "  select_related joins  ")
        .await
        .unwrap();
    assert_eq!(
        svc.my_answer(GUILD, post.id, A).await.unwrap().as_deref(),
        Some("select_related joins")
    );
    assert_eq!(
        svc.my_answer(GUILD, post.id, B).await.unwrap(),
        None,
        "only one's own answer"
    );
    assert!(matches!(
        svc.my_answer(OTHER_GUILD, post.id, A).await,
        Err(Error::PostNotFound)
    ));
}

#[tokio::test]
async fn schedules_refuse_unknown_tracks_and_too_many() {
    let t = app(utc("2026-06-01T00:00:00Z"), 5).await;
    let svc = &t.service;
    let mut bad = spec("09:00", "24h");
    bad.tracks = vec!["rust".parse().unwrap()];
    let err = svc.add_schedule(GUILD, bad).await.unwrap_err();
    assert_eq!(
        explain(&err),
        "Unknown track `rust`; choose from: python, django, flask, fastapi, databases, testing, security, design."
    );
    for _ in 0..dailydrill::service::MAX_SCHEDULES_PER_GUILD {
        svc.add_schedule(GUILD, spec("09:00", "24h")).await.unwrap();
    }
    assert!(matches!(
        svc.add_schedule(GUILD, spec("10:00", "24h")).await,
        Err(Error::TooManySchedules { limit: 25 })
    ));
    assert!(svc.list_schedules(OTHER_GUILD).await.unwrap().is_empty());
}

/// A Monday-to-Friday group over two weekends: no post, no miss and no reveal on Saturday or
/// Sunday, and a member who answers every post keeps one unbroken streak across them.
#[tokio::test]
async fn a_weekday_schedule_keeps_streaks_over_the_weekend() {
    // 2026-06-01 is a Monday; Berlin is on CEST (UTC+2), so 09:00 is 07:00Z.
    let t = app(utc("2026-05-31T12:00:00Z"), 11).await;
    let svc = &t.service;
    let weekdays: dailydrill::domain::schedule::PostDays = "mon-fri".parse().unwrap();
    let schedule = svc
        .add_schedule(
            GUILD,
            ScheduleSpec {
                days: weekdays,
                ..spec("09:00", "21:00")
            },
        )
        .await
        .unwrap();
    assert_eq!(schedule.days, weekdays);
    let mut posted = Vec::new();
    for day in 0..14i64 {
        let date = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() + Duration::days(day);
        let fire = date.and_hms_opt(7, 0, 5).unwrap().and_utc();
        t.clock.set(fire);
        let due = svc.post_due().await.unwrap();
        assert!(due.missed.is_empty(), "{date}: a day off is not a miss");
        let weekend = day % 7 >= 5;
        if weekend {
            assert!(due.posted.is_empty(), "{date}: nothing on a weekend");
            t.clock.set(date.and_hms_opt(19, 0, 0).unwrap().and_utc());
            assert!(svc.reveal_due().await.unwrap().is_empty());
            continue;
        }
        assert_eq!(due.posted.len(), 1, "{date}: one post");
        let post = &due.posted[0];
        assert_eq!(post.local_date, date);
        svc.record_message(post.id, 800_000 + day as u64)
            .await
            .unwrap();
        svc.submit_answer(GUILD, post.id, A, "Some words of mine.")
            .await
            .unwrap();
        if day != 9 {
            // B misses the second Wednesday, the 8th post, after a freeze earned on the 7th.
            svc.submit_answer(GUILD, post.id, B, "Words.")
                .await
                .unwrap();
        }
        t.clock.set(post.reveal_at);
        assert_eq!(svc.reveal_due().await.unwrap().len(), 1);
        posted.push(post.id);
    }
    assert_eq!(posted.len(), 10, "two weeks of Monday to Friday");
    let mut conn = svc.store().read().await.unwrap();
    let a = dailydrill::store::streaks::get(&mut conn, schedule.id, A)
        .await
        .unwrap();
    assert_eq!((a.current, a.longest, a.freezes), (10, 10, 1));
    let b = dailydrill::store::streaks::get(&mut conn, schedule.id, B)
        .await
        .unwrap();
    assert_eq!(
        (b.current, b.longest, b.freezes),
        (9, 9, 0),
        "B's one missed post spent the freeze; the weekends cost nothing"
    );
    let missed = dailydrill::store::schedules::missed_days(&mut conn, schedule.id)
        .await
        .unwrap();
    assert!(missed.is_empty(), "no day recorded as missed: {missed:?}");
}

/// Down from Friday morning to Monday evening: Friday and Monday are missed (their reveals passed
/// while the bot was down); the weekend between is not.
#[tokio::test]
async fn downtime_over_a_weekend_records_only_posting_days() {
    let t = app(utc("2026-06-04T12:00:00Z"), 12).await;
    let svc = &t.service;
    let schedule = svc
        .add_schedule(
            GUILD,
            ScheduleSpec {
                days: "mon-fri".parse().unwrap(),
                ..spec("09:00", "12:00")
            },
        )
        .await
        .unwrap();
    // Friday 5 June 09:00 CEST is the next post.
    assert_eq!(schedule.next_post_at, utc("2026-06-05T07:00:00Z"));
    // Back on Monday 8 June at 13:00 CEST, after Monday's reveal at 12:00.
    t.clock.set(utc("2026-06-08T11:00:00Z"));
    let due = svc.post_due().await.unwrap();
    assert!(due.posted.is_empty());
    let day = |d| NaiveDate::from_ymd_opt(2026, 6, d).unwrap();
    assert_eq!(
        due.missed.iter().map(|m| m.1).collect::<Vec<_>>(),
        [day(5), day(8)]
    );
    let schedule = svc.list_schedules(GUILD).await.unwrap().remove(0);
    assert_eq!(
        schedule.next_post_at,
        utc("2026-06-09T07:00:00Z"),
        "Tuesday is next"
    );
}

/// Changing the days moves the next post at once, to the first chosen day.
#[tokio::test]
async fn editing_the_days_moves_the_next_post() {
    let t = app(utc("2026-06-01T08:00:00Z"), 13).await; // Monday 10:00 CEST, after the post time
    let svc = &t.service;
    let schedule = svc.add_schedule(GUILD, spec("09:00", "24h")).await.unwrap();
    assert_eq!(schedule.next_post_at, utc("2026-06-02T07:00:00Z"));
    let edit = dailydrill::service::ScheduleEdit {
        days: Some("sat,sun".parse().unwrap()),
        ..Default::default()
    };
    let edited = svc.edit_schedule(GUILD, schedule.id, edit).await.unwrap();
    assert_eq!(edited.next_post_at, utc("2026-06-06T07:00:00Z"));
    assert_eq!(edited.days.to_string(), "weekends");
    let listed = svc.list_schedules(GUILD).await.unwrap().remove(0);
    assert_eq!(listed.days, edited.days, "the days are stored");
}
