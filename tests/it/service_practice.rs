//! Fair scores: a member who practised a question in `/quiz` saw its model answer, so when it
//! comes as a daily question their answer earns the points for answering and none for its score,
//! and their feedback says why. Members who did not practise it, or started a quiz on it without
//! answering (they never saw the model answer), score as usual. An answer that pastes the model
//! answer is scored as a copy.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::Duration;

use crate::common::{app, daily_spec, full_answer, utc};
use dailydrill::corpus::{Corpus, SourceFile, bundled_files};
use dailydrill::domain::ids::{GuildId, UserId};
use dailydrill::domain::period::Period;
use dailydrill::domain::scoring;
use dailydrill::service::QuizFilter;

const GUILD: GuildId = GuildId(31);
const PRACTISED: UserId = UserId(1);
const FRESH: UserId = UserId(2);
const STARTED: UserId = UserId(3);

/// The bundled tracks and one bundled question: every quiz and every post asks it.
fn one_question() -> Arc<Corpus> {
    let files = bundled_files();
    let keep = |f: &SourceFile| f.rel == "tracks.toml" || f.rel == "python/05-decorators.md";
    let files: Vec<SourceFile> = files
        .into_iter()
        .filter(keep)
        .map(|f| SourceFile {
            bytes: Cow::Owned(f.bytes.to_vec()),
            ..f
        })
        .collect();
    assert_eq!(files.len(), 2);
    Arc::new(Corpus::from_files(&files).expect("a valid corpus"))
}

#[tokio::test]
async fn a_question_practised_in_a_quiz_earns_only_the_answer_points_as_a_daily_question() {
    let mut t = app(utc("2026-06-01T08:00:00Z"), 3).await;
    t.restart_with(one_question(), 3).await;
    let svc = t.service.clone();
    let question = t.corpus.questions()[0].clone();
    let answer = full_answer(&question);

    let quiz = svc
        .start_quiz(GUILD, PRACTISED, QuizFilter::default())
        .await
        .unwrap();
    assert_eq!(quiz.question.id, question.id);
    svc.answer_quiz(GUILD, PRACTISED, quiz.id, &answer)
        .await
        .unwrap();
    // Started, never answered: the model answer was never shown.
    svc.start_quiz(GUILD, STARTED, QuizFilter::default())
        .await
        .unwrap();
    t.clock.advance(Duration::hours(1));

    let schedule = svc.add_schedule(GUILD, daily_spec(9)).await.unwrap().id;
    let post = svc.post_now(GUILD, schedule).await.unwrap();
    assert_eq!(post.question.id, question.id);
    crate::common::delivered(&svc, post.id).await;
    for user in [PRACTISED, FRESH, STARTED] {
        svc.submit_answer(GUILD, post.id, user, &answer)
            .await
            .unwrap();
    }
    svc.reveal_now(GUILD, schedule).await.unwrap();

    let practised = svc.feedback(GUILD, post.id, PRACTISED).await.unwrap();
    assert_eq!(practised.points, scoring::points_after_practice());
    assert_eq!(practised.points, scoring::ANSWER_POINTS);
    assert_eq!(practised.practised_at, Some(utc("2026-06-01T08:00:00Z")));
    assert_eq!(
        practised.assessment.score, 100,
        "the grade is still the answer's own"
    );
    for user in [FRESH, STARTED] {
        let feedback = svc.feedback(GUILD, post.id, user).await.unwrap();
        assert_eq!(feedback.points, scoring::points(100), "{user:?}");
        assert_eq!(feedback.practised_at, None);
    }

    let board = svc
        .leaderboard(GUILD, Period::AllTime, 1, FRESH)
        .await
        .unwrap();
    let points: Vec<(UserId, i64)> = board.rows.iter().map(|r| (r.user, r.points)).collect();
    assert_eq!(points[2], (PRACTISED, i64::from(scoring::ANSWER_POINTS)));
    let export = svc.my_data(GUILD, PRACTISED).await.unwrap();
    assert_eq!(export.answers[0].practised_at, practised.practised_at);

    // After a restart the stored reason is read back, not recomputed.
    t.restart(4).await;
    let again = t.service.feedback(GUILD, post.id, PRACTISED).await.unwrap();
    assert_eq!(again.practised_at, practised.practised_at);
    assert_eq!(again.points, scoring::ANSWER_POINTS);
}

#[tokio::test]
async fn a_pasted_model_answer_earns_only_the_answer_points_and_is_told_why() {
    let mut t = app(utc("2026-06-01T08:00:00Z"), 3).await;
    t.restart_with(one_question(), 3).await;
    let svc = t.service.clone();
    let schedule = svc.add_schedule(GUILD, daily_spec(9)).await.unwrap().id;
    let post = svc.post_now(GUILD, schedule).await.unwrap();
    crate::common::delivered(&svc, post.id).await;
    // The model answer is readable elsewhere (an earlier round, /past); one member pastes it.
    let pasted = format!("My answer:\n\n{}", post.question.answer);
    let pasted: String = pasted.chars().take(4000).collect();
    svc.submit_answer(GUILD, post.id, PRACTISED, &pasted)
        .await
        .unwrap();
    svc.submit_answer(GUILD, post.id, FRESH, &full_answer(&post.question))
        .await
        .unwrap();
    svc.reveal_now(GUILD, schedule).await.unwrap();

    let copy = svc.feedback(GUILD, post.id, PRACTISED).await.unwrap();
    assert_eq!(copy.points, scoring::ANSWER_POINTS);
    assert_eq!((copy.assessment.score, copy.assessment.grade), (0, 0));
    assert!(copy.assessment.covered.is_empty());
    assert!(
        copy.assessment.next_step.contains("scored as a copy"),
        "{:?}",
        copy.assessment
    );
    let own = svc.feedback(GUILD, post.id, FRESH).await.unwrap();
    assert_eq!(own.points, scoring::points(100));

    t.restart(5).await;
    let again = t.service.feedback(GUILD, post.id, PRACTISED).await.unwrap();
    assert_eq!(
        again.assessment, copy.assessment,
        "the stored grade says copy after a restart"
    );
}
