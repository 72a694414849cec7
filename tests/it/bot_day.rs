//! A day of a study group through the real bot: the fake Discord, a fresh database, a manual clock
//! and the serenity client, with the scheduler's tick driven by the test. Every assertion is on
//! what the fake recorded, that is, on what members would see.

use crate::common::harness::{
    CHANNEL, FAST, GUILD, Harness, WAIT, admin, assert_nothing_pings, member, opt, spec, spec_at,
    sub,
};
use dailydrill::discord::scheduler;
use dailydrill::domain::ids::GuildId;
use fake_discord::Fault;
use poise::serenity_prelude as serenity;
use serde_json::{Value, json};
use std::str::FromStr;

#[tokio::test]
async fn a_day_post_answer_edit_reveal_and_feedback() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    h.app
        .service
        .add_schedule(GuildId(GUILD), spec())
        .await
        .unwrap();

    // 09:00: the question is posted once, with its Answer button and a nonce.
    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    assert_eq!(h.tick().await.posted, 0, "a second tick posts nothing");
    let posted = h.fake.messages_in(CHANNEL);
    assert_eq!(posted.len(), 1);
    let post = &posted[0];
    let message_id: u64 = post["id"].as_str().unwrap().parse().unwrap();
    let button = fake_discord::first_component(post)["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(button.starts_with("ans:"), "{button}");
    let description = post["embeds"][0]["description"].as_str().unwrap();
    assert!(
        description.contains("<t:"),
        "the reveal time renders in each reader's zone"
    );
    let create = h
        .fake
        .calls()
        .into_iter()
        .find(|c| c.method == "POST" && c.path.ends_with("/messages"))
        .unwrap();
    assert_eq!(create.body["enforce_nonce"], true);
    assert!(create.body["nonce"].as_str().is_some_and(|n| n.len() <= 25));
    assert_eq!(
        create.body["allowed_mentions"]["parse"],
        serde_json::json!([])
    );

    // A member answers through the modal; the post's count is edited, not re-posted.
    let click = h.fake.click_button(&member(5), message_id, &button);
    let modal = h.answer_to(click).await;
    assert_eq!(modal["type"], 9);
    let modal_id = modal["data"]["custom_id"].as_str().unwrap().to_owned();
    let input = fake_discord::first_component(&modal["data"]);
    assert_eq!(input["max_length"], 4000);
    assert!(
        input.get("value").is_none_or(Value::is_null),
        "nothing to prefill yet"
    );
    // The form shows what was asked (the question, cut to Discord's 100 characters).
    let asked = h
        .app
        .service
        .post(
            GuildId(GUILD),
            dailydrill::domain::ids::PostId(h.latest_post_id()),
        )
        .await
        .unwrap()
        .question
        .question;
    let placeholder = input["placeholder"].as_str().unwrap_or_default();
    let shown = placeholder.trim_end_matches('…');
    assert!(
        !shown.is_empty() && asked.starts_with(shown) && placeholder.chars().count() <= 100,
        "{placeholder:?} for {asked:?}"
    );

    let submit = h.fake.submit_modal(
        &member(5),
        &modal_id,
        &[("text", "select_related makes a JOIN")],
    );
    let saved = h.answer_to(submit).await;
    assert_eq!(saved["data"]["flags"], 64, "ephemeral");
    assert!(
        saved["data"]["content"]
            .as_str()
            .unwrap()
            .starts_with("Saved. Only you can see it;")
    );
    let counted = h
        .fake
        .wait_for(WAIT, |f| {
            let footer = f.messages_in(CHANNEL)[0]["embeds"][0]["footer"]["text"]
                .as_str()?
                .to_owned();
            (footer == "1 member has answered").then_some(())
        })
        .await;
    assert!(counted.is_some(), "the post shows the answer count");
    assert_eq!(h.fake.messages_in(CHANNEL).len(), 1);

    // Clicking again prefills the earlier answer; an over-long one is refused with the limit.
    let modal = h
        .answer_to(h.fake.click_button(&member(5), message_id, &button))
        .await;
    assert_eq!(
        fake_discord::first_component(&modal["data"])["value"],
        "select_related makes a JOIN"
    );
    let long = "x".repeat(4001);
    let refused = h
        .answer_to(
            h.fake
                .submit_modal(&member(5), &modal_id, &[("text", &long)]),
        )
        .await;
    assert!(
        refused["data"]["content"]
            .as_str()
            .unwrap()
            .contains("the limit is 4000"),
        "{refused}"
    );

    // The reveal: a thread opens on the question with the model answer in it; the channel gets
    // one short notice with the My feedback button.
    h.app.clock.set(crate::common::utc("2026-06-02T08:59:59Z"));
    assert_eq!(h.tick().await.revealed, 0);
    h.app.clock.set(crate::common::utc("2026-06-02T09:00:00Z"));
    let report = h.tick().await;
    assert_eq!((report.revealed, report.failed), (1, 0));
    let is_reveal = |text: &Value| {
        text.as_str()
            .is_some_and(|t| t.starts_with("**Model answer**"))
    };
    assert!(
        h.fake
            .calls()
            .iter()
            .any(|c| c.path.ends_with(&format!("/messages/{message_id}/threads"))),
        "a thread was started from the question"
    );
    // A thread started from a message shares its id.
    let thread = h.fake.messages_in(message_id);
    // It opens with how the group did (one answer: no breakdown to tell it apart), then the
    // model answer.
    assert_eq!(
        thread[0]["content"],
        "**How the group did** · 1 member answered.\nThe share who covered each key point shows from 3 answers, so that nobody's answer can be told apart.",
        "{thread:?}"
    );
    assert!(
        is_reveal(&thread[1]["content"]),
        "the model answer follows: {thread:?}"
    );
    assert!(
        thread.iter().any(|m| m["content"]
            .as_str()
            .is_some_and(|t| t.contains("**An interviewer might ask next**\n- "))),
        "the model answer ends with the question's follow-ups"
    );
    let in_thread: Vec<Value> = h
        .fake
        .calls()
        .into_iter()
        .filter(|c| {
            c.method == "POST"
                && c.path
                    .ends_with(&format!("/channels/{message_id}/messages"))
        })
        .map(|c| c.body)
        .collect();
    assert_eq!(in_thread.len(), thread.len());
    assert!(
        in_thread
            .iter()
            .all(|b| b["allowed_mentions"]["parse"] == json!([])),
        "the model answer pings nobody"
    );
    // The same 09:00 tick also posted the next day's question; in the channel, the reveal is one
    // short notice, in reply to the question, linking the thread.
    let messages = h.fake.messages_in(CHANNEL);
    assert!(
        !messages.iter().any(|m| is_reveal(&m["content"])),
        "no model answer in the channel"
    );
    let notices: Vec<&Value> = messages
        .iter()
        .filter(|m| {
            m["content"]
                .as_str()
                .is_some_and(|t| t.starts_with("**Answers are closed.**"))
        })
        .collect();
    assert_eq!(notices.len(), 1, "{messages:?}");
    assert!(
        notices[0]["content"]
            .as_str()
            .unwrap()
            .contains(&format!("<#{message_id}>")),
        "the notice links the thread"
    );
    let notice_body = h
        .fake
        .calls()
        .into_iter()
        .find(|c| {
            c.method == "POST"
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("**Answers are closed.**"))
        })
        .map(|c| c.body)
        .unwrap();
    assert_eq!(
        notice_body["message_reference"]["message_id"],
        message_id.to_string(),
        "replies to the question"
    );
    assert_eq!(notice_body["allowed_mentions"]["parse"], json!([]));
    // The question itself now says answers are closed, with the final count, its button greyed.
    let question = h.fake.message(message_id).unwrap();
    assert_eq!(
        question["embeds"][0]["footer"]["text"],
        "Answers closed · 1 member answered"
    );
    assert!(
        question["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("Answers are closed"),
        "{question}"
    );
    let closed = fake_discord::first_component(&question);
    assert_eq!(
        (&closed["label"], &closed["disabled"]),
        (&json!("Answers closed"), &json!(true))
    );
    let last = messages
        .iter()
        .rev()
        .find(|m| {
            fake_discord::first_component(m)["custom_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("fb:"))
        })
        .expect("a My feedback button");
    let feedback_button = fake_discord::first_component(last)["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let feedback = h
        .answer_to(h.fake.click_button(&member(5), 1, &feedback_button))
        .await;
    let text = feedback["data"]["content"].as_str().unwrap();
    assert!(
        text.contains("Covered") && text.contains("Streak:** 1"),
        "{text}"
    );
    assert_eq!(feedback["data"]["flags"], 64);

    // After the reveal, answers are closed.
    let late = h
        .answer_to(
            h.fake
                .submit_modal(&member(6), &modal_id, &[("text", "late")]),
        )
        .await;
    assert!(
        late["data"]["content"]
            .as_str()
            .unwrap()
            .contains("closed at the reveal"),
        "{late}"
    );
    h.stop().await;
}

#[tokio::test]
async fn an_answer_count_edit_due_after_the_reveal_keeps_the_post_closed() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec()).await;
    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    let post = h.fake.messages_in(CHANNEL).remove(0);
    let message_id: u64 = post["id"].as_str().unwrap().parse().unwrap();
    let button = fake_discord::first_component(&post)["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The last answer comes a second before the reveal; its count edit is still pending when
    // the reveal closes the post.
    h.app.clock.set(crate::common::utc("2026-06-02T08:59:59Z"));
    let modal = h
        .answer_to(h.fake.click_button(&member(5), message_id, &button))
        .await;
    let modal_id = modal["data"]["custom_id"].as_str().unwrap().to_owned();
    h.answer_to(
        h.fake
            .submit_modal(&member(5), &modal_id, &[("text", "the GIL")]),
    )
    .await;
    h.app.clock.set(crate::common::utc("2026-06-02T09:00:00Z"));
    assert_eq!(h.tick().await.revealed, 1);

    // Once the count edit has run too, the post is still closed, with the final count.
    let edits = |f: &fake_discord::FakeDiscord| {
        f.calls()
            .iter()
            .filter(|c| c.method == "PATCH" && c.path.ends_with(&format!("/messages/{message_id}")))
            .count()
    };
    let both = h
        .fake
        .wait_for(WAIT, |f| (edits(f) >= 2).then_some(()))
        .await;
    assert!(both.is_some(), "the count edit and the closing edit ran");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(edits(&h.fake), 2, "one count edit, one closing edit");
    let question = h.fake.message(message_id).unwrap();
    assert_eq!(fake_discord::first_component(&question)["disabled"], true);
    assert_eq!(
        question["embeds"][0]["footer"]["text"],
        "Answers closed · 1 member answered"
    );
    h.stop().await;
}

#[tokio::test]
async fn a_post_resent_after_a_crash_is_not_doubled() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    h.app
        .service
        .add_schedule(GuildId(GUILD), spec())
        .await
        .unwrap();
    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    // The post row is committed, then the "crash": Discord got the message but the bot never
    // recorded its id, so at start the post counts as unsent.
    let post = h.app.service.post_due().await.unwrap().posted.remove(0);
    let channel = serenity::ChannelId::new(CHANNEL);
    channel
        .send_message(&h.http, dailydrill::discord::render::post_message(&post))
        .await
        .unwrap();
    assert_eq!(h.app.service.unsent_posts().await.unwrap().len(), 1);

    scheduler::resend_unsent(&h.http, &h.app.service, &h.outbox).await;
    assert_eq!(
        h.fake.messages_in(CHANNEL).len(),
        1,
        "the nonce returned the first message"
    );
    assert!(
        h.app.service.unsent_posts().await.unwrap().is_empty(),
        "and its id is now recorded"
    );
    h.stop().await;
}

#[tokio::test]
async fn admins_manage_schedules_and_members_are_refused() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let add = || {
        sub(
            "add",
            vec![
                opt("channel", 7, &CHANNEL.to_string()),
                opt("time", 3, "09:00"),
                opt("timezone", 3, "Europe/Berlin"),
                opt("tracks", 3, "django"),
            ],
        )
    };
    // A member without Manage Server is refused, even though Discord delivered the command.
    let refused = h.command_text(&member(3), "schedule", add()).await;
    assert!(refused.contains("Manage Server"), "{refused}");
    assert!(
        h.app
            .service
            .list_schedules(GuildId(GUILD))
            .await
            .unwrap()
            .is_empty(),
        "nothing changed"
    );

    let added = h.command_text(&admin(1), "schedule", add()).await;
    assert!(
        added.starts_with("Scheduled: #1 in <#77>: 09:00 Europe/Berlin (django), reveal 24h"),
        "{added}"
    );
    let bad = sub(
        "add",
        vec![
            opt("channel", 7, "77"),
            opt("time", 3, "9am"),
            opt("timezone", 3, "UTC"),
        ],
    );
    assert!(
        h.command_text(&admin(1), "schedule", bad)
            .await
            .contains("HH:MM")
    );
    let bad = sub(
        "add",
        vec![
            opt("channel", 7, "77"),
            opt("time", 3, "09:00"),
            opt("timezone", 3, "Berlin"),
        ],
    );
    let text = h.command_text(&admin(1), "schedule", bad).await;
    assert!(
        text.contains("unknown time zone") && text.contains("Europe/Berlin"),
        "{text}"
    );

    let list = h
        .command_text(&admin(1), "schedule", sub("list", vec![]))
        .await;
    assert!(
        list.contains("#1 in <#77>") && list.contains("<t:"),
        "{list}"
    );
    let paused = h
        .command_text(
            &admin(1),
            "schedule",
            sub("pause", vec![opt("schedule", 4, "1")]),
        )
        .await;
    assert!(paused.contains("paused"), "{paused}");
    let resumed = h
        .command_text(
            &admin(1),
            "schedule",
            sub("resume", vec![opt("schedule", 4, "1")]),
        )
        .await;
    assert!(!resumed.contains("paused"), "{resumed}");
    // /schedule remove asks first, saying what goes; only Manage Server confirms.
    let asked = h.fake.slash_command(
        &admin(1),
        "schedule",
        sub("remove", vec![opt("schedule", 4, "1")]),
    );
    let ask = h.answer_to(asked).await;
    assert_eq!(ask["data"]["flags"], 64);
    let question = ask["data"]["content"].as_str().unwrap();
    assert!(
        question.starts_with("Removing schedule #1 (<#77>) deletes it with its 0 post(s)"),
        "{question}"
    );
    let button = fake_discord::first_component(&ask["data"])["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(button, "rmsched:1");
    let forwarded = h
        .answer_to(h.fake.click_button(&member(3), 1, &button))
        .await;
    assert_eq!(
        forwarded["data"]["content"],
        "You need the Manage Server permission to remove a schedule."
    );
    let still = h
        .command_text(&admin(1), "schedule", sub("list", vec![]))
        .await;
    assert!(
        still.contains("#1 in <#77>"),
        "a forwarded button removed nothing: {still}"
    );
    let confirmed = h
        .answer_to(h.fake.click_button(&admin(1), 1, &button))
        .await;
    assert_eq!(confirmed["type"], 7, "the question is updated in place");
    assert_eq!(
        confirmed["data"]["content"],
        "Schedule #1 removed, with 0 post(s), 0 answer(s) and 0 member streak(s)."
    );
    let twice = h
        .answer_to(h.fake.click_button(&admin(1), 1, &button))
        .await;
    assert!(
        twice["data"]["content"]
            .as_str()
            .unwrap()
            .contains("no schedule #1"),
        "{twice}"
    );
    let again = h
        .command_text(
            &admin(1),
            "schedule",
            sub("remove", vec![opt("schedule", 4, "1")]),
        )
        .await;
    assert!(again.contains("no schedule #1"), "{again}");
    h.stop().await;
}

#[tokio::test]
async fn post_now_reveal_now_and_skip_act_on_the_channel() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let s = h
        .app
        .service
        .add_schedule(GuildId(GUILD), spec())
        .await
        .unwrap();
    let which = || serde_json::json!([{ "name": "schedule", "type": 4, "value": s.id.0 }]);

    assert!(
        h.command_text(&member(3), "post-now", which())
            .await
            .contains("Manage Server")
    );
    assert!(h.fake.messages_in(CHANNEL).is_empty());

    assert_eq!(
        h.command_text(&admin(1), "post-now", which()).await,
        "Posted in <#77>."
    );
    let posted = h.fake.messages_in(CHANNEL);
    assert_eq!(posted.len(), 1);
    assert!(
        fake_discord::first_component(&posted[0])["custom_id"]
            .as_str()
            .unwrap()
            .starts_with("ans:")
    );

    let revealed = h.command_text(&admin(1), "reveal-now", which()).await;
    assert_eq!(revealed, "Revealed; 0 answer(s) scored.");
    assert_eq!(crate::common::channel::model_answers(&h.fake, CHANNEL), 1);
    assert_eq!(crate::common::channel::reveal_notices(&h.fake, CHANNEL), 1);
    let nothing = h.command_text(&admin(1), "skip", which()).await;
    assert!(nothing.contains("no question open"), "{nothing}");

    h.command_text(&admin(1), "post-now", which()).await;
    let skipped = h.command_text(&admin(1), "skip", which()).await;
    assert!(skipped.starts_with("Skipped"), "{skipped}");
    h.stop().await;
}

#[tokio::test]
async fn member_commands_answer_privately() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let help = h
        .command_text(&member(3), "help", serde_json::json!([]))
        .await;
    for part in [
        "Answer",
        "**Points:** 10",
        "**freeze**",
        "Quizzes are practice",
        "`/suggest`",
    ] {
        assert!(help.contains(part), "{part:?} in {help}");
    }
    assert!(
        help.ends_with("(the server's own decks and suggestions)."),
        "whole, not clipped to one message: {help}"
    );
    assert!(help.chars().count() <= 2000, "{help}");
    assert!(
        h.command_text(&member(3), "streak", serde_json::json!([]))
            .await
            .starts_with("No streak yet")
    );
    let stats = h
        .command_text(&member(3), "stats", serde_json::json!([]))
        .await;
    assert!(stats.contains("**0** points"), "{stats}");
    let board = h
        .command_text(&member(3), "leaderboard", serde_json::json!([]))
        .await;
    assert!(
        board.contains("Leaderboard") && board.contains("Nobody has scored yet"),
        "{board}"
    );
    assert!(
        !board.contains("Ties go to more answers"),
        "no tie, no tie-break footer: {board}"
    );
    h.stop().await;
}

#[tokio::test]
async fn a_quiz_is_answered_privately_and_scored_at_once() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    // poise registers choice parameters as integers: 2 is "Hard".
    let options = serde_json::json!([opt("track", 3, "python"), { "name": "difficulty", "type": 4, "value": 2 }]);
    let id = h.fake.slash_command(&member(4), "quiz", options);
    let shown = h.answer_to(id).await;
    assert_eq!(
        (shown["type"].as_u64(), shown["data"]["flags"].as_u64()),
        (Some(4), Some(64))
    );
    assert_eq!(
        shown["data"]["embeds"][0]["title"],
        "Practice · Python · hard"
    );
    let description = shown["data"]["embeds"][0]["description"].as_str().unwrap();
    let question = h
        .app
        .corpus
        .questions()
        .iter()
        .find(|q| description.starts_with(&q.question))
        .expect("the embed shows a corpus question");
    assert_eq!(
        (question.track.as_str(), question.difficulty.as_str()),
        ("python", "hard")
    );

    let button = fake_discord::first_component(&shown["data"])["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let modal = h
        .answer_to(h.fake.click_button(&member(4), 1, &button))
        .await;
    assert_eq!(modal["type"], 9);
    let modal_id = modal["data"]["custom_id"].as_str().unwrap().to_owned();
    let answer = crate::common::full_answer(question);
    let submit = h
        .fake
        .submit_modal(&member(4), &modal_id, &[("text", &answer)]);
    let result = h.answer_to(submit).await;
    let text = result["data"]["content"].as_str().unwrap();
    assert!(
        text.starts_with("**Grade 4/4 (excellent) · score 100/100**"),
        "{text}"
    );
    assert_eq!(result["data"]["flags"], 64);
    // The model answer follows, privately, in as many messages as it needs.
    let token = h.fake.interaction_token(submit).unwrap();
    let followups_so_far = |fake: &fake_discord::FakeDiscord| -> Vec<Value> {
        fake.calls()
            .into_iter()
            .filter(|c| c.method == "POST" && c.path.ends_with(&format!("/{token}")))
            .map(|c| c.body)
            .collect()
    };
    let shown = |followups: &[Value]| {
        text.len()
            + followups
                .iter()
                .map(|f| f["content"].as_str().unwrap_or("").len())
                .sum::<usize>()
    };
    // The follow-ups are sent after the reply: wait for them.
    let followups = h
        .fake
        .wait_for(WAIT, |f| {
            let sent = followups_so_far(f);
            (shown(&sent) > question.answer.len()).then_some(sent)
        })
        .await
        .expect("the whole model answer was shown");
    assert!(followups.iter().all(|f| f["flags"] == 64));

    let again = h
        .answer_to(
            h.fake
                .submit_modal(&member(4), &modal_id, &[("text", "again")]),
        )
        .await;
    assert!(
        again["data"]["content"]
            .as_str()
            .unwrap()
            .contains("already answered"),
        "{again}"
    );
    let stats = h
        .command_text(&member(4), "stats", serde_json::json!([]))
        .await;
    assert!(
        stats.contains("1 practice quiz(zes) averaging 100/100"),
        "{stats}"
    );
    h.stop().await;
}

#[tokio::test]
async fn question_shows_the_open_post_and_edit_changes_a_schedule() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let text = h
        .command_text(&member(3), "question", serde_json::json!([]))
        .await;
    assert!(text.starts_with("No question is open"), "{text}");

    let s = h
        .app
        .service
        .add_schedule(GuildId(GUILD), spec())
        .await
        .unwrap();
    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    h.tick().await;
    let shown = h
        .answer_to(
            h.fake
                .slash_command(&member(3), "question", serde_json::json!([])),
        )
        .await;
    assert_eq!(shown["data"]["flags"], 64);
    assert_eq!(shown["data"]["embeds"].as_array().unwrap().len(), 1);
    let button = fake_discord::first_component(&shown["data"])["custom_id"]
        .as_str()
        .unwrap();
    assert!(button.starts_with("ans:"), "{button}");

    let edit = sub(
        "edit",
        vec![
            opt("schedule", 4, &s.id.0.to_string()),
            opt("time", 3, "10:30"),
        ],
    );
    let updated = h.command_text(&admin(1), "schedule", edit).await;
    assert!(
        updated.starts_with(&format!("Updated: #{} in <#77>: 10:30 UTC", s.id)),
        "{updated}"
    );
    let refused = sub(
        "edit",
        vec![
            opt("schedule", 4, &s.id.0.to_string()),
            opt("time", 3, "11:00"),
        ],
    );
    assert!(
        h.command_text(&member(3), "schedule", refused)
            .await
            .contains("Manage Server")
    );
    assert_eq!(
        h.app.service.list_schedules(GuildId(GUILD)).await.unwrap()[0]
            .time
            .to_string(),
        "10:30"
    );
    h.stop().await;
}

#[tokio::test]
async fn a_restart_between_post_and_reveal_loses_nothing_and_posts_nothing_twice() {
    let mut h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    let post = h.latest_post_id();
    assert!(
        h.answer(5, post, "select_related joins the author")
            .await
            .starts_with("Saved.")
    );

    h.restart().await;
    assert_eq!(
        h.tick().await.posted,
        0,
        "the day's post is not made again after a restart"
    );
    assert!(
        h.answer(5, post, "select_related does a SQL JOIN")
            .await
            .starts_with("Saved."),
        "still editable"
    );
    assert!(
        h.answer(6, post, "prefetch_related")
            .await
            .starts_with("Saved.")
    );
    let questions = h.fake.messages_in(CHANNEL).len();
    assert_eq!(questions, 1);

    h.app.clock.set(crate::common::utc("2026-06-01T21:00:00Z"));
    assert_eq!(h.tick().await.revealed, 1);
    let feedback = h
        .app
        .service
        .feedback(
            GuildId(GUILD),
            dailydrill::domain::ids::PostId(post),
            dailydrill::domain::ids::UserId(5),
        )
        .await
        .unwrap();
    assert!(
        feedback.answered,
        "the answer acknowledged before the restart was kept and scored"
    );
    h.stop().await;
}

#[tokio::test]
async fn thirty_days_through_the_bot_keep_streaks_and_freezes() {
    // Thirty days of some 360 REST calls run as fast as the bot's pacing allows, against the
    // fake's real global limit of 50 per second: not one request may be refused.
    let h = Harness::with_schedule("2026-03-01T08:00:00Z", spec_at("21:00")).await;
    let (a, b, c) = (21, 22, 23);
    for day in 0..30 {
        let n = day + 1;
        let morning = crate::common::utc("2026-03-01T09:00:00Z") + chrono::Duration::days(day);
        h.app.clock.set(morning);
        assert_eq!(h.tick().await.posted, 1, "day {n}");
        let post = h.latest_post_id();
        for (user, answers) in [(a, true), (b, n != 8), (c, n != 6)] {
            if answers {
                assert!(
                    h.answer(user, post, "my answer")
                        .await
                        .starts_with("Saved."),
                    "day {n}"
                );
            }
        }
        h.app.clock.set(morning + chrono::Duration::hours(12));
        assert_eq!(h.tick().await.revealed, 1, "day {n}");
    }
    assert_eq!(
        h.command_text(&member(a), "streak", serde_json::json!([]))
            .await,
        "Schedule #1: **30** answered in a row (longest 30); 2 freeze(s) in reserve, each keeps the streak through a missed day"
    );
    assert_eq!(
        h.command_text(&member(b), "streak", serde_json::json!([]))
            .await,
        "Schedule #1: **29** answered in a row (longest 29); 2 freeze(s) in reserve, each keeps the streak through a missed day",
        "a freeze covered day 8"
    );
    assert_eq!(
        h.command_text(&member(c), "streak", serde_json::json!([]))
            .await,
        "Schedule #1: **24** answered in a row (longest 24); 2 freeze(s) in reserve, each keeps the streak through a missed day",
        "day 6 broke it"
    );
    let board = h
        .command_text(
            &member(a),
            "leaderboard",
            serde_json::json!([{ "name": "period", "type": 4, "value": 2 }]),
        )
        .await;
    assert!(board.contains(&format!("1. <@{a}>")), "{board}");
    assert!(board.contains("30 answers"), "{board}");
    assert_eq!(h.fake.global_limit_violations(), 0, "paced under the limit");
    assert_eq!(h.fake.invalid_requests(), 0);
    h.stop().await;
}

#[tokio::test]
async fn a_schedules_role_is_mentioned_by_its_posts_and_nothing_else_pings() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let add = sub(
        "add",
        vec![
            opt("channel", 7, &CHANNEL.to_string()),
            opt("time", 3, "09:00"),
            opt("timezone", 3, "UTC"),
            opt("role", 8, "555"),
        ],
    );
    let added = h.command_text(&admin(1), "schedule", add).await;
    assert!(added.contains("mentions <@&555>"), "{added}");
    // The reply comes after a deferral (the bot checks its permissions in the channel first).
    let reply = h
        .fake
        .calls()
        .into_iter()
        .rev()
        .find(|c| c.path.contains("/webhooks/") || c.path.contains("/callback"))
        .unwrap();
    let body = reply.body.get("data").unwrap_or(&reply.body);
    assert!(
        body["content"]
            .as_str()
            .unwrap_or_default()
            .contains("mentions <@&555>")
    );
    assert_eq!(
        body["allowed_mentions"]["roles"],
        serde_json::json!([]),
        "the confirmation pings nobody"
    );

    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    let create = h
        .fake
        .calls()
        .into_iter()
        .find(|c| c.method == "POST" && c.path.ends_with("/messages"))
        .unwrap();
    assert_eq!(create.body["content"], "<@&555>");
    assert_eq!(
        create.body["allowed_mentions"]["roles"],
        serde_json::json!(["555"]),
        "only that role"
    );
    assert_eq!(
        create.body["allowed_mentions"]["parse"],
        serde_json::json!([]),
        "no @everyone, no users"
    );
    h.stop().await;
}

fn model_answers(h: &Harness) -> usize {
    crate::common::channel::model_answers(&h.fake, CHANNEL)
}

fn threads_opened(h: &Harness) -> usize {
    crate::common::channel::threads_opened(&h.fake)
}

#[tokio::test]
async fn a_reveal_discord_refused_for_now_is_sent_at_the_next_tick_once() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    let post = h.latest_post_id();
    assert!(h.answer(31, post, "my answer").await.starts_with("Saved."));

    // Discord answers 502 to every attempt of this tick: the reveal is committed (and scored)
    // but its message is not out.
    let route = format!("/channels/{CHANNEL}/messages");
    for _ in 0..FAST.attempts {
        h.fake.fail_next("POST", &route, Fault::Status(502));
    }
    h.app.clock.set(crate::common::utc("2026-06-01T21:00:00Z"));
    let report = h.tick().await;
    assert_eq!((report.revealed, report.failed), (0, 1));
    assert_eq!(model_answers(&h), 0);
    assert_eq!(h.app.service.unsent_reveals().await.unwrap().len(), 1);

    // The next tick sends it, once, with its thread; the one after has nothing left to do.
    let report = h.tick().await;
    assert_eq!((report.revealed, report.failed), (1, 0));
    assert_eq!(h.tick().await, scheduler::TickReport::default());
    assert_eq!(model_answers(&h), 1);
    assert_eq!(threads_opened(&h), 1);
    let feedback = h
        .app
        .service
        .feedback(
            GuildId(GUILD),
            dailydrill::domain::ids::PostId(post),
            dailydrill::domain::ids::UserId(31),
        )
        .await
        .unwrap();
    assert!(
        feedback.answered,
        "the answer was scored once, at the reveal"
    );
    h.stop().await;
}

#[tokio::test]
async fn a_reveal_interrupted_by_a_crash_is_completed_without_doubling() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);

    // The reveal is committed, its thread opened and the model answer's first part reached the
    // thread, then the process died before the notice and before recording the reveal as sent.
    h.app.clock.set(crate::common::utc("2026-06-01T21:00:00Z"));
    let reveal = h.app.service.reveal_due().await.unwrap().remove(0);
    let question = reveal.question.as_ref().unwrap();
    let message = reveal.message_id.unwrap();
    serenity::ChannelId::new(CHANNEL)
        .create_thread_from_message(
            &h.http,
            serenity::MessageId::new(message),
            serenity::CreateThread::new("Discuss"),
        )
        .await
        .unwrap();
    let first =
        dailydrill::discord::render::reveal_messages(question, None, reveal.post.0).remove(0);
    serenity::ChannelId::new(message)
        .send_message(&h.http, first)
        .await
        .unwrap();

    scheduler::resend_unsent(&h.http, &h.app.service, &h.outbox).await;
    assert_eq!(
        model_answers(&h),
        1,
        "the nonce returned the part already sent"
    );
    assert_eq!(
        threads_opened(&h),
        1,
        "the thread already there (160004) is used, not a second one"
    );
    assert_eq!(crate::common::channel::reveal_notices(&h.fake, CHANNEL), 1);
    assert!(h.app.service.unsent_reveals().await.unwrap().is_empty());

    // A crash after the thread but before the reveal was recorded as sent: the next pass sends
    // the parts again (their nonces return the messages already there), and Discord's 160004
    // for the thread already there is not an error.
    use sqlx::Connection as _;
    let mut conn = sqlx::SqliteConnection::connect(h.app.url.as_str())
        .await
        .unwrap();
    sqlx::query("UPDATE posts SET reveal_sent_at = NULL WHERE id = ?")
        .bind(reveal.post.0)
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    assert_eq!(h.app.service.unsent_reveals().await.unwrap().len(), 1);
    let sent = h
        .outbox
        .deliver(
            &h.http,
            &h.app.service,
            dailydrill::discord::outbox::Parcel::Reveal(reveal.post),
        )
        .await
        .unwrap();
    assert_eq!(sent, dailydrill::discord::outbox::Sent::Now);
    assert!(h.app.service.unsent_reveals().await.unwrap().is_empty());
    assert_eq!(model_answers(&h), 1);
    assert_eq!(threads_opened(&h), 1);
    assert_eq!(
        crate::common::channel::reveal_notices(&h.fake, CHANNEL),
        1,
        "the notice's nonce returned the one already sent"
    );
    h.stop().await;
}

#[tokio::test]
async fn a_delivery_refused_for_good_is_recorded_and_not_retried() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    // The bot lost access to the channel: 403 Missing Access.
    let route = format!("/channels/{CHANNEL}/messages");
    h.fake.fail_next("POST", &route, Fault::Status(403));
    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    let report = h.tick().await;
    assert_eq!((report.posted, report.failed), (0, 1));
    let attempts = |h: &Harness| {
        h.fake
            .calls()
            .iter()
            .filter(|c| c.method == "POST" && c.path == format!("/channels/{CHANNEL}/messages"))
            .count()
    };
    assert_eq!(attempts(&h), 1, "a 403 is not repeated");
    for _ in 0..3 {
        assert_eq!(h.tick().await, scheduler::TickReport::default());
    }
    assert_eq!(attempts(&h), 1, "nor retried at later ticks");
    assert_eq!(h.fake.invalid_requests(), 1);
    assert!(h.app.service.unsent_posts().await.unwrap().is_empty());
    h.stop().await;
}

#[tokio::test]
async fn a_member_exports_and_deletes_their_own_data_and_no_one_elses() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    let (me, other) = (41, 42);
    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    let first = h.latest_post_id();
    assert!(
        h.answer(me, first, "mine: the GIL")
            .await
            .starts_with("Saved.")
    );
    assert!(
        h.answer(other, first, "theirs: asyncio")
            .await
            .starts_with("Saved.")
    );
    h.app.clock.set(crate::common::utc("2026-06-01T21:00:00Z"));
    assert_eq!(h.tick().await.revealed, 1);
    h.app.clock.set(crate::common::utc("2026-06-02T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    let open = h.latest_post_id();
    assert!(
        h.answer(me, open, "mine, still open")
            .await
            .starts_with("Saved.")
    );

    // /my-data: a JSON file only the member sees, with their answers and nothing of others.
    let id = h
        .fake
        .slash_command(&member(me), "my-data", serde_json::json!([]));
    let reply = h.answer_to(id).await;
    assert_eq!(reply["data"]["flags"], 64, "ephemeral");
    assert!(
        reply["data"]["content"]
            .as_str()
            .unwrap()
            .contains("2 answer(s)")
    );
    let file = &reply["data"]["attachments"][0];
    assert!(file["filename"].as_str().unwrap().ends_with(".json"));
    let export: Value = serde_json::from_str(file["_content"].as_str().unwrap()).unwrap();
    assert_eq!(export["user_id"], me.to_string());
    let bodies: Vec<&str> = export["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["answer"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["mine: the GIL", "mine, still open"]);
    assert!(
        export["answers"][0]["points"].as_i64().unwrap() >= 10,
        "scored"
    );
    assert!(export["answers"][1]["points"].is_null(), "not revealed yet");
    assert!(!export["leaderboard"].as_array().unwrap().is_empty());
    assert!(!export.to_string().contains("theirs"), "no one else's data");

    let footer_of = |fake: &fake_discord::FakeDiscord, text: &str| {
        let button = format!("ans:{open}");
        fake.messages_in(CHANNEL)
            .into_iter()
            .find(|m| fake_discord::first_component(m)["custom_id"] == button.as_str())
            .filter(|m| m["embeds"][0]["footer"]["text"] == text)
    };
    let counted = h
        .fake
        .wait_for(WAIT, |f| footer_of(f, "1 member has answered"))
        .await;
    assert!(counted.is_some(), "the open question counts the answer");
    // /forget-me asks first; the button only works for the member it was made for.
    let id = h
        .fake
        .slash_command(&member(me), "forget-me", serde_json::json!([]));
    let ask = h.answer_to(id).await;
    assert_eq!(ask["data"]["flags"], 64);
    let button = fake_discord::first_component(&ask["data"])["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(button, format!("forget:{me}"));
    let stolen = h.fake.click_button(&member(other), 1, &button);
    let refused = h.answer_to(stolen).await;
    assert!(
        refused["data"]["content"]
            .as_str()
            .unwrap()
            .contains("belongs to someone else")
    );
    let guild = GuildId(GUILD);
    let kept = h
        .app
        .service
        .my_data(guild, dailydrill::domain::ids::UserId(me))
        .await
        .unwrap();
    assert_eq!(kept.answers.len(), 2, "a forwarded button deleted nothing");

    let confirm = h.fake.click_button(&member(me), 1, &button);
    let done = h.answer_to(confirm).await;
    assert_eq!(
        done["type"], 7,
        "the confirmation message is updated in place"
    );
    let text = done["data"]["content"].as_str().unwrap();
    assert!(
        text.starts_with("Deleted: 2 answer(s), 0 quiz(zes), 1 streak(s)"),
        "{text}"
    );
    let gone = h
        .app
        .service
        .my_data(guild, dailydrill::domain::ids::UserId(me))
        .await
        .unwrap();
    assert!(gone.answers.is_empty() && gone.streaks.is_empty() && gone.leaderboard.is_empty());
    let theirs = h
        .app
        .service
        .my_data(guild, dailydrill::domain::ids::UserId(other))
        .await
        .unwrap();
    assert_eq!(theirs.answers.len(), 1, "the other member keeps everything");
    let board = h
        .command_text(&member(other), "leaderboard", serde_json::json!([]))
        .await;
    assert!(!board.contains(&format!("<@{me}>")), "{board}");
    // The open question's count no longer includes the deleted answer.
    let counted = h
        .fake
        .wait_for(WAIT, |f| footer_of(f, "No answers yet"))
        .await;
    assert!(counted.is_some(), "the count was refreshed");
    h.stop().await;
}

#[tokio::test]
async fn past_lists_revealed_questions_and_shows_one_with_its_model_answer_privately() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    let before = h.command_text(&member(5), "past", json!([])).await;
    assert!(
        before.starts_with("No question has been revealed"),
        "{before}"
    );

    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    let open = h.command_text(&member(5), "past", json!([])).await;
    assert!(
        open.starts_with("No question has been revealed"),
        "an open question is not past: {open}"
    );
    h.app.clock.set(crate::common::utc("2026-06-01T21:00:00Z"));
    assert_eq!(h.tick().await.revealed, 1);

    let list = h.command_text(&member(5), "past", json!([])).await;
    assert!(
        list.starts_with("**Earlier questions** (newest first, page 1/1)"),
        "{list}"
    );
    assert!(list.contains("**#1** · 2026-06-01 · "), "{list}");
    assert!(list.contains("`/past number:N`"), "{list}");

    // One question: its text, the model answer and the follow-ups, in private parts.
    let id = h
        .fake
        .slash_command(&member(5), "past", json!([opt("number", 4, "1")]));
    let first = h.answer_to(id).await;
    assert_eq!(first["data"]["flags"], 64, "private");
    let head = first["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(head.starts_with("**#1 · 2026-06-01 · "), "{head}");
    assert!(head.contains("**Model answer**"), "{head}");
    let rest = h
        .fake
        .wait_for(WAIT, |f| {
            let parts: Vec<String> = f
                .follow_ups(id)
                .iter()
                .map(|p| p["content"].as_str().unwrap_or_default().to_owned())
                .collect();
            let all = parts.concat();
            all.contains("**An interviewer might ask next**")
                .then_some(parts)
        })
        .await
        .unwrap_or_default();
    let whole = format!("{head}{}", rest.concat());
    assert!(
        whole.contains("**An interviewer might ask next**"),
        "follow-ups end the model answer: {whole}"
    );
    for part in &rest {
        assert!(part.chars().count() <= 2000);
    }
    for follow_up in h.fake.follow_ups(id) {
        assert_eq!(follow_up["flags"], 64, "every part is private");
    }

    let missing = h
        .command_text(&member(5), "past", json!([opt("number", 4, "7")]))
        .await;
    assert!(
        missing.contains("There is no earlier question #7; this server has revealed 1"),
        "{missing}"
    );
    h.stop().await;
}

/// Practises a question in `/quiz` through the bot: the command, the Answer button, the form.
async fn practise(h: &Harness, user: u64, track: &str) -> String {
    let id = h
        .fake
        .slash_command(&member(user), "quiz", json!([opt("track", 3, track)]));
    let shown = h.answer_to(id).await;
    let description = shown["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let button = fake_discord::first_component(&shown["data"])["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let modal = h
        .answer_to(h.fake.click_button(&member(user), 1, &button))
        .await;
    let modal_id = modal["data"]["custom_id"].as_str().unwrap().to_owned();
    let submit = h
        .fake
        .submit_modal(&member(user), &modal_id, &[("text", "A practice answer.")]);
    h.answer_to(submit).await;
    description
}

#[tokio::test]
async fn a_question_practised_in_a_quiz_earns_no_score_points_as_the_daily_question() {
    let security = dailydrill::corpus::TrackId::from_str("security").unwrap();
    let spec = dailydrill::service::ScheduleSpec {
        tracks: vec![security.clone()],
        ..spec_at("21:00")
    };
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec).await;
    // Member 7 practises every question of the track, so tomorrow's is one of them.
    let track_size = h
        .app
        .corpus
        .questions()
        .iter()
        .filter(|q| q.track == security)
        .count();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..track_size {
        seen.insert(practise(&h, 7, "security").await);
    }
    assert_eq!(
        seen.len(),
        track_size,
        "a quiz prefers questions not yet practised"
    );

    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    let post = h.latest_post_id();
    let view = h
        .app
        .service
        .post(GuildId(GUILD), dailydrill::domain::ids::PostId(post))
        .await
        .unwrap();
    let answer = crate::common::full_answer(&view.question);
    for user in [7, 8] {
        h.answer(user, post, &answer).await;
    }
    h.app.clock.set(crate::common::utc("2026-06-01T21:00:00Z"));
    assert_eq!(h.tick().await.revealed, 1);

    let feedback_button = format!("fb:{post}");
    let click = h.fake.click_button(&member(7), 1, &feedback_button);
    let practised = h.answer_to(click).await["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        practised.contains(
            "**Points:** 10 (for answering only: you saw this model answer in a practice quiz"
        ),
        "{practised}"
    );
    assert!(
        practised.contains("score 100/100"),
        "the grade is the answer's own: {practised}"
    );
    let click = h.fake.click_button(&member(8), 1, &feedback_button);
    let fresh = h.answer_to(click).await["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(fresh.contains("**Points:** 30 ·"), "{fresh}");

    let board = h
        .command_text(
            &member(8),
            "leaderboard",
            json!([{ "name": "period", "type": 4, "value": 2 }]),
        )
        .await;
    assert!(board.contains("1. <@8> — 30 pts"), "{board}");
    assert!(board.contains("2. <@7> — 10 pts"), "{board}");
    h.stop().await;
}

#[tokio::test]
async fn a_schedule_is_picked_by_autocomplete_or_left_out_when_it_is_the_only_one() {
    let role_spec = dailydrill::service::ScheduleSpec {
        mention_role: Some(dailydrill::domain::ids::RoleId(555)),
        ..spec_at("21:00")
    };
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", role_spec).await;
    let posted = h.command_text(&admin(1), "post-now", json!([])).await;
    assert!(
        posted.starts_with(&format!("Posted in <#{CHANNEL}>")),
        "{posted}"
    );

    let id = h.fake.autocomplete(&admin(1), "reveal-now", "schedule", "");
    let reply = h.answer_to(id).await;
    assert_eq!(reply["type"], 8, "{reply}");
    let choices = reply["data"]["choices"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(choices.len(), 1, "{reply}");
    let name = choices[0]["name"].as_str().unwrap_or_default();
    assert!(
        name.starts_with("#1 · ") && name.contains("09:00 UTC · all tracks"),
        "{name}"
    );
    assert_eq!(choices[0]["value"], 1);

    // The role can be cleared.
    let cleared = h
        .command_text(
            &admin(1),
            "schedule",
            sub(
                "edit",
                vec![json!({ "name": "clear_role", "type": 5, "value": true })],
            ),
        )
        .await;
    assert!(cleared.starts_with("Updated: #1"), "{cleared}");
    let schedules = h.app.service.list_schedules(GuildId(GUILD)).await.unwrap();
    assert_eq!(schedules[0].mention_role, None);

    // A second schedule: the option is needed, and autocomplete finds it by its tracks.
    let added = h
        .command_text(
            &admin(1),
            "schedule",
            sub(
                "add",
                vec![
                    opt("channel", 7, &CHANNEL.to_string()),
                    opt("time", 3, "18:00"),
                    opt("timezone", 3, "UTC"),
                    opt("tracks", 3, "django, security"),
                ],
            ),
        )
        .await;
    assert!(added.starts_with("Scheduled: #2"), "{added}");
    let which = h.command_text(&admin(1), "skip", json!([])).await;
    assert!(
        which.starts_with("This server has 2 schedules; choose one"),
        "{which}"
    );
    assert!(
        which.contains("#2 · ") && which.contains("18:00 UTC · django, security"),
        "{which}"
    );
    let id = h.fake.autocomplete(&admin(1), "skip", "schedule", "secur");
    let reply = h.answer_to(id).await;
    let choices = reply["data"]["choices"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(choices.len(), 1, "{reply}");
    assert_eq!(choices[0]["value"], 2);

    // Tracks complete from the corpus's list.
    let id = h
        .fake
        .autocomplete_sub(&admin(1), "schedule", "add", "tracks", "python, sec");
    let reply = h.answer_to(id).await;
    assert_eq!(
        reply["data"]["choices"][0]["value"], "python, security",
        "{reply}"
    );
    assert_nothing_pings(&h.fake, &["555"]);
    h.stop().await;
}

#[tokio::test]
async fn a_schedule_added_with_a_difficulty_posts_only_that_difficulty() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    // poise registers choice parameters as integers: 2 is "Hard".
    let added = h
        .command_text(
            &admin(1),
            "schedule",
            sub(
                "add",
                vec![
                    opt("channel", 7, &CHANNEL.to_string()),
                    opt("time", 3, "09:00"),
                    opt("timezone", 3, "UTC"),
                    opt("tracks", 3, "fastapi"),
                    json!({ "name": "difficulty", "type": 4, "value": 2 }),
                ],
            ),
        )
        .await;
    assert!(added.contains("(fastapi; hard only)"), "{added}");
    for _ in 0..3 {
        let posted = h.command_text(&admin(1), "post-now", json!([])).await;
        assert!(posted.starts_with("Posted in"), "{posted}");
        let view = h
            .app
            .service
            .post(
                GuildId(GUILD),
                dailydrill::domain::ids::PostId(h.latest_post_id()),
            )
            .await
            .unwrap();
        assert_eq!(
            (
                view.question.track.as_str(),
                view.question.difficulty.as_str()
            ),
            ("fastapi", "hard")
        );
    }
    let edited = h
        .command_text(
            &admin(1),
            "schedule",
            sub(
                "edit",
                vec![json!({ "name": "any_difficulty", "type": 5, "value": true })],
            ),
        )
        .await;
    assert!(edited.contains("(fastapi)"), "{edited}");
    h.stop().await;
}

#[tokio::test]
async fn the_schedule_channel_option_offers_text_and_announcement_channels_only() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let registered = h
        .fake
        .calls()
        .into_iter()
        .rev()
        .find(|c| c.method == "PUT" && c.path.ends_with("/commands"))
        .expect("the commands were registered")
        .body;
    let schedule = registered
        .as_array()
        .and_then(|all| all.iter().find(|c| c["name"] == "schedule"))
        .expect("/schedule")
        .clone();
    for sub in ["add", "edit"] {
        let options = schedule["options"]
            .as_array()
            .and_then(|subs| subs.iter().find(|s| s["name"] == sub))
            .map(|s| s["options"].clone())
            .unwrap_or_default();
        let channel = options
            .as_array()
            .and_then(|o| o.iter().find(|o| o["name"] == "channel"))
            .unwrap_or_else(|| panic!("/schedule {sub} has a channel option"));
        // 0 is a text channel, 5 an announcement channel.
        assert_eq!(channel["channel_types"], json!([0, 5]), "/schedule {sub}");
    }
    h.stop().await;
}

#[tokio::test]
async fn a_weekday_schedule_posts_monday_to_friday_and_keeps_streaks_over_the_weekend() {
    // 2026-06-01 is a Monday.
    let h = Harness::spawn("2026-05-31T20:00:00Z").await;
    let add = |days: &str| {
        sub(
            "add",
            vec![
                opt("channel", 7, &CHANNEL.to_string()),
                opt("time", 3, "09:00"),
                opt("timezone", 3, "UTC"),
                opt("reveal", 3, "21:00"),
                opt("days", 3, days),
            ],
        )
    };
    let refused = h
        .command_text(&admin(1), "schedule", add("mon-fri, funday"))
        .await;
    assert!(
        refused.contains("funday") && refused.contains("is not a day"),
        "the word that is not a day is named: {refused}"
    );
    assert!(
        h.app
            .service
            .list_schedules(GuildId(GUILD))
            .await
            .unwrap()
            .is_empty()
    );
    let added = h.command_text(&admin(1), "schedule", add("Mon-Fri")).await;
    assert!(added.contains("09:00 UTC, Monday to Friday"), "{added}");
    let id = h
        .fake
        .autocomplete_sub(&admin(1), "schedule", "add", "days", "mon,w");
    let reply = h.answer_to(id).await;
    assert_eq!(
        reply["data"]["choices"][0]["name"], "mon,wed,fri (Mon, Wed, Fri)",
        "{reply}"
    );

    let member_id = 31;
    for day in 0..14 {
        let morning = crate::common::utc("2026-06-01T09:00:00Z") + chrono::Duration::days(day);
        h.app.clock.set(morning);
        let weekend = day % 7 >= 5;
        let tick = h.tick().await;
        assert_eq!(tick.posted, usize::from(!weekend), "day {day}");
        if !weekend {
            let post = h.latest_post_id();
            let saved = h.answer(member_id, post, "my answer").await;
            assert!(saved.starts_with("Saved."), "{saved}");
        }
        h.app.clock.set(morning + chrono::Duration::hours(12));
        assert_eq!(h.tick().await.revealed, usize::from(!weekend), "day {day}");
    }
    assert_eq!(
        h.command_text(&member(member_id), "streak", json!([]))
            .await,
        "Schedule #1: **10** answered in a row (longest 10); 1 freeze(s) in reserve, each keeps the streak through a missed day",
        "the weekends neither broke nor extended the streak"
    );
    let listed = h
        .command_text(&admin(1), "schedule", sub("list", vec![]))
        .await;
    assert!(listed.contains("Monday to Friday"), "{listed}");
    // Next post: Monday 15 June, not the weekend.
    let next = crate::common::utc("2026-06-15T09:00:00Z").timestamp();
    assert!(listed.contains(&format!("<t:{next}:f>")), "{listed}");
    assert_eq!(h.fake.invalid_requests(), 0);
    h.stop().await;
}
