//! `/mock` through the real bot on the fake Discord: a whole mock interview in a private thread
//! with the member, question by question with Next question, to its report card; and, where the
//! bot may not open a private thread, one in private replies, abandoned halfway, ended by the
//! scheduler after 30 idle minutes, whose stale buttons then say so.

use chrono::Duration;
use serde_json::{Value, json};

use crate::common::harness::{CHANNEL, Harness, WAIT, member, opt};

/// What `/mock` answered, after its deferral: the follow-up message.
async fn started(h: &Harness, user: u64, options: Value) -> Value {
    let id = h.fake.slash_command(&member(user), "mock", options);
    let first = h.answer_to(id).await;
    assert_eq!(
        (first["type"].as_u64(), first["data"]["flags"].as_u64()),
        (Some(5), Some(64))
    );
    let reply = h
        .fake
        .wait_for(WAIT, |f| f.follow_ups(id).into_iter().next())
        .await
        .expect("a follow-up after the deferral");
    assert_eq!(reply["flags"], 64, "the reply is private");
    reply
}

fn button(message: &Value) -> String {
    fake_discord::first_component(message)["custom_id"]
        .as_str()
        .expect("a button")
        .to_owned()
}

/// Answers the question `shown` (its message data) through its button and form; returns every
/// message of the reply (response and follow-ups), once the last one has arrived.
async fn answer(
    h: &Harness,
    user: u64,
    shown: &Value,
    text: &str,
    last: &str,
    private: bool,
) -> Vec<Value> {
    let modal = h
        .answer_to(h.fake.click_button(&member(user), 1, &button(shown)))
        .await;
    assert_eq!(modal["type"], 9, "{modal}");
    let modal_id = modal["data"]["custom_id"].as_str().unwrap().to_owned();
    let submit = h
        .fake
        .submit_modal(&member(user), &modal_id, &[("text", text)]);
    let first = h.answer_to(submit).await["data"].clone();
    assert_eq!(
        first["flags"].as_u64().unwrap_or(0) & 64 != 0,
        private,
        "{first}"
    );
    let rest = h
        .fake
        .wait_for(WAIT, |f| {
            let sent = f.follow_ups(submit);
            let all: String = std::iter::once(&first)
                .chain(sent.iter())
                .map(|m| m["content"].as_str().unwrap_or(""))
                .collect();
            all.contains(last).then_some(sent)
        })
        .await
        .unwrap_or_else(|| panic!("the reply reaches {last:?}"));
    std::iter::once(first).chain(rest).collect()
}

#[tokio::test]
async fn a_mock_interview_runs_in_a_private_thread_question_by_question_to_its_report_card() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let options = json!([opt("track", 3, "flask"), { "name": "questions", "type": 4, "value": 3 }]);
    let reply = started(&h, 21, options).await;
    // A private thread in the channel, not invitable, with the member added to it.
    let created = h
        .fake
        .calls()
        .into_iter()
        .find(|c| c.method == "POST" && c.path == format!("/channels/{CHANNEL}/threads"))
        .expect("a thread was opened");
    assert_eq!(
        (
            created.body["type"].as_u64(),
            created.body["invitable"].as_bool()
        ),
        (Some(12), Some(false))
    );
    let text = reply["content"].as_str().unwrap();
    let thread: u64 = text
        .strip_prefix("Your mock interview is in <#")
        .and_then(|t| t.split('>').next())
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("the reply links the thread: {text}"));
    assert!(h.fake.calls().iter().any(|c| c.method == "PUT"
        && c.path == format!("/channels/{thread}/thread-members/21")));
    let mut shown = h.fake.messages_in(thread)[0].clone();
    for position in 1..=3 {
        let embed = &shown["embeds"][0];
        let title = embed["title"].as_str().unwrap();
        assert!(
            title.starts_with(&format!(
                "Mock interview · question {position} of 3 · Flask · "
            )),
            "{title}"
        );
        let description = embed["description"].as_str().unwrap();
        assert!(description.contains("Suggested time: "), "{description}");
        h.app.clock.advance(Duration::minutes(2));
        let text = if position == 2 {
            "Not sure."
        } else {
            "Flask uses the app context and request context."
        };
        let last = if position == 3 {
            "/review when it is due"
        } else {
            "**Question"
        };
        let reply = answer(&h, 21, &shown, text, last, false).await;
        let first = reply[0]["content"].as_str().unwrap();
        assert!(
            first.starts_with(&format!(
                "**Question {position} of 3** · 2m 00s (suggested "
            )),
            "{first}"
        );
        let end = reply.last().unwrap();
        if position < 3 {
            let next = button(end);
            assert!(next.starts_with("mkn:"), "{next}");
            let next = h
                .answer_to(h.fake.click_button(&member(21), 1, &next))
                .await;
            assert_eq!(
                next["data"]["flags"].as_u64().unwrap_or(0) & 64,
                0,
                "in the thread"
            );
            shown = next["data"].clone();
        } else {
            let all: String = reply
                .iter()
                .map(|m| m["content"].as_str().unwrap_or(""))
                .collect();
            assert!(all.contains("**Report card**"), "{all}");
            assert!(all.contains("\n2. "), "{all}");
            assert!(all.contains("**Total:** 6m 00s answering"), "{all}");
            assert!(all.contains("Your first mock"), "{all}");
            assert!(end["components"].as_array().is_none_or(Vec::is_empty));
        }
    }
    // The questions answered weakly come back in /review the next day.
    h.app.clock.advance(Duration::days(1));
    let review = h
        .answer_to(h.fake.slash_command(&member(21), "review", json!([])))
        .await;
    assert!(
        review["data"]["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Review · Flask")
    );
    h.stop().await;
}

#[tokio::test]
async fn without_private_threads_a_mock_runs_in_private_replies_and_ends_itself_when_abandoned() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    // The bot may not open private threads in this channel.
    h.fake.fail_next(
        "POST",
        &format!("/channels/{CHANNEL}/threads"),
        fake_discord::Fault::Status(403),
    );
    let first = started(&h, 22, json!([])).await;
    assert!(
        first["content"]
            .as_str()
            .unwrap()
            .starts_with("Mock interview:"),
        "{first}"
    );
    let title = first["embeds"][0]["title"].as_str().unwrap();
    assert!(
        title.starts_with("Mock interview · question 1 of 5"),
        "{title}"
    );
    let reply = answer(&h, 22, &first, "An answer.", "**Question", true).await;
    let next = button(reply.last().unwrap());
    let second = h
        .answer_to(h.fake.click_button(&member(22), 1, &next))
        .await["data"]
        .clone();
    // Another /mock while it is under way shows the same question again.
    let again = started(&h, 22, json!([])).await;
    assert!(again["content"].as_str().unwrap().contains("under way"));
    assert_eq!(button(&again), button(&second));

    h.app.clock.advance(Duration::minutes(31));
    h.tick().await;
    let late = h
        .answer_to(h.fake.click_button(&member(22), 1, &button(&second)))
        .await;
    assert_eq!(late["type"], 4);
    assert!(
        late["data"]["content"]
            .as_str()
            .unwrap()
            .starts_with("That mock interview has ended"),
        "{late}"
    );
    // Someone else's mock is not theirs to answer.
    let forged = h
        .answer_to(h.fake.click_button(&member(23), 1, &button(&second)))
        .await;
    assert!(
        forged["data"]["content"]
            .as_str()
            .unwrap()
            .contains("not yours"),
        "{forged}"
    );
    // A new one starts fresh, in a private thread now that Discord allows it.
    let fresh = started(&h, 22, json!([])).await;
    let text = fresh["content"].as_str().unwrap();
    assert!(text.starts_with("Your mock interview is in <#"), "{text}");
    h.stop().await;
}
