//! Members' suggestions, through the real bot on the fake Discord: `/suggest` opens a form, the
//! suggestion is posted in the moderation channel the admins set, a moderator edits and approves
//! it into a deck (the question is then posted crediting its author) or rejects it, and the
//! suggester is told by direct message. Members without Manage Server are refused at every
//! moderation step, a member has at most five open suggestions, and nothing pings.

use serde_json::{Value, json};

use crate::common::harness::{CHANNEL, Harness, admin, assert_nothing_pings, member, opt, sub};
use crate::common::utc;
use fake_discord::DM_CHANNEL_BITS;

const MODS: u64 = 78;
const AUTHOR: u64 = 3;

fn text(reply: &Value) -> &str {
    reply["data"]["content"].as_str().unwrap_or_default()
}

/// The bot, in a server whose suggestions go to `MODS`.
async fn with_moderation() -> Harness {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    h.app
        .service
        .set_moderation_channel(
            dailydrill::domain::ids::GuildId(crate::common::harness::GUILD),
            Some(dailydrill::domain::ids::ChannelId(MODS)),
        )
        .await
        .unwrap();
    h
}

/// The member opens /suggest and submits its form; the bot's reply.
async fn suggest(h: &Harness, user: u64, question: &str, answer: &str, topic: &str) -> String {
    let open = h
        .answer_to(h.fake.slash_command(&member(user), "suggest", json!([])))
        .await;
    assert_eq!(open["type"], 9, "a form: {open}");
    let form = open["data"]["custom_id"].as_str().unwrap().to_owned();
    let submit = h.fake.submit_modal(
        &member(user),
        &form,
        &[("question", question), ("answer", answer), ("topic", topic)],
    );
    text(&h.answer_to(submit).await).to_owned()
}

/// Waits for what the bot does after answering a form (the post edited, the member told).
async fn eventually(h: &Harness, what: &str, done: impl Fn(&Harness) -> bool) {
    let waited = h
        .fake
        .wait_for(crate::common::harness::WAIT, |_| done(h).then_some(()))
        .await;
    assert!(waited.is_some(), "{what}");
}

/// The moderation post of suggestion `id`.
fn moderation_post(h: &Harness, id: i64) -> Value {
    h.fake
        .messages_in(MODS)
        .into_iter()
        .find(|m| {
            m["embeds"][0]["title"]
                .as_str()
                .is_some_and(|t| t.starts_with(&format!("Suggestion #{id}")))
        })
        .unwrap_or_else(|| panic!("suggestion #{id} in the moderation channel"))
}

fn message_id(message: &Value) -> u64 {
    message["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_suggestion_is_moderated_into_a_deck_and_its_author_is_credited_and_told() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let refused = h
        .answer_to(h.fake.slash_command(&member(AUTHOR), "suggest", json!([])))
        .await;
    assert!(
        text(&refused).contains("takes no suggestions yet"),
        "no form without a moderation channel: {refused}"
    );
    let moderation = || sub("moderation", vec![opt("channel", 7, &MODS.to_string())]);
    let denied = h.command_text(&member(AUTHOR), "deck", moderation()).await;
    assert!(denied.contains("Manage Server"), "{denied}");
    let set = h.command_text(&admin(1), "deck", moderation()).await;
    assert!(set.contains(&format!("now go to <#{MODS}>")), "{set}");

    let hostile = "How do we deploy? @everyone see [runbook](https://evil.example/x)";
    let thanks = suggest(
        &h,
        AUTHOR,
        hostile,
        "We **merge** to main; CI deploys.",
        "Our Stack",
    )
    .await;
    assert!(
        thanks.starts_with("Thanks! Your suggestion #1 went to the moderators"),
        "{thanks}"
    );
    eventually(&h, "the suggestion is posted", |h| {
        !h.fake.messages_in(MODS).is_empty()
    })
    .await;
    let post = moderation_post(&h, 1);
    let description = post["embeds"][0]["description"].as_str().unwrap();
    assert!(
        description.contains("runbook (<https://evil.example/x>)"),
        "{description}"
    );
    assert!(
        description.contains(&format!("Suggested by <@{AUTHOR}>")),
        "{description}"
    );
    let buttons: Vec<&str> = post["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["label"].as_str().unwrap())
        .collect();
    assert_eq!(buttons, ["Approve", "Edit", "Reject"]);
    let post_id = message_id(&post);

    // A member without Manage Server: refused at the button and at a forged form.
    for button in ["sga:1", "sge:1", "sgr:1"] {
        let reply = h
            .answer_to(h.fake.click_button(&member(4), post_id, button))
            .await;
        assert!(text(&reply).contains("Manage Server"), "{button}: {reply}");
    }
    let forms: [(&str, &[(&str, &str)]); 3] = [
        ("sgam:1", &[("deck", "ours"), ("difficulty", "easy")]),
        (
            "sgem:1",
            &[("question", "Mine now?"), ("answer", "Yes."), ("topic", "")],
        ),
        ("sgrm:1", &[("reason", "Because I can.")]),
    ];
    for (form, values) in forms {
        let forged = h
            .answer_to(h.fake.submit_modal(&member(4), form, values))
            .await;
        assert!(text(&forged).contains("Manage Server"), "{form}: {forged}");
    }
    let still = h
        .app
        .service
        .suggestion(
            dailydrill::domain::ids::GuildId(crate::common::harness::GUILD),
            1,
        )
        .await
        .unwrap();
    assert_eq!(
        (still.status, still.question.as_str()),
        (dailydrill::store::suggestions::Status::Open, hostile),
        "nothing changed"
    );

    // The moderator edits it (the form comes filled in), then approves it into a deck.
    let edit = h
        .answer_to(h.fake.click_button(&admin(1), post_id, "sge:1"))
        .await;
    assert_eq!(edit["type"], 9);
    assert_eq!(
        fake_discord::first_component(&edit["data"])["value"],
        json!(hostile)
    );
    let edited = h.answer_to(h.fake.submit_modal(
        &admin(1),
        "sgem:1",
        &[
            ("question", "How does a change reach production here?"),
            ("answer", "We **merge** to main; CI builds and deploys it."),
            ("topic", "Our Stack"),
        ],
    ));
    assert_eq!(text(&edited.await), "Suggestion #1 updated.");
    eventually(&h, "the post shows the edit", |h| {
        moderation_post(h, 1)["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("reach production here?")
    })
    .await;
    let approve = h
        .answer_to(h.fake.click_button(&admin(1), post_id, "sga:1"))
        .await;
    assert_eq!(approve["type"], 9);
    assert_eq!(
        fake_discord::first_component(&approve["data"])["value"],
        "our-stack",
        "the topic as the default deck"
    );
    let approved = h.answer_to(h.fake.submit_modal(
        &admin(1),
        "sgam:1",
        &[("deck", "our-stack"), ("difficulty", "easy")],
    ));
    let approved = text(&approved.await).to_owned();
    assert!(
        approved.starts_with("Approved: suggestion #1 joins the deck `our-stack`"),
        "{approved}"
    );
    eventually(&h, "the suggester is told", |h| {
        !h.fake.messages_in(AUTHOR ^ DM_CHANNEL_BITS).is_empty()
    })
    .await;
    let decided = moderation_post(&h, 1);
    assert!(
        decided["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("**Approved** by <@1> into the deck `our-stack`")
    );
    assert!(
        decided["components"]
            .as_array()
            .is_none_or(|c| c.is_empty()),
        "no buttons left"
    );
    let dms = h.fake.messages_in(AUTHOR ^ DM_CHANNEL_BITS);
    assert_eq!(dms.len(), 1, "told once");
    assert!(
        dms[0]["content"].as_str().unwrap().contains("was approved"),
        "{}",
        dms[0]
    );
    let again = h
        .answer_to(h.fake.click_button(&admin(2), post_id, "sga:1"))
        .await;
    assert!(text(&again).contains("decided already"), "{again}");

    // The deck is a track; its post credits the author, pinging nobody.
    let added = h.schedule_add("our-stack", vec![]).await;
    assert!(added.starts_with("Scheduled"), "{added}");
    h.app.clock.set(utc("2026-06-01T09:00:00Z"));
    h.tick().await;
    let daily = &h.fake.messages_in(CHANNEL)[0];
    let description = daily["embeds"][0]["description"].as_str().unwrap();
    assert!(
        description.contains("How does a change reach production here?"),
        "{daily}"
    );
    assert!(
        description.contains(&format!("*Suggested by <@{AUTHOR}>*")),
        "{description}"
    );

    // A rejection tells the member why.
    let second = suggest(&h, AUTHOR, "What is our on-call rota?", "Weekly.", "").await;
    assert!(second.contains("#2"), "{second}");
    eventually(&h, "the second suggestion is posted", |h| {
        h.fake.messages_in(MODS).len() == 2
    })
    .await;
    let second_post = message_id(&moderation_post(&h, 2));
    h.answer_to(h.fake.click_button(&admin(1), second_post, "sgr:1"))
        .await;
    let rejected = h.answer_to(h.fake.submit_modal(
        &admin(1),
        "sgrm:2",
        &[("reason", "Too specific to one team.")],
    ));
    assert!(text(&rejected.await).starts_with("Rejected suggestion #2"));
    eventually(&h, "the suggester is told again", |h| {
        h.fake.messages_in(AUTHOR ^ DM_CHANNEL_BITS).len() == 2
    })
    .await;
    let dms = h.fake.messages_in(AUTHOR ^ DM_CHANNEL_BITS);
    assert!(
        dms[1]["content"]
            .as_str()
            .unwrap()
            .contains("was not accepted by the moderators: Too specific to one team."),
        "{}",
        dms[1]
    );
    assert!(assert_nothing_pings(&h.fake, &[]) > 0);
    h.stop().await;
}

#[tokio::test]
async fn a_member_has_at_most_five_open_suggestions_and_each_is_checked() {
    let h = with_moderation().await;
    let long = "q".repeat(1001);
    let refused = suggest(&h, AUTHOR, &long, "An answer.", "").await;
    assert!(
        refused.contains("The question is 1001 characters; the limit is 1000."),
        "{refused}"
    );
    for n in 1..=5 {
        let ok = suggest(&h, AUTHOR, &format!("Question {n}?"), "An answer.", "").await;
        assert!(ok.starts_with("Thanks!"), "{ok}");
    }
    let sixth = suggest(&h, AUTHOR, "Question 6?", "An answer.", "").await;
    assert!(sixth.contains("You have 5 suggestions waiting"), "{sixth}");
    eventually(&h, "five posts", |h| h.fake.messages_in(MODS).len() == 5).await;
    // Another member is not limited by them.
    assert!(
        suggest(&h, 9, "Mine?", "Yes.", "")
            .await
            .starts_with("Thanks!")
    );
    h.stop().await;
}

#[tokio::test]
async fn a_moderation_post_discord_refused_is_posted_once_later() {
    let h = with_moderation().await;
    // Discord fails the post past every retry: the suggestion is kept, and the member told so.
    for _ in 0..8 {
        h.fake.fail_next(
            "POST",
            &format!("/channels/{MODS}/messages"),
            fake_discord::Fault::Status(502),
        );
    }
    let thanks = suggest(
        &h,
        AUTHOR,
        "Why do we pin dependencies?",
        "Reproducible builds.",
        "",
    )
    .await;
    assert!(thanks.starts_with("Thanks!"), "{thanks}");
    for _ in 0..8 {
        h.tick().await;
    }
    assert_eq!(h.fake.messages_in(MODS).len(), 1, "and only once");
    assert_eq!(h.fake.pending_faults().len(), 0);
    h.stop().await;
}

#[tokio::test]
async fn a_moderation_channel_discord_refuses_is_not_retried_until_set_again() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let moderation = |options| sub("moderation", options);
    let set = h
        .command_text(
            &admin(1),
            "deck",
            moderation(vec![opt("channel", 7, &MODS.to_string())]),
        )
        .await;
    assert!(set.contains("now go to"), "{set}");
    // The bot lost access to the channel: Discord answers 403 for good.
    let route = format!("/channels/{MODS}/messages");
    h.fake
        .fail_next("POST", &route, fake_discord::Fault::Status(403));
    let thanks = suggest(
        &h,
        AUTHOR,
        "Why do we squash commits?",
        "A readable history.",
        "",
    )
    .await;
    assert!(thanks.starts_with("Thanks!"), "{thanks}");
    let posts = || {
        h.fake
            .calls()
            .iter()
            .filter(|c| c.method == "POST" && c.path == route)
            .count()
    };
    eventually(&h, "the post was tried", |_| posts() == 1).await;
    for _ in 0..3 {
        h.tick().await;
    }
    assert_eq!(posts(), 1, "a refusal is not retried at every tick");
    let status = h.command_text(&admin(1), "deck", moderation(vec![])).await;
    assert!(
        status.contains("Discord refused to post 1 suggestion(s) there"),
        "{status}"
    );
    // Setting the channel again (the admin fixed its permissions) posts it.
    h.command_text(
        &admin(1),
        "deck",
        moderation(vec![opt("channel", 7, &MODS.to_string())]),
    )
    .await;
    eventually(&h, "posted after the channel was set again", |h| {
        h.fake.messages_in(MODS).len() == 1
    })
    .await;
    let status = h.command_text(&admin(1), "deck", moderation(vec![])).await;
    assert!(!status.contains("refused"), "{status}");
    h.stop().await;
}
