//! Reminders by direct message through the real bot: opt-in with `/remind on`, once per post and
//! member, only to members who have not answered, silent when DMs are closed, off with
//! `/remind off`.

use crate::common::harness::{
    CHANNEL, GUILD, Harness, assert_nothing_pings, member, opt, spec, sub,
};
use crate::common::utc;
use fake_discord::{DM_CHANNEL_BITS, Fault};

fn dms(h: &Harness, user: u64) -> Vec<serde_json::Value> {
    h.fake.messages_in(user ^ DM_CHANNEL_BITS)
}

#[tokio::test]
async fn a_member_who_asked_is_reminded_once_by_direct_message_unless_they_answered() {
    // Posts at 09:00 UTC, revealed 24 hours later.
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec()).await;
    let (keen, answered, closed, never) = (41, 42, 43, 44);
    let on = h
        .command_text(
            &member(keen),
            "remind",
            sub("on", vec![opt("hours", 4, "3")]),
        )
        .await;
    assert!(
        on.starts_with("Reminders on: when a question here is 3 hour(s) from its reveal"),
        "{on}"
    );
    for user in [answered, closed] {
        let on = h
            .command_text(&member(user), "remind", sub("on", vec![]))
            .await;
        assert!(
            on.contains("is 2 hour(s) from its reveal"),
            "the default: {on}"
        );
    }

    h.app.clock.set(utc("2026-06-01T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    let post = h.latest_post_id();
    let message = h.fake.messages_in(CHANNEL)[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        h.answer(answered, post, "my answer")
            .await
            .starts_with("Saved")
    );
    // The member whose DMs are closed: Discord refuses the message (403, code 50007).
    let closed_route = format!("/channels/{}/messages", closed ^ DM_CHANNEL_BITS);
    h.fake.fail_next("POST", &closed_route, Fault::Status(403));

    h.app.clock.set(utc("2026-06-02T05:59:00Z"));
    h.tick().await;
    assert!(
        dms(&h, keen).is_empty(),
        "not before 3 hours before the reveal"
    );

    h.app.clock.set(utc("2026-06-02T06:00:00Z"));
    h.tick().await;
    let sent = dms(&h, keen);
    assert_eq!(sent.len(), 1);
    let text = sent[0]["content"].as_str().unwrap_or_default();
    let reveal = utc("2026-06-02T09:00:00Z").timestamp();
    assert!(
        text.starts_with(&format!(
            "⏰ The question in <#{CHANNEL}> closes <t:{reveal}:R> and you have not answered yet: https://discord.com/channels/{GUILD}/{CHANNEL}/{message}"
        )),
        "{text}"
    );
    assert!(text.contains("`/remind off` stops it"), "{text}");

    // 2 hours before: the other two are due; one answered, the other's DMs are closed.
    h.app.clock.set(utc("2026-06-02T07:00:00Z"));
    h.tick().await;
    h.tick().await;
    assert_eq!(dms(&h, keen).len(), 1, "once per post");
    assert!(dms(&h, answered).is_empty(), "they answered");
    assert!(dms(&h, closed).is_empty(), "DMs closed");
    assert!(dms(&h, never).is_empty(), "they never asked");
    assert_eq!(
        h.fake.invalid_requests(),
        1,
        "the closed DMs are not retried"
    );

    let off = h
        .command_text(&member(keen), "remind", sub("off", vec![]))
        .await;
    assert!(off.starts_with("Reminders off"), "{off}");
    // The next day's question: the member who turned reminders off gets none.
    h.app.clock.set(utc("2026-06-02T09:00:00Z"));
    h.tick().await;
    h.app.clock.set(utc("2026-06-03T08:00:00Z"));
    h.tick().await;
    assert_eq!(dms(&h, keen).len(), 1);
    assert_eq!(dms(&h, answered).len(), 1, "the next question, unanswered");
    assert_nothing_pings(&h.fake, &[]);
    h.stop().await;
}

#[tokio::test]
async fn forget_me_turns_reminders_off() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec()).await;
    h.command_text(&member(51), "remind", sub("on", vec![]))
        .await;
    let service = &h.app.service;
    let (guild, user) = (
        dailydrill::domain::ids::GuildId(GUILD),
        dailydrill::domain::ids::UserId(51),
    );
    assert_eq!(service.reminder(guild, user).await.unwrap(), Some(2));
    service.forget_member(guild, user).await.unwrap();
    assert_eq!(service.reminder(guild, user).await.unwrap(), None);
    assert!(matches!(
        service.set_reminder(guild, user, Some(25)).await,
        Err(dailydrill::service::Error::ReminderHours { hours: 25, max: 24 })
    ));
    h.stop().await;
}
