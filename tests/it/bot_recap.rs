//! The end of a week through the real bot: the weekly recap, posted once in the schedule's
//! channel and naming the leaders without pinging anyone, and the champion role moved to the
//! week's leader.

use crate::common::harness::{CHANNEL, Harness, admin, assert_nothing_pings, spec, sub};
use crate::common::utc;

fn recaps(h: &Harness) -> Vec<String> {
    h.fake
        .messages_in(CHANNEL)
        .iter()
        .filter_map(|m| m["content"].as_str().map(str::to_owned))
        .filter(|c| c.starts_with("**Week of "))
        .collect()
}

#[tokio::test]
async fn a_weekly_recap_is_posted_once_after_the_week_and_pings_nobody() {
    // Monday 1 June 2026, a 09:00 UTC schedule revealed after 24 hours.
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec()).await;
    let on = h
        .command_text(
            &admin(1),
            "schedule",
            sub(
                "recap",
                vec![serde_json::json!({ "name": "enabled", "type": 5, "value": true })],
            ),
        )
        .await;
    assert!(
        on.starts_with("Schedule #1 will post a weekly recap"),
        "{on}"
    );
    let listed = h
        .command_text(&admin(1), "schedule", sub("list", vec![]))
        .await;
    assert!(listed.contains("weekly recap"), "{listed}");

    for day in 0..3 {
        let morning = utc("2026-06-01T09:00:00Z") + chrono::Duration::days(day);
        h.app.clock.set(morning);
        h.tick().await;
        let post = h.latest_post_id();
        for user in [61, 62] {
            let text = if user == 61 {
                "the GIL and threads"
            } else {
                "no idea"
            };
            assert!(h.answer(user, post, text).await.starts_with("Saved"));
        }
    }
    h.app.clock.set(utc("2026-06-07T23:59:00Z"));
    h.tick().await;
    assert!(recaps(&h).is_empty(), "not before the week ends");

    h.app.clock.set(utc("2026-06-08T00:00:30Z"));
    h.tick().await;
    h.tick().await;
    let posted = recaps(&h);
    assert_eq!(posted.len(), 1, "{posted:?}");
    let recap = &posted[0];
    assert!(
        recap.starts_with("**Week of 1 June** · schedule #1: 3 question(s), 6 answer(s)"),
        "{recap}"
    );
    assert!(recap.contains("**Top of the week**\n1. <@"), "{recap}");
    assert!(recap.contains("**Most missed key points**"), "{recap}");
    assert_nothing_pings(&h.fake, &[]);

    let off = h
        .command_text(
            &admin(1),
            "schedule",
            sub(
                "recap",
                vec![serde_json::json!({ "name": "enabled", "type": 5, "value": false })],
            ),
        )
        .await;
    assert!(off.contains("no more weekly recaps"), "{off}");
    h.stop().await;
}

/// One day through the bot: posted at 09:00, `best` answers with every key point and `other`
/// with nothing of use, revealed at 21:00.
async fn day(h: &Harness, date: &str, best: u64, other: u64) {
    h.app.clock.set(utc(&format!("{date}T09:00:00Z")));
    assert_eq!(h.tick().await.posted, 1, "{date}");
    let post = h.latest_post_id();
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
    let full = crate::common::full_answer(&question);
    assert!(h.answer(best, post, &full).await.starts_with("Saved"));
    assert!(h.answer(other, post, "no idea").await.starts_with("Saved"));
    h.app.clock.set(utc(&format!("{date}T21:00:00Z")));
    assert_eq!(h.tick().await.revealed, 1, "{date}");
}

fn role_calls(h: &Harness) -> Vec<String> {
    h.fake
        .calls()
        .iter()
        .filter(|c| c.path.contains("/roles/") && (c.method == "PUT" || c.method == "DELETE"))
        .map(|c| format!("{} {} {}", c.method, c.path, c.status))
        .collect()
}

#[tokio::test]
async fn the_champion_role_moves_to_each_weeks_leader() {
    let h = Harness::with_schedule(
        "2026-06-01T08:00:00Z",
        crate::common::harness::spec_at("21:00"),
    )
    .await;
    let (ada, ben) = (71, 72);
    let set = h
        .command_text(
            &admin(1),
            "schedule",
            sub(
                "champion",
                vec![crate::common::harness::opt("role", 8, "555")],
            ),
        )
        .await;
    assert!(
        set.starts_with(
            "At the end of each week (midnight in the server's time zone) I'll give <@&555>"
        ),
        "{set}"
    );

    for date in ["2026-06-01", "2026-06-02", "2026-06-03"] {
        day(&h, date, ada, ben).await;
    }
    h.app.clock.set(utc("2026-06-07T23:59:00Z"));
    h.tick().await;
    assert!(role_calls(&h).is_empty(), "not before the week ends");
    h.app.clock.set(utc("2026-06-08T00:00:30Z"));
    h.tick().await;
    h.tick().await;
    let guild = crate::common::harness::GUILD;
    assert_eq!(
        role_calls(&h),
        [format!("PUT /guilds/{guild}/members/{ada}/roles/555 204")],
        "the week's leader gets the role, once"
    );

    for date in ["2026-06-08", "2026-06-09", "2026-06-10"] {
        day(&h, date, ben, ada).await;
    }
    h.app.clock.set(utc("2026-06-15T00:00:30Z"));
    h.tick().await;
    assert_eq!(
        role_calls(&h)[1..],
        [
            format!("DELETE /guilds/{guild}/members/{ada}/roles/555 204"),
            format!("PUT /guilds/{guild}/members/{ben}/roles/555 204"),
        ],
        "the role moved"
    );
    let shown = h
        .command_text(&admin(1), "schedule", sub("champion", vec![]))
        .await;
    assert_eq!(
        shown,
        format!("<@&555> goes to the week's leader; <@{ben}> holds it now.")
    );
    let moved = h
        .command_text(
            &admin(1),
            "schedule",
            sub(
                "champion",
                vec![crate::common::harness::opt("role", 8, "556")],
            ),
        )
        .await;
    assert!(
        moved.ends_with(&format!(" <@{ben}> keeps <@&555> until you take it back.")),
        "{moved}"
    );
    let cleared = h
        .command_text(
            &admin(1),
            "schedule",
            sub(
                "champion",
                vec![serde_json::json!({ "name": "clear", "type": 5, "value": true })],
            ),
        )
        .await;
    assert!(
        cleared.starts_with("No champion role any more"),
        "{cleared}"
    );
    assert_eq!(h.fake.invalid_requests(), 0);
    h.stop().await;
}
