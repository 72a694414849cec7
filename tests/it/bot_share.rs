//! Learning from each other, through the real bot on the fake Discord: the discussion thread opens
//! with how the group did (no names), and after the reveal a member may share their own answer in
//! it, with or without their grade, once, pinging nobody, with its code fences balanced. A member
//! who did not answer is refused, and so is anyone before the reveal.

use serde_json::Value;

use crate::common::harness::{CHANNEL, Harness, WAIT, assert_nothing_pings, member, spec};
use crate::common::utc;

/// The bot's reply to a click, after its deferral: the edited original.
async fn settled(h: &Harness, click: u64) -> String {
    let first = h.answer_to(click).await;
    assert_eq!(first["type"], 6, "acknowledged, then edited: {first}");
    h.fake
        .wait_for(WAIT, |f| {
            f.interaction_response(click)
                .filter(|r| r["edited"] == true)
                .and_then(|r| r["data"]["content"].as_str().map(str::to_owned))
        })
        .await
        .unwrap_or_else(|| {
            let calls: Vec<String> = h
                .fake
                .calls()
                .iter()
                .rev()
                .take(6)
                .map(|c| format!("{} {} -> {} {}", c.method, c.path, c.status, c.body))
                .collect();
            panic!("the choice's message was not edited: {calls:#?}")
        })
}

fn text(reply: &Value) -> &str {
    reply["data"]["content"].as_str().unwrap_or_default()
}

fn thread_texts(h: &Harness, thread: u64) -> Vec<String> {
    h.fake
        .messages_in(thread)
        .iter()
        .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn the_thread_opens_with_the_group_and_members_share_their_answers_once() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec()).await;
    h.app.clock.set(utc("2026-06-01T09:00:00Z"));
    h.tick().await;
    let post = h.latest_post_id();
    let question_message: u64 = h.fake.messages_in(CHANNEL)[0]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let question = h
        .app
        .service
        .post(
            dailydrill::domain::ids::GuildId(crate::common::harness::GUILD),
            dailydrill::domain::ids::PostId(post),
        )
        .await
        .unwrap()
        .question;
    let hostile =
        "@everyone <@&555> see [docs](https://evil.example)\n```python\ndef f():\n    return 1";
    h.answer(3, post, &crate::common::full_answer(&question))
        .await;
    h.answer(4, post, hostile).await;
    h.answer(6, post, "No idea, sorry.").await;
    // Before the reveal there is nothing to share (a forged click).
    let early = h
        .answer_to(h.fake.click_button(&member(3), 1, &format!("sh:{post}")))
        .await;
    assert!(
        text(&early).contains("has not been revealed yet"),
        "{early}"
    );

    h.app.clock.set(utc("2026-06-02T09:00:00Z"));
    h.tick().await;
    let thread = thread_texts(&h, question_message);
    let summary = &thread[0];
    assert!(
        summary.starts_with("**How the group did** · 3 members answered."),
        "{thread:#?}"
    );
    let first_point = &question.key_points[0].label;
    assert!(
        summary.contains(&format!("- {first_point}: 33% (1 of 3)")),
        "{summary}"
    );
    assert!(!summary.contains("<@"), "no names: {summary}");
    assert!(thread[1].starts_with("**Model answer**"), "{thread:#?}");
    // The notice in the channel has both buttons.
    let notice = h.fake.messages_in(CHANNEL).last().cloned().unwrap();
    let buttons: Vec<&str> = notice["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["custom_id"].as_str())
        .collect();
    assert_eq!(buttons, [format!("fb:{post}"), format!("sh:{post}")]);

    // A member who did not answer has nothing to share.
    let none = h
        .answer_to(h.fake.click_button(&member(5), 1, &format!("sh:{post}")))
        .await;
    assert!(
        text(&none).starts_with("You did not answer this question"),
        "{none}"
    );

    // The member asks, privately, and shares without the grade.
    let asked = h
        .answer_to(h.fake.click_button(&member(4), 1, &format!("sh:{post}")))
        .await;
    assert_eq!(asked["data"]["flags"], 64);
    let choices: Vec<String> = asked["data"]["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["label"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(choices.len(), 2, "{choices:?}");
    assert!(
        choices[0].starts_with("Share with my grade ("),
        "{choices:?}"
    );
    let done = settled(
        &h,
        h.fake.click_button(&member(4), 1, &format!("shn:{post}")),
    )
    .await;
    assert_eq!(
        done,
        format!("Shared in <#{question_message}>. Thank you: the group learns from it.")
    );
    let shared = thread_texts(&h, question_message).last().cloned().unwrap();
    assert!(
        shared.starts_with("**<@4> shared their answer**\n\n@everyone"),
        "{shared}"
    );
    assert_eq!(
        shared.matches("```").count() % 2,
        0,
        "fences balanced: {shared}"
    );
    assert!(shared.ends_with("```"), "{shared}");
    // Once.
    let again = settled(
        &h,
        h.fake.click_button(&member(4), 1, &format!("shn:{post}")),
    )
    .await;
    assert!(again.starts_with("You already shared"), "{again}");
    let asked_again = h
        .answer_to(h.fake.click_button(&member(4), 1, &format!("sh:{post}")))
        .await;
    assert!(
        text(&asked_again).starts_with("You already shared"),
        "{asked_again}"
    );

    // Two presses at once (two devices) post one message.
    let before = h.fake.messages_in(question_message).len();
    let a = h.fake.click_button(&member(3), 1, &format!("shg:{post}"));
    let b = h.fake.click_button(&member(3), 1, &format!("shg:{post}"));
    let (a, b) = tokio::join!(settled(&h, a), settled(&h, b));
    assert!(
        a.starts_with("Shared in") || b.starts_with("Shared in"),
        "{a} / {b}"
    );
    let thread = thread_texts(&h, question_message);
    assert_eq!(thread.len(), before + 1, "{thread:#?}");
    assert!(
        thread
            .last()
            .unwrap()
            .starts_with("**<@3> shared their answer** · grade 4/4 (excellent)"),
        "{thread:#?}"
    );
    assert_nothing_pings(&h.fake, &[]);
    h.stop().await;
}
