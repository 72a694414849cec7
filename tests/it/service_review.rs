//! Spaced review on a real database: every graded answer (daily, quiz, review) rates the member's
//! card for its question, FSRS sets when it is due, `/review` shows due cards one at a time, and
//! the cards are the member's data (exported, deleted). History graded before the cards existed
//! is rated once at startup.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::common::{app, daily_spec, full_answer, utc};
use dailydrill::clock::Clock;
use dailydrill::corpus::{Corpus, SourceFile, bundled_files};
use dailydrill::domain::ids::{GuildId, ReviewId, UserId};
use dailydrill::domain::review::Recall;
use dailydrill::service::{Error, QuizFilter, ReviewStart, ReviewView};

const GUILD: GuildId = GuildId(41);
const OTHER_GUILD: GuildId = GuildId(42);
const MISSED: UserId = UserId(1);
const NAILED: UserId = UserId(2);

fn card(start: ReviewStart) -> ReviewView {
    match start {
        ReviewStart::Card(view) => *view,
        other => panic!("expected a due card, got {other:?}"),
    }
}

fn nothing_due(start: ReviewStart) -> (Option<DateTime<Utc>>, u32) {
    match start {
        ReviewStart::NothingDue { next, cards } => (next, cards),
        other => panic!("expected nothing due, got {other:?}"),
    }
}

/// The bundled tracks and one bundled question: every quiz and every post asks it.
fn one_question() -> Arc<Corpus> {
    let keep = |f: &SourceFile| f.rel == "tracks.toml" || f.rel == "python/05-decorators.md";
    let files: Vec<SourceFile> = bundled_files()
        .into_iter()
        .filter(keep)
        .map(|f| SourceFile {
            bytes: Cow::Owned(f.bytes.to_vec()),
            ..f
        })
        .collect();
    Arc::new(Corpus::from_files(&files).expect("a valid corpus"))
}

#[tokio::test]
async fn a_missed_daily_question_comes_back_the_next_day_and_a_nailed_one_weeks_later() {
    let t = app(utc("2026-06-01T08:00:00Z"), 7).await;
    let svc = t.service.clone();
    let schedule = svc.add_schedule(GUILD, daily_spec(9)).await.unwrap().id;
    let post = svc.post_now(GUILD, schedule).await.unwrap();
    crate::common::delivered(&svc, post.id).await;
    let question = post.question.clone();
    svc.submit_answer(GUILD, post.id, MISSED, "No idea, sorry.")
        .await
        .unwrap();
    svc.submit_answer(GUILD, post.id, NAILED, &full_answer(&question))
        .await
        .unwrap();
    // Nothing to review before any answer was graded.
    assert_eq!(
        nothing_due(svc.start_review(GUILD, MISSED, None).await.unwrap()),
        (None, 0)
    );

    t.clock.advance(Duration::hours(1));
    let revealed_at = t.clock.now();
    svc.reveal_now(GUILD, schedule).await.unwrap();
    // Graded at the reveal: due again a day later for a miss, 15 days for an excellent answer.
    let (next, cards) = nothing_due(svc.start_review(GUILD, MISSED, None).await.unwrap());
    assert_eq!((next, cards), (Some(revealed_at + Duration::days(1)), 1));
    let (next, _) = nothing_due(svc.start_review(GUILD, NAILED, None).await.unwrap());
    assert_eq!(next, Some(revealed_at + Duration::days(15)));
    assert_eq!(svc.reviews_due(GUILD, MISSED).await.unwrap(), 0);

    t.clock.advance(Duration::days(1));
    assert_eq!(svc.reviews_due(GUILD, MISSED).await.unwrap(), 1);
    let shown = card(svc.start_review(GUILD, MISSED, None).await.unwrap());
    assert_eq!(
        (shown.question.id.clone(), shown.due),
        (question.id.clone(), 1)
    );
    assert_eq!(shown.card.last_review, revealed_at);
    // Asking again before answering shows the same prompt, not a second one.
    let again = card(svc.start_review(GUILD, MISSED, None).await.unwrap());
    assert_eq!(again.id, shown.id);
    // Nobody else answers it, in this server or another.
    for (guild, user) in [(GUILD, NAILED), (OTHER_GUILD, MISSED)] {
        let refused = svc.answer_review(guild, user, shown.id, "mine").await;
        assert!(matches!(refused, Err(Error::ReviewNotFound)), "{refused:?}");
    }
    assert!(matches!(
        svc.answer_review(GUILD, MISSED, ReviewId(shown.id.0 + 99), "x")
            .await,
        Err(Error::ReviewNotFound)
    ));

    let now = t.clock.now();
    let result = svc
        .answer_review(GUILD, MISSED, shown.id, &full_answer(&question))
        .await
        .unwrap();
    assert_eq!(result.assessment.grade, 4);
    assert_eq!(result.recall, Recall::Easy);
    assert_eq!(result.remaining, 0);
    assert!(
        result.next_due > now + Duration::days(3),
        "{:?}",
        result.next_due
    );
    assert!(matches!(
        svc.answer_review(GUILD, MISSED, shown.id, "twice").await,
        Err(Error::ReviewAlreadyAnswered)
    ));
    assert!(matches!(
        svc.check_review(GUILD, MISSED, shown.id).await,
        Err(Error::ReviewAlreadyAnswered)
    ));
    let (next, cards) = nothing_due(svc.start_review(GUILD, MISSED, None).await.unwrap());
    assert_eq!((next, cards), (Some(result.next_due), 1));

    // The member's data: the card and the review, exported and then deleted.
    let export = svc.my_data(GUILD, MISSED).await.unwrap();
    assert_eq!(export.review_cards.len(), 1);
    assert_eq!(export.review_cards[0].reviews, 2);
    assert_eq!(export.review_cards[0].due, result.next_due);
    assert_eq!(export.reviews.len(), 1);
    assert_eq!(export.reviews[0].grade, Some(4));
    let deleted = svc.forget_member(GUILD, MISSED).await.unwrap();
    assert_eq!(deleted.reviews, 2, "one review and one card");
    assert_eq!(
        nothing_due(svc.start_review(GUILD, MISSED, None).await.unwrap()),
        (None, 0)
    );
    // The other member's card is untouched.
    assert_eq!(
        svc.my_data(GUILD, NAILED).await.unwrap().review_cards.len(),
        1
    );
}

#[tokio::test]
async fn quizzes_rate_cards_and_a_question_open_as_the_daily_one_waits() {
    let mut t = app(utc("2026-06-01T08:00:00Z"), 3).await;
    t.restart_with(one_question(), 3).await;
    let svc = t.service.clone();
    let quiz = svc
        .start_quiz(GUILD, MISSED, QuizFilter::default())
        .await
        .unwrap();
    svc.answer_quiz(GUILD, MISSED, quiz.id, "Something about functions.")
        .await
        .unwrap();
    t.clock.advance(Duration::days(1));
    assert_eq!(svc.reviews_due(GUILD, MISSED).await.unwrap(), 1);

    // The same question is today's: its review waits for the reveal.
    let schedule = svc.add_schedule(GUILD, daily_spec(9)).await.unwrap().id;
    let post = svc.post_now(GUILD, schedule).await.unwrap();
    assert_eq!(post.question.id, quiz.question.id);
    crate::common::delivered(&svc, post.id).await;
    assert_eq!(
        nothing_due(svc.start_review(GUILD, MISSED, None).await.unwrap()),
        (None, 1)
    );
    svc.reveal_now(GUILD, schedule).await.unwrap();
    // The member did not answer the daily question: the card is still due, and now shown.
    let shown = card(svc.start_review(GUILD, MISSED, None).await.unwrap());
    assert_eq!(shown.question.id, quiz.question.id);
}

#[tokio::test]
async fn history_graded_before_review_cards_is_rated_once() {
    let mut t = app(utc("2026-06-01T08:00:00Z"), 5).await;
    let svc = t.service.clone();
    let schedule = svc.add_schedule(GUILD, daily_spec(9)).await.unwrap().id;
    let post = svc.post_now(GUILD, schedule).await.unwrap();
    crate::common::delivered(&svc, post.id).await;
    svc.submit_answer(GUILD, post.id, MISSED, "No idea.")
        .await
        .unwrap();
    svc.reveal_now(GUILD, schedule).await.unwrap();
    let quiz = svc
        .start_quiz(GUILD, NAILED, QuizFilter::default())
        .await
        .unwrap();
    svc.answer_quiz(GUILD, NAILED, quiz.id, &full_answer(&quiz.question))
        .await
        .unwrap();
    let cards_before = (
        svc.my_data(GUILD, MISSED).await.unwrap().review_cards,
        svc.my_data(GUILD, NAILED).await.unwrap().review_cards,
    );
    // As before the migration: graded answers and quizzes, no cards, no ratings.
    for table in ["review_cards", "review_log"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(svc.store().pool())
            .await
            .unwrap();
    }
    t.clock.advance(Duration::days(3));
    t.restart(6).await;
    assert_eq!(t.service.rate_history().await.unwrap(), 2);
    assert_eq!(t.service.rate_history().await.unwrap(), 0, "once");
    let cards_after = (
        t.service.my_data(GUILD, MISSED).await.unwrap().review_cards,
        t.service.my_data(GUILD, NAILED).await.unwrap().review_cards,
    );
    // Rated as of when they were graded, so the same cards as if rated then.
    let due = |cards: &[dailydrill::service::ExportedCard]| {
        cards.iter().map(|c| c.due).collect::<Vec<_>>()
    };
    assert_eq!(due(&cards_after.0), due(&cards_before.0));
    assert_eq!(due(&cards_after.1), due(&cards_before.1));
    assert_eq!(t.service.reviews_due(GUILD, MISSED).await.unwrap(), 1);
}
