//! A server's own deck, through the real bot on the fake Discord: an admin attaches a zip of
//! question files to `/deck import`, a schedule draws from the deck like a track, a question
//! without a rubric is posted, revealed and scored on answering only, the deck is exported and
//! imported back, and it is removed (refused while scheduled unless forced). Invalid decks come
//! back with every problem located and store nothing; a zip bomb or an oversized file is refused;
//! members without Manage Server are refused at every step; one server never sees another's deck.

use std::io::{Cursor, Read};

use chrono::Duration;
use serde_json::{Value, json};

use crate::common::harness::{
    CHANNEL, GUILD, Harness, WAIT, admin, assert_nothing_pings, member, opt, sub,
};
use crate::common::utc;
use dailydrill::domain::ids::{GuildId, UserId};
use fake_discord::Invoker;

const NO_RUBRIC: &str = r#"+++
id = "release-process"
track = "ours"
difficulty = "easy"
question = "How does <@&555> @everyone ship a release? See [the handbook](https://evil.example/phish)."
+++

We tag the commit, CI builds the wheel from the tag, and [the docs](https://evil.example/x) explain
how to roll back.
"#;

const WITH_RUBRIC: &str = r#"+++
id = "gil"
track = "ours"
difficulty = "hard"
question = "What does the GIL prevent, and what does it not?"

[[key_points]]
label = "One thread runs bytecode at a time"
phrasings = ["one thread at a time"]

[[key_points]]
label = "Released during blocking I/O"
phrasings = ["released during i/o", "released while waiting"]

[[key_points]]
label = "Not a lock on your data"
phrasings = ["race conditions", "data races"]
+++

The global interpreter lock lets one thread at a time run Python bytecode; it is released during
blocking I/O, and it does not protect your own data from race conditions.
"#;

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    dailydrill::corpus::deck_archive::zip_entries(entries).unwrap()
}

fn deck_zip() -> Vec<u8> {
    zip_of(&[
        ("ours/release-process.md", NO_RUBRIC.as_bytes()),
        ("ours/gil.md", WITH_RUBRIC.as_bytes()),
        ("ours/README.md", b"Our deck."),
    ])
}

fn decode(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// `/deck import` with `file` attached (and `name`, if given); the bot's text.
async fn import(
    h: &Harness,
    who: &Invoker,
    filename: &str,
    bytes: &[u8],
    name: Option<&str>,
) -> String {
    let file = h.fake.upload(filename, bytes);
    let mut options = vec![json!({ "name": "file", "type": 11, "value": file["id"] })];
    if let Some(name) = name {
        options.push(opt("name", 3, name));
    }
    let id = h
        .fake
        .slash_command_with(who, "deck", sub("import", options), &[file]);
    reply_text(h, id).await
}

/// The text of a command's reply: its message, or the follow-up after a defer.
async fn reply_text(h: &Harness, id: u64) -> String {
    let first = h.answer_to(id).await;
    assert_eq!(first["data"]["flags"], 64, "private: {first}");
    if first["type"] == 4 {
        return first["data"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
    }
    let followup = h
        .fake
        .wait_for(WAIT, |f| f.follow_ups(id).into_iter().next())
        .await
        .expect("a follow-up after the defer");
    assert_eq!(followup["flags"], 64);
    followup["content"].as_str().unwrap_or_default().to_owned()
}

async fn deck(h: &Harness, who: &Invoker, action: &str, options: Vec<Value>) -> String {
    h.command_text(who, "deck", sub(action, options)).await
}

#[tokio::test]
async fn a_deck_is_imported_scheduled_revealed_exported_and_removed() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let done = import(&h, &admin(1), "ours.zip", &deck_zip(), None).await;
    assert!(
        done.contains("Imported deck `ours`: 2 question(s)."),
        "{done}"
    );
    assert!(
        done.contains("Without a rubric yet: 1 (posted and revealed"),
        "{done}"
    );
    let list = deck(&h, &admin(1), "list", vec![]).await;
    assert!(
        list.contains("`ours` · 2 question(s), 1 without a rubric yet · used by no schedule"),
        "{list}"
    );
    let show = deck(&h, &admin(1), "show", vec![opt("name", 3, "ours")]).await;
    assert!(
        show.contains("no rubric yet") && show.contains("What does the GIL prevent"),
        "{show}"
    );

    // The deck is a track: a schedule of its easy questions posts the one without a rubric.
    let added = h
        .schedule_add(
            "ours",
            vec![json!({ "name": "difficulty", "type": 4, "value": 0 })],
        )
        .await;
    assert!(added.contains("(ours; easy only)"), "{added}");
    let refused = deck(&h, &admin(1), "remove", vec![opt("name", 3, "ours")]).await;
    assert!(refused.contains("is used by schedule(s) #1"), "{refused}");

    h.app.clock.set(utc("2026-06-01T09:00:00Z"));
    h.tick().await;
    let posted = &h.fake.messages_in(CHANNEL)[0];
    let description = posted["embeds"][0]["description"].as_str().unwrap();
    assert!(description.contains("How does"), "{posted}");
    assert!(
        description.contains("the handbook (<https://evil.example/phish>)")
            && !description.contains("[the handbook]"),
        "a masked link is shown as plain text: {description}"
    );
    let post = h.latest_post_id();
    let saved = h.answer(5, post, "We cut a tag and CI builds it.").await;
    assert!(saved.starts_with("Saved."), "{saved}");

    h.app.clock.set(utc("2026-06-02T09:00:00Z"));
    h.tick().await;
    let feedback_button = format!("fb:{post}");
    let feedback = h
        .answer_to(h.fake.click_button(&member(5), 1, &feedback_button))
        .await;
    let text = feedback["data"]["content"].as_str().unwrap();
    assert!(text.contains("No rubric yet"), "{text}");
    assert!(!text.contains("Grade 0/4"), "{text}");
    let stats = h
        .app
        .service
        .member_stats(GuildId(GUILD), UserId(5))
        .await
        .unwrap();
    assert_eq!(stats.points, 10, "the points for answering only");
    let revealed: String = h
        .fake
        .messages_in(CHANNEL)
        .iter()
        .chain(h.fake.calls().iter().map(|c| &c.body))
        .map(|m| m.to_string())
        .collect();
    assert!(
        revealed.contains("the docs (<https://evil.example/x>)"),
        "the model answer, defused"
    );
    assert!(assert_nothing_pings(&h.fake, &[]) > 0);

    // The export is the files as imported, and imports back as the same deck.
    let id = h.fake.slash_command(
        &admin(1),
        "deck",
        sub("export", vec![opt("name", 3, "ours")]),
    );
    let reply = h.answer_to(id).await;
    assert_eq!(reply["data"]["flags"], 64);
    let file = &reply["data"]["attachments"][0];
    assert_eq!(file["filename"], "ours.zip");
    let bytes = decode(file["_hex"].as_str().unwrap());
    let mut archive = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    let mut names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["ours/gil.md", "ours/release-process.md"]);
    let mut text = String::new();
    archive
        .by_name("ours/release-process.md")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, NO_RUBRIC, "byte for byte as imported");
    let again = import(&h, &admin(1), "ours.zip", &bytes, None).await;
    assert!(
        again.contains("Replaced deck `ours`: 2 question(s)."),
        "{again}"
    );

    // Forced removal takes it out of the schedule, which is left with no track and paused.
    let removed = deck(
        &h,
        &admin(1),
        "remove",
        vec![
            opt("name", 3, "ours"),
            json!({ "name": "force", "type": 5, "value": true }),
        ],
    )
    .await;
    assert!(removed.contains("Removed deck `ours`"), "{removed}");
    assert!(removed.contains("Paused schedule(s) #1"), "{removed}");
    let schedules = h.app.service.list_schedules(GuildId(GUILD)).await.unwrap();
    assert!(schedules[0].paused && schedules[0].tracks.is_empty());
    let list = deck(&h, &admin(1), "list", vec![]).await;
    assert!(list.contains("no deck yet"), "{list}");
    // The answer given stays, with its question.
    let past = h
        .app
        .service
        .feedback(
            GuildId(GUILD),
            dailydrill::domain::ids::PostId(post),
            UserId(5),
        )
        .await
        .unwrap();
    assert!(past.answered);
    h.stop().await;
}

#[tokio::test]
async fn bad_decks_are_refused_whole_and_members_at_every_step() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let broken = NO_RUBRIC.replace("difficulty = \"easy\"", "difficulty = \"trivial\"");
    let mislabelled = WITH_RUBRIC.replace("track = \"ours\"", "track = \"theirs\"");
    let bytes = zip_of(&[
        ("ours/a-release-process.md", broken.as_bytes()),
        ("ours/b-gil.md", WITH_RUBRIC.as_bytes()),
        (
            "ours/c-gil.md",
            mislabelled.replace("\"gil\"", "\"gil-2\"").as_bytes(),
        ),
    ]);
    let refused = import(&h, &admin(1), "ours.zip", &bytes, None).await;
    assert!(
        refused.starts_with("The deck was not imported; nothing changed. 2 problem(s)"),
        "{refused}"
    );
    assert!(
        refused.contains("ours/a-release-process.md:4: unknown difficulty \"trivial\""),
        "{refused}"
    );
    assert!(
        refused.contains("ours/c-gil.md:3: track is \"theirs\""),
        "{refused}"
    );
    assert!(
        deck(&h, &admin(1), "list", vec![])
            .await
            .contains("no deck yet")
    );

    // A zip bomb: 50 MB of zeros in a 50 KB upload stop at the first entry.
    let zeros = vec![0u8; 50 * 1024 * 1024];
    let bomb = zip_of(&[("ours/bomb.md", &zeros)]);
    let refused = import(&h, &admin(1), "ours.zip", &bomb, None).await;
    assert!(
        refused.contains("a question file holds at most 32768"),
        "{refused}"
    );
    // A file over 1 MB is refused from its size, never downloaded.
    let downloads = h.fake.downloads();
    let big = vec![b'a'; 1_000_001];
    let refused = import(&h, &admin(1), "ours.zip", &big, None).await;
    assert!(
        refused.contains("a deck upload is at most 1000000 bytes"),
        "{refused}"
    );
    assert_eq!(h.fake.downloads(), downloads);
    let refused = import(&h, &admin(1), "deck.pdf", b"%PDF-1.7", None).await;
    assert!(
        refused.contains("deck.pdf:1: is neither a question file"),
        "{refused}"
    );
    let refused = import(&h, &admin(1), "x.md", NO_RUBRIC.as_bytes(), Some("python")).await;
    assert!(
        refused.contains("\"python\" is a bundled track"),
        "{refused}"
    );

    // Members without Manage Server, at every step, whatever Discord delivered.
    let good = import(&h, &admin(1), "ours.zip", &deck_zip(), None).await;
    assert!(good.contains("Imported"), "{good}");
    let downloads = h.fake.downloads();
    let refused = import(&h, &member(3), "theirs.zip", &deck_zip(), Some("theirs")).await;
    assert!(refused.contains("Manage Server"), "{refused}");
    assert_eq!(
        h.fake.downloads(),
        downloads,
        "nothing downloaded for a refused member"
    );
    for (action, options) in [
        ("list", vec![]),
        ("show", vec![opt("name", 3, "ours")]),
        ("export", vec![opt("name", 3, "ours")]),
        ("remove", vec![opt("name", 3, "ours")]),
    ] {
        let refused = deck(&h, &member(3), action, options).await;
        assert!(
            refused.contains("Manage Server"),
            "/deck {action}: {refused}"
        );
    }
    let list = deck(&h, &admin(1), "list", vec![]).await;
    assert!(
        list.contains("`ours`") && !list.contains("theirs"),
        "{list}"
    );
    h.stop().await;
}

/// What `/quiz`'s track option offers `who` for "our".
async fn track_choices(h: &Harness, who: Invoker) -> Vec<String> {
    let id = h.fake.autocomplete(&who, "quiz", "track", "our");
    h.answer_to(id).await["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn one_server_never_sees_another_servers_deck() {
    const OTHER: u64 = 5151;
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    h.fake.add_guild(OTHER);
    let elsewhere = |user: u64, permissions: u64| Invoker {
        guild: OTHER,
        channel: 88,
        user,
        permissions,
    };
    let done = import(&h, &admin(1), "ours.zip", &deck_zip(), None).await;
    assert!(done.contains("Imported"), "{done}");

    let other_admin = elsewhere(2, crate::common::harness::MANAGE_GUILD);
    assert!(
        deck(&h, &other_admin, "list", vec![])
            .await
            .contains("no deck yet")
    );
    let show = deck(&h, &other_admin, "show", vec![opt("name", 3, "ours")]).await;
    assert!(show.contains("has no deck `ours`"), "{show}");
    let export = deck(&h, &other_admin, "export", vec![opt("name", 3, "ours")]).await;
    assert!(export.contains("has no deck `ours`"), "{export}");
    let quiz = h
        .command_text(&elsewhere(3, 0), "quiz", json!([opt("track", 3, "ours")]))
        .await;
    assert!(
        quiz.contains("No practice question matches track `ours`"),
        "{quiz}"
    );
    assert_eq!(track_choices(&h, member(3)).await, ["ours"]);
    assert!(track_choices(&h, elsewhere(3, 0)).await.is_empty());
    let schedule = h
        .app
        .service
        .add_schedule(
            GuildId(OTHER),
            dailydrill::service::ScheduleSpec {
                tracks: vec!["ours".parse().unwrap()],
                ..crate::common::harness::spec()
            },
        )
        .await;
    assert!(
        matches!(
            schedule,
            Err(dailydrill::service::Error::UnknownTrack { .. })
        ),
        "{schedule:?}"
    );

    // The other server's own deck of the same name is its own.
    let theirs = WITH_RUBRIC.replace(
        "What does the GIL prevent",
        "Theirs: what does the GIL prevent",
    );
    let done = import(
        &h,
        &other_admin,
        "theirs.md",
        theirs.as_bytes(),
        Some("ours"),
    )
    .await;
    assert!(
        done.contains("Imported deck `ours`: 1 question(s)."),
        "{done}"
    );
    let here = deck(&h, &admin(1), "show", vec![opt("name", 3, "ours")]).await;
    let there = deck(&h, &other_admin, "show", vec![opt("name", 3, "ours")]).await;
    assert!(
        here.contains("2 question(s)") && !here.contains("Theirs:"),
        "{here}"
    );
    assert!(
        there.contains("1 question(s)") && there.contains("Theirs:"),
        "{there}"
    );
    // A member's quiz in this server draws only from this server's deck.
    let quiz_here = h
        .answer_to(
            h.fake
                .slash_command(&member(3), "quiz", json!([opt("track", 3, "ours")])),
        )
        .await;
    assert!(!quiz_here.to_string().contains("Theirs:"), "{quiz_here}");
    h.stop().await;
}

#[tokio::test]
async fn decks_survive_a_restart() {
    let mut h = Harness::spawn("2026-06-01T08:00:00Z").await;
    import(&h, &admin(1), "ours.zip", &deck_zip(), None).await;
    h.restart().await;
    let show = deck(&h, &admin(1), "show", vec![opt("name", 3, "ours")]).await;
    assert!(
        show.contains("2 question(s), 1 without a rubric yet"),
        "{show}"
    );
    h.app.clock.advance(Duration::minutes(1));
    let quiz = h
        .answer_to(
            h.fake
                .slash_command(&member(3), "quiz", json!([opt("track", 3, "ours")])),
        )
        .await;
    assert_eq!(quiz["type"], 4, "{quiz}");
    h.stop().await;
}

#[tokio::test]
async fn review_keeps_to_a_deck_when_asked() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let done = import(&h, &admin(1), "gil.md", WITH_RUBRIC.as_bytes(), None).await;
    assert!(
        done.contains("Imported deck `ours`: 1 question(s)."),
        "{done}"
    );
    // A quiz of the deck and one of the bundled python track, both missed.
    for track in ["ours", "python"] {
        h.quiz(5, track, "I am not sure.").await;
    }
    h.app.clock.advance(Duration::days(2));
    let unknown = h
        .command_text(&member(5), "review", json!([opt("track", 3, "nope")]))
        .await;
    assert!(unknown.contains("Unknown track `nope`"), "{unknown}");

    let shown = h
        .answer_to(
            h.fake
                .slash_command(&member(5), "review", json!([opt("track", 3, "ours")])),
        )
        .await;
    let embed = &shown["data"]["embeds"][0];
    assert!(
        embed["title"]
            .as_str()
            .unwrap()
            .starts_with("Review · ours"),
        "{shown}"
    );
    let button = fake_discord::first_component(&shown["data"])["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(button.starts_with("rvt:"), "{button}");
    let modal = h
        .answer_to(h.fake.click_button(&member(5), 1, &button))
        .await;
    let modal_id = modal["data"]["custom_id"].as_str().unwrap().to_owned();
    assert!(modal_id.starts_with("rat:"), "{modal_id}");
    let submit = h.fake.submit_modal(
        &member(5),
        &modal_id,
        &[("text", "One thread at a time runs bytecode; it is released during I/O; race conditions remain yours.")],
    );
    let reply = h.answer_to(submit).await;
    let all: String = std::iter::once(reply["data"].clone())
        .chain(
            h.fake
                .wait_for(WAIT, |f| {
                    let sent = f.follow_ups(submit);
                    let text: String = std::iter::once(&reply["data"])
                        .chain(sent.iter())
                        .map(|m| m["content"].as_str().unwrap_or(""))
                        .collect();
                    text.contains("**Next review:**").then_some(sent)
                })
                .await
                .unwrap(),
        )
        .map(|m| m.to_string())
        .collect();
    assert!(
        all.contains("That was your last due review."),
        "the python card is due, but not in this deck: {all}"
    );
    assert!(!all.contains("\"rn:"), "no Next review button: {all}");
    let again = h
        .command_text(&member(5), "review", json!([opt("track", 3, "ours")]))
        .await;
    assert!(again.starts_with("Nothing due in `ours`"), "{again}");
    let all_tracks = h
        .answer_to(h.fake.slash_command(&member(5), "review", json!([])))
        .await;
    assert!(
        all_tracks["data"]["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Review · Python"),
        "{all_tracks}"
    );
    h.stop().await;
}
