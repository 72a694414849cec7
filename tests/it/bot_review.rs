//! `/review` through the real bot on the fake Discord: a member's own questions come back when
//! due, one at a time and privately, across a restart, with a Next review button while more are
//! due, and the count of due reviews in the reply to a daily answer.

use chrono::Duration;
use serde_json::{Value, json};

use crate::common::harness::{CHANNEL, Harness, WAIT, member, spec};

/// A member answers a `/quiz` on `track` badly; returns the question's text.
async fn quiz_badly(h: &Harness, user: u64, track: &str) -> String {
    h.quiz(user, track, "I am not sure.").await
}

fn button_id(message: &Value) -> String {
    fake_discord::first_component(message)["custom_id"]
        .as_str()
        .expect("a button")
        .to_owned()
}

/// The text of every message the bot answered a form with: the response, then its follow-ups.
async fn form_reply(h: &Harness, submit: u64) -> Vec<Value> {
    let first = h.answer_to(submit).await;
    assert_eq!(first["data"]["flags"], 64, "private");
    let mut all = vec![first["data"].clone()];
    let followups = h
        .fake
        .wait_for(WAIT, |f| {
            let sent = f.follow_ups(submit);
            let text: String = std::iter::once(&first["data"])
                .chain(sent.iter())
                .map(|m| m["content"].as_str().unwrap_or(""))
                .collect();
            text.contains("**Next review:**").then_some(sent)
        })
        .await
        .expect("the feedback ends with the next review");
    assert!(followups.iter().all(|f| f["flags"] == 64));
    all.extend(followups);
    all
}

#[tokio::test]
async fn a_missed_quiz_comes_back_the_next_day_and_is_reviewed_after_a_restart() {
    let mut h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let none = h.command_text(&member(5), "review", json!([])).await;
    assert!(none.starts_with("No reviews yet."), "{none}");

    let question = quiz_badly(&h, 5, "django").await;
    let soon = h.command_text(&member(5), "review", json!([])).await;
    let tomorrow =
        (chrono::DateTime::parse_from_rfc3339("2026-06-02T08:00:00Z").unwrap()).timestamp();
    assert!(
        soon.starts_with(&format!(
            "Nothing due; your next review is <t:{tomorrow}:R>"
        )),
        "{soon}"
    );

    h.app.clock.advance(Duration::days(1));
    let shown = h
        .answer_to(h.fake.slash_command(&member(5), "review", json!([])))
        .await;
    assert_eq!(shown["data"]["flags"], 64, "only the member sees it");
    let embed = &shown["data"]["embeds"][0];
    assert!(
        embed["title"]
            .as_str()
            .unwrap()
            .starts_with("Review · Django · ")
    );
    let description = embed["description"].as_str().unwrap();
    let asked = question.split("\n\n").next().unwrap();
    assert!(description.starts_with(asked), "{description}");
    assert_eq!(embed["footer"]["text"], "1 review(s) due");
    let button = button_id(&shown["data"]);
    assert!(button.starts_with("rv:"), "{button}");

    // The prompt lives in the database: a restart between showing and answering loses nothing.
    h.restart().await;
    // Another member pressing it is refused (ephemeral messages can be forwarded as ids).
    let other = h
        .answer_to(h.fake.click_button(&member(6), 1, &button))
        .await;
    assert_eq!(other["type"], 4);
    assert!(
        other["data"]["content"]
            .as_str()
            .unwrap()
            .contains("not yours"),
        "{other}"
    );
    let modal = h
        .answer_to(h.fake.click_button(&member(5), 1, &button))
        .await;
    assert_eq!(modal["type"], 9, "the answer form");
    let modal_id = modal["data"]["custom_id"].as_str().unwrap().to_owned();
    let corpus_question = h
        .app
        .corpus
        .questions()
        .iter()
        .find(|q| asked.starts_with(&q.question))
        .unwrap()
        .clone();
    let answer = crate::common::full_answer(&corpus_question);
    let submit = h
        .fake
        .submit_modal(&member(5), &modal_id, &[("text", &answer)]);
    let replies = form_reply(&h, submit).await;
    let first = replies[0]["content"].as_str().unwrap();
    assert!(first.starts_with("**Grade 4/4 (excellent)"), "{first}");
    let last = replies.last().unwrap()["content"].as_str().unwrap();
    assert!(last.contains("That was your last due review."), "{last}");
    assert!(
        replies
            .iter()
            .all(|r| r["components"].as_array().is_none_or(Vec::is_empty)),
        "no Next review button when nothing more is due"
    );
    let after = h.command_text(&member(5), "review", json!([])).await;
    assert!(
        after.starts_with("Nothing due; your next review is"),
        "{after}"
    );

    // Answered once, even from the old form.
    let again = h
        .answer_to(
            h.fake
                .submit_modal(&member(5), &modal_id, &[("text", "again")]),
        )
        .await;
    assert!(
        again["data"]["content"]
            .as_str()
            .unwrap()
            .contains("already answered this review"),
        "{again}"
    );
    h.stop().await;
}

#[tokio::test]
async fn due_reviews_are_counted_after_a_daily_answer_and_taken_one_after_another() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec()).await;
    quiz_badly(&h, 8, "flask").await;
    quiz_badly(&h, 8, "fastapi").await;
    // The daily post mentions nobody; the member's reply to their own answer has the count.
    h.app.clock.set(crate::common::utc("2026-06-02T09:00:00Z"));
    h.tick().await;
    let post = h.latest_post_id();
    let saved = h.answer(8, post, "My answer to today's question.").await;
    assert!(
        saved.ends_with("You have 2 review(s) due: /review."),
        "{saved}"
    );
    let quiet = h.answer(9, post, "Someone without reviews.").await;
    assert!(!quiet.contains("review(s) due"), "{quiet}");
    let message = h.fake.messages_in(CHANNEL).last().cloned().unwrap();
    assert!(!message["content"].as_str().unwrap_or("").contains("review"));

    let shown = h
        .answer_to(h.fake.slash_command(&member(8), "review", json!([])))
        .await;
    assert_eq!(
        shown["data"]["embeds"][0]["footer"]["text"],
        "2 review(s) due"
    );
    let first_title = shown["data"]["embeds"][0]["title"].clone();
    let modal = h
        .answer_to(
            h.fake
                .click_button(&member(8), 1, &button_id(&shown["data"])),
        )
        .await;
    let modal_id = modal["data"]["custom_id"].as_str().unwrap().to_owned();
    let submit = h
        .fake
        .submit_modal(&member(8), &modal_id, &[("text", "Still not sure.")]);
    let replies = form_reply(&h, submit).await;
    let last = replies.last().unwrap();
    assert!(
        last["content"].as_str().unwrap().contains("1 more due."),
        "{last}"
    );
    let next = button_id(last);
    assert_eq!(next, "rn:0");
    let shown = h.answer_to(h.fake.click_button(&member(8), 1, &next)).await;
    assert_eq!(shown["type"], 4);
    assert_eq!(shown["data"]["flags"], 64);
    assert_eq!(
        shown["data"]["embeds"][0]["footer"]["text"],
        "1 review(s) due"
    );
    assert_ne!(
        shown["data"]["embeds"][0]["title"], first_title,
        "the other track's card"
    );
    h.stop().await;
}
