//! Mock interviews on a real database: questions timed from when they are shown, graded at once,
//! a report card compared with the previous mock, one open mock per member, an idle mock ended
//! after 30 minutes with its shown question counted as missed, and every answer (or miss) rating
//! the member's review cards.

use chrono::Duration;

use crate::common::{app, full_answer, utc};
use dailydrill::clock::Clock;
use dailydrill::domain::ids::{GuildId, UserId};
use dailydrill::service::{Error, QuizFilter};
use dailydrill::store::mocks::Outcome;

const GUILD: GuildId = GuildId(51);
const MEMBER: UserId = UserId(7);

fn python() -> QuizFilter {
    QuizFilter {
        track: Some("python".parse().unwrap()),
        difficulty: None,
    }
}

#[tokio::test]
async fn a_mock_is_timed_graded_reported_and_compared_with_the_last_one() {
    let t = app(utc("2026-06-01T08:00:00Z"), 9).await;
    let svc = t.service.clone();
    let start = svc.start_mock(GUILD, MEMBER, python(), 3).await.unwrap();
    assert!(!start.resumed);
    let first = start.current;
    assert_eq!((first.position, first.size), (1, 3));
    assert_eq!(first.question.track.as_str(), "python");
    // One open mock per member: asking again shows where they were.
    t.clock.advance(Duration::minutes(1));
    let again = svc.start_mock(GUILD, MEMBER, python(), 5).await.unwrap();
    assert!(again.resumed);
    assert_eq!(
        (again.current.mock, again.current.position),
        (first.mock, 1)
    );
    assert_eq!(
        again.current.asked_at, first.asked_at,
        "the clock is not restarted"
    );

    t.clock.advance(Duration::minutes(2));
    let one = svc
        .answer_mock(GUILD, MEMBER, first.mock, 1, &full_answer(&first.question))
        .await
        .unwrap();
    assert_eq!(one.assessment.grade, 4);
    assert_eq!(one.taken, Duration::minutes(3));
    assert!(one.report.is_none());
    assert_eq!(one.follow_up, first.question.follow_ups.first().cloned());
    // A question answered, or not shown yet, cannot be answered (a stale or forged form).
    for position in [1, 2] {
        let refused = svc
            .answer_mock(GUILD, MEMBER, first.mock, position, "x")
            .await;
        assert!(
            matches!(refused, Err(Error::MockQuestionAnswered)),
            "{refused:?}"
        );
    }
    let refused = svc.answer_mock(GUILD, UserId(8), first.mock, 2, "x").await;
    assert!(matches!(refused, Err(Error::MockNotFound)), "{refused:?}");

    let second = svc
        .next_mock_question(GUILD, MEMBER, first.mock)
        .await
        .unwrap();
    assert_eq!(second.position, 2);
    assert_ne!(second.question.id, first.question.id);
    t.clock.advance(Duration::minutes(5));
    svc.answer_mock(GUILD, MEMBER, first.mock, 2, "I would have to look it up.")
        .await
        .unwrap();
    let third = svc
        .next_mock_question(GUILD, MEMBER, first.mock)
        .await
        .unwrap();
    t.clock.advance(Duration::minutes(1));
    let last = svc
        .answer_mock(GUILD, MEMBER, first.mock, 3, &full_answer(&third.question))
        .await
        .unwrap();
    let report = last.report.expect("the last answer brings the report card");
    assert_eq!(report.outcome, Outcome::Finished);
    let grades: Vec<Option<u8>> = report.lines.iter().map(|l| l.grade).collect();
    assert_eq!(grades[0], Some(4));
    assert!(grades[1].unwrap() <= 1, "{grades:?}");
    assert_eq!(report.total, Duration::minutes(9));
    assert!(
        !report.lines[1].missed.is_empty(),
        "the missed key points are named"
    );
    assert!(report.previous.is_none(), "the first mock");
    let average = report.average.unwrap();
    assert!(matches!(
        svc.next_mock_question(GUILD, MEMBER, first.mock).await,
        Err(Error::MockEnded)
    ));

    // The weak answer comes back in /review the next day.
    t.clock.advance(Duration::days(1));
    assert!(svc.reviews_due(GUILD, MEMBER).await.unwrap() >= 1);

    // The next mock's report compares with this one.
    let next = svc.start_mock(GUILD, MEMBER, python(), 3).await.unwrap();
    assert!(!next.resumed && next.current.mock != first.mock);
    let mut report = None;
    for position in 1..=3 {
        let shown = if position == 1 {
            next.current.clone()
        } else {
            svc.next_mock_question(GUILD, MEMBER, next.current.mock)
                .await
                .unwrap()
        };
        let answered = svc
            .answer_mock(
                GUILD,
                MEMBER,
                shown.mock,
                position,
                &full_answer(&shown.question),
            )
            .await
            .unwrap();
        report = answered.report;
    }
    let report = report.unwrap();
    let (_, before) = report.previous.expect("compared with the first mock");
    assert!((before.unwrap() - average).abs() < 1e-9);

    let export = svc.my_data(GUILD, MEMBER).await.unwrap();
    assert_eq!(export.mock_interviews.len(), 2);
    assert_eq!(export.mock_interviews[0].questions.len(), 3);
    assert_eq!(
        export.mock_interviews[0].outcome.as_deref(),
        Some("finished")
    );
    let deleted = svc.forget_member(GUILD, MEMBER).await.unwrap();
    assert_eq!(deleted.mocks, 2);
    assert!(
        svc.my_data(GUILD, MEMBER)
            .await
            .unwrap()
            .mock_interviews
            .is_empty()
    );
}

#[tokio::test]
async fn an_idle_mock_ends_itself_and_the_question_left_unanswered_is_a_miss() {
    let t = app(utc("2026-06-01T08:00:00Z"), 10).await;
    let svc = t.service.clone();
    let start = svc.start_mock(GUILD, MEMBER, python(), 4).await.unwrap();
    let mock = start.current.mock;
    svc.answer_mock(
        GUILD,
        MEMBER,
        mock,
        1,
        &full_answer(&start.current.question),
    )
    .await
    .unwrap();
    let shown = svc.next_mock_question(GUILD, MEMBER, mock).await.unwrap();
    t.clock.advance(Duration::minutes(29));
    assert_eq!(svc.end_idle_mocks().await.unwrap(), 0);
    t.clock.advance(Duration::minutes(1));
    assert_eq!(svc.end_idle_mocks().await.unwrap(), 1);
    assert_eq!(svc.end_idle_mocks().await.unwrap(), 0, "once");
    let late = svc.answer_mock(GUILD, MEMBER, mock, 2, "late").await;
    assert!(matches!(late, Err(Error::MockEnded)), "{late:?}");
    let export = svc.my_data(GUILD, MEMBER).await.unwrap();
    assert_eq!(
        export.mock_interviews[0].outcome.as_deref(),
        Some("abandoned")
    );
    // The question shown and not answered is due the next day; those never shown are not cards.
    let cards = &export.review_cards;
    assert_eq!(cards.len(), 2, "{cards:?}");
    let missed = cards
        .iter()
        .find(|c| c.question_id == shown.question.id.as_str())
        .unwrap();
    assert_eq!(missed.due, t.clock.now() + Duration::days(1));

    // Without the sweep (the bot was down), the next /mock ends the idle one and says so.
    let start = svc.start_mock(GUILD, MEMBER, python(), 3).await.unwrap();
    t.clock.advance(Duration::hours(2));
    let next = svc.start_mock(GUILD, MEMBER, python(), 3).await.unwrap();
    assert!(!next.resumed);
    assert_ne!(next.current.mock, start.current.mock);
    let abandoned = next.abandoned.expect("the idle mock's report");
    assert_eq!(abandoned.outcome, Outcome::Abandoned);
    assert_eq!(abandoned.lines[0].grade, None);
}

#[tokio::test]
async fn a_mock_needs_three_questions_to_choose_from() {
    let t = app(utc("2026-06-01T08:00:00Z"), 11).await;
    let filter = QuizFilter {
        track: Some("no-such-track".parse().unwrap()),
        difficulty: None,
    };
    let refused = t.service.start_mock(GUILD, MEMBER, filter, 3).await;
    assert!(
        matches!(refused, Err(Error::NoQuizQuestions(_))),
        "{refused:?}"
    );
}
