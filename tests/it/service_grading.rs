//! Grades through a real reveal and a real quiz, on a real database file: a confident wrong claim
//! is caught and corrected, a list of terms and an evasive answer earn little, points follow the
//! score, and the stored grade reads back the same after a restart.

use std::sync::Arc;

use crate::common::{app, full_answer, utc};
use dailydrill::clock::ManualClock;
use dailydrill::corpus::{Misconception, Question};
use dailydrill::domain::grading::MISCONCEPTION_MAX_SCORE;
use dailydrill::domain::ids::{ChannelId, GuildId, UserId};
use dailydrill::domain::scoring;
use dailydrill::service::{Feedback, PostView, ScheduleSpec, Service};
use dailydrill::store::Store;

const GUILD: GuildId = GuildId(4242);
const RIGHT: UserId = UserId(1);
const WRONG: UserId = UserId(2);
const LIST: UserId = UserId(3);
const EVASIVE: UserId = UserId(4);

/// The question's first misconception that phrasings (not only patterns) detect.
fn first_claim(question: &Question) -> &Misconception {
    question
        .misconceptions
        .iter()
        .find(|m| !m.phrasings.is_empty())
        .expect("every bundled question has a misconception with phrasings")
}

/// Every key point stated, then the question's first misconception stated as well.
fn confidently_wrong(question: &Question) -> String {
    let claim = first_claim(question);
    format!(
        "{} Also I am sure that {}.",
        full_answer(question),
        claim.phrasings[0].replace(" & ", " ")
    )
}

/// The key points' words as a bare comma-separated list.
fn term_list(question: &Question) -> String {
    question
        .key_points
        .iter()
        .flat_map(|k| k.phrasings[0].split(" & "))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every member's feedback on `post`, checked against what their answer deserves.
async fn check(svc: &Service, post: &PostView) -> [Feedback; 4] {
    let right = svc.feedback(GUILD, post.id, RIGHT).await.unwrap();
    let wrong = svc.feedback(GUILD, post.id, WRONG).await.unwrap();
    let list = svc.feedback(GUILD, post.id, LIST).await.unwrap();
    let evasive = svc.feedback(GUILD, post.id, EVASIVE).await.unwrap();

    assert_eq!((right.assessment.grade, right.assessment.score), (4, 100));
    assert_eq!(right.points, 30);
    assert!(
        right.assessment.next_step.contains("trade-off"),
        "{right:?}"
    );

    let w = &wrong.assessment;
    assert!(w.grade <= 1 && w.score <= MISCONCEPTION_MAX_SCORE, "{w:?}");
    assert!(!w.misconceptions.is_empty(), "{w:?}");
    let stated = first_claim(&post.question);
    assert!(
        w.misconceptions
            .iter()
            .any(|m| m.claim == stated.claim && m.correction == stated.correction),
        "{w:?}"
    );
    assert_eq!(wrong.points, scoring::points(w.score));
    assert!(w.markdown().contains("**Correction:**"), "{}", w.markdown());

    let l = &list.assessment;
    assert!(l.grade <= 1 && l.score <= 30, "{l:?}");
    assert!(l.next_step.contains("sentences"), "{l:?}");

    let e = &evasive.assessment;
    assert_eq!((e.grade, e.score, evasive.points), (0, 0, 10));
    assert!(
        e.next_step
            .starts_with("Next step: start with one sentence"),
        "{e:?}"
    );
    [right, wrong, list, evasive]
}

#[tokio::test]
async fn the_reveal_grades_with_the_rubric_and_the_feedback_survives_a_restart() {
    let t = app(utc("2026-06-01T08:00:00Z"), 9).await;
    let svc = t.service.clone();
    let schedule = svc
        .add_schedule(
            GUILD,
            ScheduleSpec {
                channel: ChannelId(5),
                time: "09:00".parse().unwrap(),
                zone: "UTC".parse().unwrap(),
                tracks: Vec::new(),
                reveal: "24h".parse().unwrap(),
                mention_role: None,
                difficulty: None,
                days: dailydrill::domain::schedule::PostDays::EVERY_DAY,
            },
        )
        .await
        .unwrap();
    let post = svc.post_now(GUILD, schedule.id).await.unwrap();
    crate::common::delivered(&svc, post.id).await;
    let q = &post.question;
    for (user, text) in [
        (RIGHT, full_answer(q)),
        (WRONG, confidently_wrong(q)),
        (LIST, term_list(q)),
        (
            EVASIVE,
            "It really depends on the project; I would look it up.".to_owned(),
        ),
    ] {
        svc.submit_answer(GUILD, post.id, user, &text)
            .await
            .unwrap();
    }
    svc.reveal_now(GUILD, schedule.id).await.unwrap();

    let before = check(&svc, &post).await;

    // A restart reads the stored grades back: the same feedback, not a regrade.
    drop(svc);
    drop(t.service);
    let store = Store::open(&t.url).await.unwrap();
    let restarted = Service::new(
        store,
        t.corpus.clone(),
        Arc::new(ManualClock::new(utc("2026-06-03T08:00:00Z"))),
        9,
    );
    let after = check(&restarted, &post).await;
    assert_eq!(before, after);

    // The member's data export carries the stored grade and the claims they were corrected on.
    let export = restarted.my_data(GUILD, WRONG).await.unwrap();
    let answer = &export.answers[0];
    assert_eq!(answer.grade, Some(before[1].assessment.grade));
    assert!(
        answer
            .misconceptions
            .contains(&first_claim(&post.question).claim),
        "{answer:?}"
    );
    let json = serde_json::to_value(&export).unwrap();
    assert!(json["answers"][0]["misconceptions"].is_array(), "{json}");
}

#[tokio::test]
async fn a_quiz_answer_gets_the_same_grade_and_corrections() {
    let t = app(utc("2026-06-01T08:00:00Z"), 3).await;
    let quiz = t
        .service
        .start_quiz(GUILD, WRONG, Default::default())
        .await
        .unwrap();
    let result = t
        .service
        .answer_quiz(GUILD, WRONG, quiz.id, &confidently_wrong(&quiz.question))
        .await
        .unwrap();
    let a = &result.assessment;
    assert!(a.grade <= 1 && !a.misconceptions.is_empty(), "{a:?}");
    assert!(a.next_step.starts_with("Next step:"), "{a:?}");
}
