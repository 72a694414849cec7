//! Admin use cases (edit, pause, remove, post now, reveal now, skip), quizzes, member stats and
//! leaderboard pages, through the service layer on a real SQLite file.

use std::collections::HashSet;

use crate::common::{app, utc};
use chrono::Duration;
use dailydrill::corpus::Difficulty;
use dailydrill::domain::ids::{ChannelId, GuildId, UserId};
use dailydrill::domain::period::Period;
use dailydrill::domain::streak::Streak;
use dailydrill::service::{Error, QuizFilter, ScheduleEdit, ScheduleSpec};

const GUILD: GuildId = GuildId(1);
const OTHER: GuildId = GuildId(2);

fn spec(time: &str) -> ScheduleSpec {
    ScheduleSpec {
        channel: ChannelId(10),
        time: time.parse().unwrap(),
        zone: "UTC".parse().unwrap(),
        tracks: Vec::new(),
        reveal: "24h".parse().unwrap(),
        mention_role: None,
        difficulty: None,
        days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
    }
}

#[tokio::test]
async fn editing_a_schedule_changes_when_and_what_it_posts() {
    let t = app(utc("2026-06-01T12:00:00Z"), 1).await;
    let svc = &t.service;
    let s = svc.add_schedule(GUILD, spec("09:00")).await.unwrap();
    assert_eq!(s.next_post_at, utc("2026-06-02T09:00:00Z"));

    let edit = ScheduleEdit {
        time: Some("18:30".parse().unwrap()),
        zone: Some("Asia/Tokyo".parse().unwrap()),
        tracks: Some(vec!["django".parse().unwrap()]),
        mention_role: Some(Some(dailydrill::domain::ids::RoleId(77))),
        ..ScheduleEdit::default()
    };
    let s = svc.edit_schedule(GUILD, s.id, edit).await.unwrap();
    assert_eq!(
        s.next_post_at,
        utc("2026-06-02T09:30:00Z"),
        "18:30 in Tokyo is 09:30 UTC"
    );
    assert_eq!(s.zone.to_string(), "Asia/Tokyo");
    assert_eq!(s.mention_role, Some(dailydrill::domain::ids::RoleId(77)));
    assert!(matches!(
        svc.edit_schedule(OTHER, s.id, ScheduleEdit::default())
            .await,
        Err(Error::ScheduleNotFound(_))
    ));

    for day in 0..5 {
        t.clock
            .set(utc("2026-06-02T09:30:00Z") + Duration::days(day));
        let post = svc.post_due().await.unwrap().posted.remove(0);
        assert_eq!(post.question.track.as_str(), "django");
        assert_eq!(post.mention_role, Some(dailydrill::domain::ids::RoleId(77)));
    }
}

#[tokio::test]
async fn a_paused_schedule_posts_nothing_and_misses_nothing() {
    let t = app(utc("2026-06-01T00:00:00Z"), 1).await;
    let svc = &t.service;
    let s = svc.add_schedule(GUILD, spec("09:00")).await.unwrap();
    let paused = svc.set_paused(GUILD, s.id, true).await.unwrap();
    assert!(paused.paused);
    t.clock.set(utc("2026-06-05T12:00:00Z"));
    let due = svc.post_due().await.unwrap();
    assert!(due.posted.is_empty() && due.missed.is_empty());

    let resumed = svc.set_paused(GUILD, s.id, false).await.unwrap();
    assert!(!resumed.paused);
    assert_eq!(resumed.next_post_at, utc("2026-06-06T09:00:00Z"));
    t.clock.set(utc("2026-06-06T09:00:00Z"));
    let due = svc.post_due().await.unwrap();
    assert_eq!(due.posted.len(), 1);
    assert!(
        due.missed.is_empty(),
        "paused days are the admin's choice, not missed days"
    );
}

#[tokio::test]
async fn removing_a_schedule_is_scoped_to_its_guild() {
    let t = app(utc("2026-06-01T00:00:00Z"), 1).await;
    let svc = &t.service;
    let s = svc.add_schedule(GUILD, spec("09:00")).await.unwrap();
    assert!(matches!(
        svc.remove_schedule(OTHER, s.id).await,
        Err(Error::ScheduleNotFound(_))
    ));
    svc.remove_schedule(GUILD, s.id).await.unwrap();
    assert!(svc.list_schedules(GUILD).await.unwrap().is_empty());
    assert!(matches!(
        svc.remove_schedule(GUILD, s.id).await,
        Err(Error::ScheduleNotFound(_))
    ));
}

#[tokio::test]
async fn post_now_adds_a_post_and_reveal_now_scores_it_early() {
    let t = app(utc("2026-06-01T08:00:00Z"), 1).await;
    let svc = &t.service;
    let s = svc.add_schedule(GUILD, spec("09:00")).await.unwrap();
    let manual = svc.post_now(GUILD, s.id).await.unwrap();
    crate::common::delivered(svc, manual.id).await;
    assert_eq!(manual.reveal_at, utc("2026-06-02T08:00:00Z"));
    assert!(manual.nonce.starts_with('m') && manual.nonce.len() <= 25);
    svc.submit_answer(GUILD, manual.id, UserId(5), "an answer")
        .await
        .unwrap();

    t.clock.set(utc("2026-06-01T09:00:00Z"));
    let scheduled = svc.post_due().await.unwrap().posted.remove(0);
    crate::common::delivered(svc, scheduled.id).await;
    assert_ne!(
        scheduled.question.id, manual.question.id,
        "the deck moved on"
    );

    // reveal_now closes the latest open post: the scheduled one.
    let revealed = svc.reveal_now(GUILD, s.id).await.unwrap();
    assert_eq!(revealed.post, scheduled.id);
    assert!(!revealed.skipped);
    assert!(matches!(
        svc.submit_answer(GUILD, scheduled.id, UserId(5), "late").await,
        Err(Error::AnswersClosed { closed_at }) if closed_at == utc("2026-06-01T09:00:00Z")
    ));
    assert!(matches!(
        svc.reveal_now(OTHER, s.id).await,
        Err(Error::ScheduleNotFound(_))
    ));

    let again = svc.reveal_now(GUILD, s.id).await.unwrap();
    assert_eq!(again.post, manual.id);
    assert!(matches!(
        svc.reveal_now(GUILD, s.id).await,
        Err(Error::NothingOpen(_))
    ));
}

#[tokio::test]
async fn a_skipped_post_neither_extends_nor_breaks_streaks() {
    let t = app(utc("2026-06-01T00:00:00Z"), 1).await;
    let svc = &t.service;
    let s = svc.add_schedule(GUILD, spec("09:00")).await.unwrap();
    let (answerer, idle) = (UserId(1), UserId(2));
    // Two normal days: both answer.
    for day in 0..2 {
        t.clock
            .set(utc("2026-06-01T09:00:00Z") + Duration::days(day));
        let post = svc.post_due().await.unwrap().posted.remove(0);
        crate::common::delivered(svc, post.id).await;
        for user in [answerer, idle] {
            svc.submit_answer(GUILD, post.id, user, "answer")
                .await
                .unwrap();
        }
        svc.reveal_now(GUILD, s.id).await.unwrap();
    }
    // Day three is skipped: only one of them had answered.
    t.clock.set(utc("2026-06-03T09:00:00Z"));
    let post = svc.post_due().await.unwrap().posted.remove(0);
    crate::common::delivered(svc, post.id).await;
    svc.submit_answer(GUILD, post.id, answerer, "answer")
        .await
        .unwrap();
    let skipped = svc.skip(GUILD, s.id).await.unwrap();
    assert!(skipped.skipped && skipped.streak_events.is_empty());
    assert!(
        skipped.question.is_some(),
        "the model answer is still shown"
    );

    let mut conn = svc.store().read().await.unwrap();
    for user in [answerer, idle] {
        let streak = dailydrill::store::streaks::get(&mut conn, s.id, user)
            .await
            .unwrap();
        assert_eq!(
            streak,
            Streak {
                current: 2,
                longest: 2,
                freezes: 0
            }
        );
    }
    drop(conn);
    let feedback = svc.feedback(GUILD, post.id, answerer).await.unwrap();
    assert_eq!(feedback.points, 0, "a skipped post is not scored");
    let board = svc
        .leaderboard(GUILD, Period::AllTime, 1, answerer)
        .await
        .unwrap();
    assert_eq!(board.caller.unwrap().answers, 2);
    assert!(matches!(
        svc.skip(GUILD, s.id).await,
        Err(Error::NothingOpen(_))
    ));
}

#[tokio::test]
async fn quizzes_avoid_open_and_recent_questions_and_score_at_once() {
    let t = app(utc("2026-06-01T08:00:00Z"), 3).await;
    let svc = &t.service;
    let mut s = spec("09:00");
    s.tracks = vec!["flask".parse().unwrap()];
    svc.add_schedule(GUILD, s).await.unwrap();
    t.clock.set(utc("2026-06-01T09:00:00Z"));
    let open = svc.post_due().await.unwrap().posted.remove(0);

    let member = UserId(9);
    let filter = QuizFilter {
        track: Some("flask".parse().unwrap()),
        difficulty: None,
    };
    let flask_count = t
        .corpus
        .questions()
        .iter()
        .filter(|q| q.track.as_str() == "flask")
        .count();
    let mut seen = HashSet::new();
    for _ in 0..flask_count - 1 {
        let quiz = svc.start_quiz(GUILD, member, filter.clone()).await.unwrap();
        assert_eq!(quiz.question.track.as_str(), "flask");
        assert_ne!(
            quiz.question.id, open.question.id,
            "never today's open question"
        );
        assert!(
            seen.insert(quiz.question.id.clone()),
            "no repeat while fresh questions remain"
        );
    }
    // Every other flask question was seen: the one seen longest ago comes back.
    let quiz = svc.start_quiz(GUILD, member, filter.clone()).await.unwrap();
    assert!(seen.contains(&quiz.question.id));

    let hard = QuizFilter {
        track: Some("python".parse().unwrap()),
        difficulty: Some(Difficulty::Hard),
    };
    let q = svc.start_quiz(GUILD, member, hard).await.unwrap();
    assert_eq!(
        (q.question.track.as_str(), q.question.difficulty),
        ("python", Difficulty::Hard)
    );

    let full = crate::common::full_answer(&q.question);
    assert!(matches!(
        svc.answer_quiz(GUILD, UserId(10), q.id, "mine").await,
        Err(Error::QuizNotFound)
    ));
    assert!(matches!(
        svc.answer_quiz(GUILD, member, q.id, "  ").await,
        Err(Error::EmptyAnswer)
    ));
    let result = svc.answer_quiz(GUILD, member, q.id, &full).await.unwrap();
    let graded = &result.assessment;
    assert_eq!((graded.score, graded.grade), (100, 4));
    assert!(graded.missed.is_empty() && graded.covered.len() == q.question.key_points.len());
    assert!(graded.misconceptions.is_empty());
    assert!(
        !result.question.answer.is_empty(),
        "the model answer comes with the result"
    );
    assert!(matches!(
        svc.answer_quiz(GUILD, member, q.id, "again").await,
        Err(Error::QuizAlreadyAnswered)
    ));

    let stats = svc.member_stats(GUILD, member).await.unwrap();
    assert_eq!((stats.quizzes, stats.quiz_average_percent), (1, Some(100)));
    assert_eq!(
        (stats.points, stats.answers, stats.rank),
        (0, 0, None),
        "quizzes earn no points"
    );
    assert!(stats.streaks.is_empty(), "quizzes do not count for streaks");

    let nothing = QuizFilter {
        track: Some("flask".parse().unwrap()),
        difficulty: Some(Difficulty::Hard),
    };
    let hard_flask = t
        .corpus
        .questions()
        .iter()
        .filter(|q| {
            q.track.as_str() == "flask"
                && q.difficulty == Difficulty::Hard
                && q.id != open.question.id
        })
        .count();
    if hard_flask == 0 {
        assert!(matches!(
            svc.start_quiz(GUILD, member, nothing).await,
            Err(Error::NoQuizQuestions(_))
        ));
    }
}

#[tokio::test]
async fn leaderboard_pages_and_the_callers_own_rank() {
    let t = app(utc("2026-06-01T08:00:00Z"), 3).await;
    let svc = &t.service;
    let s = svc.add_schedule(GUILD, spec("09:00")).await.unwrap();
    // 25 members; member n answers the first n % 5 + 1 days.
    for day in 0..5u64 {
        t.clock
            .set(utc("2026-06-01T09:00:00Z") + Duration::days(day as i64));
        let post = svc.post_due().await.unwrap().posted.remove(0);
        crate::common::delivered(svc, post.id).await;
        for n in 1..=25u64 {
            if day < n % 5 + 1 {
                svc.submit_answer(GUILD, post.id, UserId(n), "answer")
                    .await
                    .unwrap();
            }
        }
        svc.reveal_now(GUILD, s.id).await.unwrap();
    }
    let page1 = svc
        .leaderboard(GUILD, Period::AllTime, 1, UserId(1))
        .await
        .unwrap();
    assert_eq!((page1.members, page1.pages, page1.rows.len()), (25, 3, 10));
    assert_eq!(
        page1.rows.iter().map(|r| r.rank).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    // Five answers each for 4, 9, 14, 19, 24 first; ties by streak, then the lower id.
    let top: Vec<u64> = page1.rows.iter().take(5).map(|r| r.user.0).collect();
    assert_eq!(top, [4, 9, 14, 19, 24]);
    let me = page1.caller.unwrap();
    assert_eq!(me.user, UserId(1));
    assert!(
        me.rank > 10,
        "the caller's line comes even from another page"
    );

    let page3 = svc
        .leaderboard(GUILD, Period::AllTime, 3, UserId(1))
        .await
        .unwrap();
    assert_eq!(page3.rows.len(), 5);
    assert_eq!(page3.rows[0].rank, 21);
    let clamped = svc
        .leaderboard(GUILD, Period::AllTime, 99, UserId(1))
        .await
        .unwrap();
    assert_eq!(clamped.page, 3);
    assert_eq!(
        svc.leaderboard(OTHER, Period::AllTime, 1, UserId(1))
            .await
            .unwrap()
            .members,
        0
    );

    let page = u32::try_from((me.rank - 1) / 10 + 1).unwrap();
    let holding = svc
        .leaderboard(GUILD, Period::AllTime, page, UserId(1))
        .await
        .unwrap();
    let on_page = holding.rows.iter().find(|r| r.user == UserId(1));
    assert_eq!(on_page, Some(&me), "rank_of agrees with the page order");
}

#[tokio::test]
async fn a_schedule_whose_tracks_lost_their_questions_records_the_day_and_moves_on() {
    let mut t = app(utc("2026-06-01T08:00:00Z"), 3).await;
    let mut s = spec("09:00");
    s.tracks = vec!["flask".parse().unwrap()];
    let schedule = t.service.add_schedule(GUILD, s).await.unwrap();

    // The operator restarts with a corpus whose flask folder is empty.
    let files: Vec<_> = dailydrill::corpus::bundled_files()
        .into_iter()
        .filter(|f| !f.rel.starts_with("flask/"))
        .collect();
    let corpus = std::sync::Arc::new(dailydrill::corpus::Corpus::from_files(&files).unwrap());
    t.restart_with(corpus, 4).await;

    t.clock.set(utc("2026-06-01T09:00:00Z"));
    let due = t.service.post_due().await.unwrap();
    assert!(due.posted.is_empty());
    assert_eq!(
        due.missed,
        [(
            schedule.id,
            chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
        )]
    );
    let again = t.service.post_due().await.unwrap();
    assert!(
        again.posted.is_empty() && again.missed.is_empty(),
        "not retried every tick"
    );
    let next = t.service.list_schedules(GUILD).await.unwrap()[0].next_post_at;
    assert_eq!(next, utc("2026-06-02T09:00:00Z"));
}

#[tokio::test]
async fn removing_a_schedule_says_what_goes_before_and_after() {
    let t = app(utc("2026-06-01T08:00:00Z"), 4).await;
    let svc = t.service.clone();
    let s = svc.add_schedule(GUILD, spec("09:00")).await.unwrap();
    let post = svc.post_now(GUILD, s.id).await.unwrap();
    crate::common::delivered(&svc, post.id).await;
    for user in [UserId(5), UserId(6)] {
        svc.submit_answer(GUILD, post.id, user, "An answer in a sentence.")
            .await
            .unwrap();
    }
    svc.reveal_now(GUILD, s.id).await.unwrap();

    let asked = svc.removal(GUILD, s.id).await.unwrap();
    assert_eq!(
        (asked.channel, asked.posts, asked.answers, asked.streaks),
        (s.channel, 1, 2, 2)
    );
    assert!(matches!(
        svc.removal(OTHER, s.id).await,
        Err(Error::ScheduleNotFound(_))
    ));
    assert_eq!(
        svc.list_schedules(GUILD).await.unwrap().len(),
        1,
        "asking removes nothing"
    );
    let done = svc.remove_schedule(GUILD, s.id).await.unwrap();
    assert_eq!(done, asked);
    assert!(svc.list_schedules(GUILD).await.unwrap().is_empty());
    let board = svc
        .leaderboard(GUILD, Period::AllTime, 1, UserId(5))
        .await
        .unwrap();
    assert_eq!(board.rows.len(), 2, "points already earned stay");
}

#[tokio::test]
async fn a_schedule_of_one_difficulty_posts_only_that_difficulty_until_edited() {
    let t = app(utc("2026-06-01T08:00:00Z"), 11).await;
    let svc = &t.service;
    let hard = ScheduleSpec {
        tracks: vec!["django".parse().unwrap()],
        difficulty: Some(Difficulty::Hard),
        ..spec("09:00")
    };
    let s = svc.add_schedule(GUILD, hard).await.unwrap();
    assert_eq!(s.difficulty, Some(Difficulty::Hard));
    let hard_django = t
        .corpus
        .questions()
        .iter()
        .filter(|q| q.track.as_str() == "django" && q.difficulty == Difficulty::Hard)
        .count();
    // A whole deck of manual posts: every question is a hard Django one, none repeats.
    let mut seen = HashSet::new();
    for _ in 0..hard_django {
        let post = svc.post_now(GUILD, s.id).await.unwrap();
        assert_eq!(post.question.difficulty, Difficulty::Hard);
        assert_eq!(post.question.track.as_str(), "django");
        assert!(
            seen.insert(post.question.id.clone()),
            "a repeat within the deck"
        );
    }

    let edit = ScheduleEdit {
        difficulty: Some(None),
        ..ScheduleEdit::default()
    };
    let any = svc.edit_schedule(GUILD, s.id, edit).await.unwrap();
    assert_eq!(any.difficulty, None);
    let easy = ScheduleEdit {
        difficulty: Some(Some(Difficulty::Easy)),
        ..ScheduleEdit::default()
    };
    assert_eq!(
        svc.edit_schedule(GUILD, s.id, easy)
            .await
            .unwrap()
            .difficulty,
        Some(Difficulty::Easy)
    );
    assert_eq!(
        svc.post_now(GUILD, s.id).await.unwrap().question.difficulty,
        Difficulty::Easy
    );
}

#[tokio::test]
async fn a_choice_of_tracks_and_difficulty_without_questions_is_refused() {
    use dailydrill::corpus::{Corpus, SourceFile, bundled_files};
    use std::borrow::Cow;
    let mut t = app(utc("2026-06-01T08:00:00Z"), 11).await;
    // Only one question, of one difficulty.
    let files: Vec<SourceFile> = bundled_files()
        .into_iter()
        .filter(|f| f.rel == "tracks.toml" || f.rel == "python/05-decorators.md")
        .map(|f| SourceFile {
            bytes: Cow::Owned(f.bytes.to_vec()),
            ..f
        })
        .collect();
    let corpus = std::sync::Arc::new(Corpus::from_files(&files).unwrap());
    let has = corpus.questions()[0].difficulty;
    let other = Difficulty::ALL.into_iter().find(|d| *d != has).unwrap();
    t.restart_with(corpus, 11).await;
    let svc = &t.service;
    let wanted = ScheduleSpec {
        difficulty: Some(other),
        ..spec("09:00")
    };
    let refused = svc.add_schedule(GUILD, wanted).await;
    assert!(
        matches!(&refused, Err(Error::NoQuestionsSelected { difficulty: Some(d), .. }) if *d == other),
        "{refused:?}"
    );
    assert!(
        svc.list_schedules(GUILD).await.unwrap().is_empty(),
        "nothing was added"
    );
    let s = svc.add_schedule(GUILD, spec("09:00")).await.unwrap();
    let edit = ScheduleEdit {
        difficulty: Some(Some(other)),
        ..ScheduleEdit::default()
    };
    assert!(matches!(
        svc.edit_schedule(GUILD, s.id, edit).await,
        Err(Error::NoQuestionsSelected { .. })
    ));
    assert_eq!(svc.list_schedules(GUILD).await.unwrap()[0].difficulty, None);
}
