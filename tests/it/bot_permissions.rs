//! The bot checks its own permissions in a channel when an admin schedules questions there: a
//! channel where it could not post, embed or open the discussion thread is refused at once, with
//! what is missing, and nothing is saved.

use crate::common::harness::{CHANNEL, GUILD, Harness, admin, opt, spec, sub};
use dailydrill::domain::ids::GuildId;
use serde_json::Value;

const EMBED_LINKS: u64 = 1 << 14;
const SEND_MESSAGES: u64 = 1 << 11;
const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
const LOCKED: u64 = 4343;

fn add_in(channel: u64) -> Value {
    sub(
        "add",
        vec![
            opt("channel", 7, &channel.to_string()),
            opt("time", 3, "09:00"),
            opt("timezone", 3, "UTC"),
        ],
    )
}

#[tokio::test]
async fn schedule_add_refuses_a_channel_the_bot_cannot_post_in_and_saves_nothing() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    h.fake
        .deny_bot_in(LOCKED, EMBED_LINKS | CREATE_PUBLIC_THREADS);
    let refused = h.command_text(&admin(1), "schedule", add_in(LOCKED)).await;
    assert_eq!(
        refused,
        format!(
            "I can't post in <#{LOCKED}>: I'm missing Embed Links, Create Public Threads. Give me (or my role) these permissions in the channel's settings, then try again; nothing was changed."
        )
    );
    let service = &h.app.service;
    assert!(
        service
            .list_schedules(GuildId(GUILD))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        h.fake.messages_in(LOCKED).is_empty(),
        "nothing was posted to find out"
    );

    // The same command in a channel where the bot has what it needs goes through.
    let added = h.command_text(&admin(1), "schedule", add_in(CHANNEL)).await;
    assert!(added.starts_with("Scheduled: #1"), "{added}");
    assert_eq!(h.fake.invalid_requests(), 0);
    h.stop().await;
}

#[tokio::test]
async fn schedule_edit_refuses_moving_to_a_channel_the_bot_cannot_post_in() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec()).await;
    h.fake.deny_bot_in(LOCKED, SEND_MESSAGES);
    let refused = h
        .command_text(
            &admin(1),
            "schedule",
            sub("edit", vec![opt("channel", 7, &LOCKED.to_string())]),
        )
        .await;
    assert!(
        refused.starts_with(&format!(
            "I can't post in <#{LOCKED}>: I'm missing Send Messages."
        )),
        "{refused}"
    );
    let listed = h.app.service.list_schedules(GuildId(GUILD)).await.unwrap();
    assert_eq!(
        listed[0].channel.0, CHANNEL,
        "the schedule stayed where it was"
    );

    // A permission taken away in the schedule's own channel is found when its role changes.
    h.fake.deny_bot_in(CHANNEL, EMBED_LINKS);
    let refused = h
        .command_text(
            &admin(1),
            "schedule",
            sub("edit", vec![opt("role", 8, "555")]),
        )
        .await;
    assert!(refused.contains("missing Embed Links"), "{refused}");
    let listed = h.app.service.list_schedules(GuildId(GUILD)).await.unwrap();
    assert_eq!(listed[0].mention_role, None, "nothing was changed");

    // Editing what does not depend on the channel is not checked (and not refused).
    let edited = h
        .command_text(
            &admin(1),
            "schedule",
            sub("edit", vec![opt("time", 3, "10:00")]),
        )
        .await;
    assert!(edited.starts_with("Updated: #1"), "{edited}");
    h.stop().await;
}
