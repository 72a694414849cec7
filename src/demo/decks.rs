//! The demo's deck scene: an admin imports the group's own deck (a zip attached to `/deck
//! import`), a member suggests a question, a moderator approves it into the deck, and the
//! member learns by direct message.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Demo, MANAGE_GUILD, member};

/// The moderators' channel of the demo server.
const MODS: u64 = 903;

const RELEASE: &str = r#"+++
id = "release-process"
track = "acme-backend"
difficulty = "medium"
question = "Walk us through how a change reaches production at Acme."
+++

A pull request needs one review and green CI; merging to `main` builds the image, which is
deployed to staging, then to production behind a feature flag.
"#;

const WORKERS: &str = r#"+++
id = "gunicorn-workers"
track = "acme-backend"
difficulty = "hard"
question = "How many Gunicorn workers does our API run per container, and why that many?"

[[key_points]]
label = "Workers are processes: one per core plus one"
phrasings = ["one per core", "2 * cores + 1", "number of cores"]

[[key_points]]
label = "Async workers for I/O-bound endpoints"
phrasings = ["async worker", "uvicorn worker"]

[[key_points]]
label = "Memory limits the count"
phrasings = ["memory"]
+++

Four sync workers (two cores, the usual `2 * cores` rule), Uvicorn workers for the async
endpoints, and no more, because each worker holds its own copy of the app in memory.
"#;

impl Demo {
    async fn waited<T>(
        &self,
        what: &str,
        check: impl FnMut(&fake_discord::FakeDiscord) -> Option<T>,
    ) -> anyhow::Result<T> {
        self.fake
            .wait_for(Duration::from_secs(5), check)
            .await
            .ok_or_else(|| anyhow::anyhow!("the demo waited in vain for {what}"))
    }
}

/// The scene.
pub(super) async fn decks(demo: &mut Demo) -> anyhow::Result<()> {
    demo.say("── The group's own deck ──");
    demo.say("Admin › /deck import file:acme.zip (two question files, one without a rubric yet)");
    let bytes = crate::corpus::deck_archive::zip_entries(&[
        ("acme-backend/release-process.md", RELEASE),
        ("acme-backend/gunicorn-workers.md", WORKERS),
    ])?;
    let file = demo.fake.upload("acme.zip", &bytes);
    let options = json!([{ "name": "import", "type": 1, "options": [
        { "name": "file", "type": 11, "value": file["id"] },
    ] }]);
    let id = demo
        .fake
        .slash_command_with(&member(1, MANAGE_GUILD), "deck", options, &[file]);
    let text = demo.said(id).await?;
    demo.say(format!("  bot (only the admin sees this) › {text}"));

    demo.say("Admin › /deck moderation channel:#mods");
    let options = json!([{ "name": "moderation", "type": 1, "options": [
        { "name": "channel", "type": 7, "value": MODS.to_string() },
    ] }]);
    let text = demo.command(1, MANAGE_GUILD, "deck", options).await?;
    demo.say(format!("  bot (only the admin sees this) › {text}"));

    demo.say("Chen › /suggest (a form: question, model answer, deck or topic)");
    let open = demo
        .fake
        .slash_command(&member(13, 0), "suggest", json!([]));
    demo.reply(open).await?;
    let submit = demo.fake.submit_modal(
        &member(13, 0),
        "sgs:0",
        &[
            ("question", "What does our health check endpoint verify?"),
            ("answer", "That the database answers a `SELECT 1` within 200 ms and the cache is reachable; it never calls other services, so one slow dependency cannot restart every pod."),
            ("topic", "acme-backend"),
        ],
    );
    let text = demo.said(submit).await?;
    demo.say(format!("  bot (only Chen sees this) › {text}"));
    let post: Value = demo
        .waited("the moderation post", |f| {
            f.messages_in(MODS).into_iter().next()
        })
        .await?;
    let title = post["embeds"][0]["title"].as_str().unwrap_or_default();
    demo.say(format!(
        "  #mods › {title}, with Approve, Edit and Reject (Manage Server only)"
    ));
    demo.say("Admin › Approve › deck: acme-backend, difficulty: medium");
    let message: u64 = post["id"].as_str().unwrap_or_default().parse()?;
    let click = demo
        .fake
        .click_button(&member(1, MANAGE_GUILD), message, "sga:1");
    demo.reply(click).await?;
    let approve = demo.fake.submit_modal(
        &member(1, MANAGE_GUILD),
        "sgam:1",
        &[("deck", "acme-backend"), ("difficulty", "medium")],
    );
    let text = demo.said(approve).await?;
    demo.say(format!("  bot (only the admin sees this) › {text}"));
    let dm: Value = demo
        .waited("Chen's direct message", |f| {
            f.messages_in(13 ^ fake_discord::DM_CHANNEL_BITS)
                .into_iter()
                .next()
        })
        .await?;
    demo.say(format!(
        "  Chen gets a direct message › {}",
        dm["content"].as_str().unwrap_or_default()
    ));

    demo.say("Admin › /deck list");
    let list = json!([{ "name": "list", "type": 1, "options": [] }]);
    let text = demo.command(1, MANAGE_GUILD, "deck", list).await?;
    demo.say(format!("  bot (only the admin sees this) › {text}"));
    demo.say("  (`/schedule add … tracks:acme-backend` or `/quiz track:acme-backend` now draw from it.)\n");
    Ok(())
}
