//! Hostile input through the real bot and the fake Discord: answers that are empty, invisible,
//! oversized, full of control characters, mentions or Markdown; command options built to break a
//! reply; tampered or foreign custom_ids; admin commands from members; another server's ids.
//! Each is refused with a specific message, changes nothing in the database (compared row by row),
//! pings nobody (asserted on the recorded bodies) and, where it is a crafted request, is logged.

use crate::common::harness::{
    CHANNEL, GUILD, Harness, WAIT, admin, assert_nothing_pings, log_lines_with, member, opt, spec,
    spec_at, sub,
};
use dailydrill::domain::ids::{GuildId, PostId, UserId};
use dailydrill::service::QuizFilter;
use fake_discord::Invoker;
use serde_json::{Value, json};

/// Another server the bot is not configured for; its members and admins must not reach
/// `GUILD`'s data.
const OTHER_GUILD: u64 = 9999;

fn outsider(user: u64, permissions: u64) -> Invoker {
    Invoker {
        guild: OTHER_GUILD,
        channel: 88,
        user,
        permissions,
    }
}

/// A reply's text, and checks it is ephemeral and within Discord's message limit.
fn private_text(reply: &Value) -> String {
    assert_eq!(reply["type"], 4, "a message, not a form: {reply}");
    assert_eq!(
        reply["data"]["flags"], 64,
        "only the member sees it: {reply}"
    );
    let text = reply["data"]["content"].as_str().unwrap_or_default();
    assert!(text.chars().count() <= 2000, "{} characters", text.len());
    text.to_owned()
}

/// Characters Discord's Markdown acts on that appear in `text` without a backslash before them.
fn unescaped_markdown(text: &str) -> Vec<char> {
    let mut found = Vec::new();
    let mut escaped = false;
    for c in text.chars() {
        if !escaped && matches!(c, '`' | '|' | '*' | '~' | '<' | '>' | '[' | '@') {
            found.push(c);
        }
        escaped = !escaped && c == '\\';
    }
    found
}

/// A posted question (09:00 UTC, revealed after 24 h) and its id.
async fn posted(h: &Harness) -> i64 {
    h.app
        .service
        .add_schedule(GuildId(GUILD), spec())
        .await
        .unwrap();
    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    h.latest_post_id()
}

#[tokio::test]
async fn hostile_answers_are_refused_with_a_reason_and_change_nothing() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let post = posted(&h).await;
    let before = crate::common::db_dump(&h.app.url).await;
    let calls_before = h.fake.calls().len();

    let empty = "Your answer is empty. Write your answer, then submit again.";
    let too_long = |n: usize| format!("Your answer is {n} characters long; the limit is 4000.");
    let control =
        |code: &str| format!("Your answer contains a control character (U+{code}), which cannot");
    let cases: Vec<(&str, String, String)> = vec![
        ("empty", String::new(), empty.to_owned()),
        ("whitespace", " \n\t \r\n ".to_owned(), empty.to_owned()),
        (
            "wide spaces",
            "\u{3000}\u{a0}\u{2003}".to_owned(),
            empty.to_owned(),
        ),
        (
            "zero-width",
            "\u{200b}\u{200c}\u{200d}\u{2060}\u{feff}".to_owned(),
            empty.to_owned(),
        ),
        (
            "direction controls",
            " \u{202e}\u{202d}\u{2066}\u{2069}\u{200f} ".to_owned(),
            empty.to_owned(),
        ),
        (
            "blank fillers",
            "\u{3164}\u{2800}\u{ad}".to_owned(),
            empty.to_owned(),
        ),
        ("4,001 ASCII", "x".repeat(4001), too_long(4001)),
        ("4,001 two-byte", "é".repeat(4001), too_long(4001)),
        ("4,001 emoji", "🦀".repeat(4001), too_long(4001)),
        ("100,000", "y".repeat(100_000), too_long(100_000)),
        ("NUL", "select_related\u{0}JOIN".to_owned(), control("0000")),
        (
            "terminal escapes",
            "\u{1b}[2J\u{1b}[31mred".to_owned(),
            control("001B"),
        ),
        ("bell", "ding\u{7}".to_owned(), control("0007")),
        ("C1 control", "next\u{85}line".to_owned(), control("0085")),
        ("DEL", "oops\u{7f}".to_owned(), control("007F")),
    ];
    for (what, text, expected) in &cases {
        let id = h
            .fake
            .submit_modal(&member(31), &format!("answer:{post}"), &[("text", text)]);
        let reply = private_text(&h.answer_to(id).await);
        assert!(reply.starts_with(expected.as_str()), "{what}: {reply}");
    }
    // A form submitted without its text field (a crafted submit) is an empty answer, not a crash.
    let id = h.fake.submit_modal(
        &member(31),
        &format!("answer:{post}"),
        &[("other", "hello")],
    );
    assert_eq!(private_text(&h.answer_to(id).await), empty);
    // Refusals are logged with who and what, at info.
    assert!(
        !log_lines_with(&["refused", "user=31", "control character"]).is_empty(),
        "the refusal was logged"
    );

    assert_eq!(
        crate::common::db_dump(&h.app.url).await,
        before,
        "no refused answer reached the database"
    );
    let calls = h.fake.calls();
    assert!(
        !calls[calls_before..].iter().any(|c| c.method == "PATCH"),
        "the post's answer count was not touched"
    );
    assert_eq!(
        h.app
            .service
            .my_answer(GuildId(GUILD), PostId(post), UserId(31))
            .await
            .unwrap(),
        None
    );
    assert!(assert_nothing_pings(&h.fake, &[]) >= cases.len());
    h.stop().await;
}

/// Text a member may legitimately write but that tries every trick: mentions of everyone, a role,
/// a user and a channel; a code fence left open and one closed early; a spoiler; emphasis;
/// right-to-left overrides and zero-width characters inside words.
const HOSTILE: &str = "@everyone @here <@&555> <@1> <#77> ```\n``` out of the fence\n\
||spoiler|| **bold** ~~gone~~ [link](https://example.com) > quote\n\
\u{202e}desrever\u{202c} zero\u{200b}width select_related makes a JOIN";

#[tokio::test]
async fn a_hostile_but_valid_answer_is_kept_verbatim_echoed_only_in_its_form_and_pings_nobody() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let post = posted(&h).await;
    let saved = h.answer(32, post, HOSTILE).await;
    assert!(saved.starts_with("Saved."), "{saved}");

    // The only place the answer comes back: the member's own form, a plain text field (Markdown
    // does not render there), exactly as written and within its 4,000 characters.
    let message = h.fake.messages_in(CHANNEL)[0]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let click = h
        .fake
        .click_button(&member(32), message, &format!("ans:{post}"));
    h.answer_to(click).await;
    let form = h.fake.modal_shown(click).expect("the answer form");
    let input = fake_discord::first_component(&form);
    assert_eq!(input["value"], HOSTILE);
    assert_eq!(input["max_length"], 4000);

    // The post's embed shows a count, never the answer.
    let post_message = &h.fake.messages_in(CHANNEL)[0];
    assert!(!post_message.to_string().contains("spoiler"));

    // Feedback after the reveal lists the key points, not the member's text.
    h.app.clock.set(crate::common::utc("2026-06-02T09:00:00Z"));
    assert_eq!(h.tick().await.revealed, 1);
    let feedback = h
        .answer_to(h.fake.click_button(&member(32), 1, &format!("fb:{post}")))
        .await;
    let feedback = private_text(&feedback);
    assert!(feedback.contains("**Covered:**"), "{feedback}");
    for fragment in ["@everyone", "<@&555>", "||spoiler", "desrever", "```\n```"] {
        assert!(!feedback.contains(fragment), "{fragment} in {feedback}");
    }

    // /stats about that member names them as a mention that pings nobody.
    let stats = h
        .command_text(&member(33), "stats", json!([opt("member", 6, "32")]))
        .await;
    assert!(stats.starts_with("<@32>: **"), "{stats}");

    // A practice answer is scored, and its result shows the key points and the model answer,
    // never the answer itself.
    let quiz = h
        .app
        .service
        .start_quiz(GuildId(GUILD), UserId(34), QuizFilter::default())
        .await
        .unwrap();
    let submit = h.fake.submit_modal(
        &member(34),
        &format!("qa:{}", quiz.id),
        &[("text", HOSTILE)],
    );
    let result = private_text(&h.answer_to(submit).await);
    assert!(result.starts_with("**Grade "), "{result}");
    let shown: String = std::iter::once(result)
        .chain(
            h.fake
                .follow_ups(submit)
                .iter()
                .map(|f| f["content"].as_str().unwrap_or_default().to_owned()),
        )
        .collect();
    for fragment in ["@everyone", "<@&555>", "||spoiler", "desrever"] {
        assert!(!shown.contains(fragment), "{fragment} in the quiz result");
    }

    // Every message and reply of this whole test pinged nobody.
    let checked = assert_nothing_pings(&h.fake, &[]);
    assert!(checked >= 6, "only {checked} bodies checked");
    h.stop().await;
}

#[tokio::test]
async fn hostile_command_options_are_quoted_harmlessly_or_refused_and_change_nothing() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let s = h
        .app
        .service
        .add_schedule(GuildId(GUILD), spec())
        .await
        .unwrap();
    let before = crate::common::db_dump(&h.app.url).await;
    let breakout = "``` @everyone ||x|| <@&555> **b** [l](https://e.com)";
    let long = "9".repeat(6000);
    let add = |time: &str, zone: &str, tracks: &str, reveal: &str| {
        sub(
            "add",
            vec![
                opt("channel", 7, &CHANNEL.to_string()),
                opt("time", 3, time),
                opt("timezone", 3, zone),
                opt("tracks", 3, tracks),
                opt("reveal", 3, reveal),
            ],
        )
    };
    let edit = |field: &str, value: &str| {
        sub(
            "edit",
            vec![
                opt("schedule", 4, &s.id.0.to_string()),
                opt(field, 3, value),
            ],
        )
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "Markdown time",
            add(breakout, "UTC", "python", "24h"),
            "invalid time",
        ),
        (
            "long time",
            add(&long, "UTC", "python", "24h"),
            "the time option is 6000 characters long",
        ),
        (
            "control zone",
            add("09:00", "Europe/Berl\u{0}in\u{202e}", "python", "24h"),
            "unknown time zone",
        ),
        (
            "Markdown zone",
            add("09:00", breakout, "python", "24h"),
            "unknown time zone",
        ),
        (
            "Markdown tracks",
            add("09:00", "UTC", &format!("python, {breakout}"), "24h"),
            "track",
        ),
        (
            "long tracks",
            add("09:00", "UTC", &long, "24h"),
            "the tracks option is 6000",
        ),
        (
            "overflowing reveal",
            add("09:00", "UTC", "python", "99999999999999999999999d"),
            "invalid reveal rule",
        ),
        (
            "Markdown reveal",
            add("09:00", "UTC", "python", breakout),
            "invalid reveal",
        ),
        ("edit Markdown time", edit("time", breakout), "invalid time"),
        (
            "edit long zone",
            edit("timezone", &long),
            "the timezone option is 6000",
        ),
        ("edit Markdown tracks", edit("tracks", breakout), "track"),
    ];
    for (what, options, expected) in cases {
        let text = h.command_text(&admin(41), "schedule", options).await;
        assert!(text.contains(expected), "{what}: {text}");
        assert!(text.chars().count() <= 400, "{what}: a short reply");
        let loose = unescaped_markdown(&text);
        assert!(loose.is_empty(), "{what}: {loose:?} unescaped in {text}");
        assert!(
            !text.contains('\u{0}') && !text.contains('\u{202e}'),
            "{what}"
        );
    }
    assert!(
        !log_lines_with(&["refused: invalid options", "user=41"]).is_empty(),
        "refusals are logged"
    );

    // Members' own option, /quiz track, gets the same treatment.
    for (track, expected) in [
        ("`@everyone`", "That track name contains"),
        (long.as_str(), "the track option is 6000"),
    ] {
        let text = h
            .command_text(&member(42), "quiz", json!([opt("track", 3, track)]))
            .await;
        assert!(text.contains(expected), "{text}");
        assert!(unescaped_markdown(&text).is_empty(), "{text}");
    }
    // Autocomplete with a hostile partial answers within Discord's limits, or with nothing.
    for partial in [long.as_str(), "\u{0}\u{202e}eur", breakout] {
        let id = h
            .fake
            .autocomplete_sub(&admin(41), "schedule", "add", "timezone", partial);
        let reply = h.answer_to(id).await;
        assert_eq!(reply["type"], 8, "{reply}");
        assert!(
            reply["data"]["choices"]
                .as_array()
                .is_none_or(|c| c.len() <= 25)
        );
    }

    assert_eq!(
        crate::common::db_dump(&h.app.url).await,
        before,
        "nothing changed"
    );
    assert_nothing_pings(&h.fake, &[]);
    h.stop().await;
}

/// Click a button and return the private reply; fails if the bot showed a form instead.
async fn click(h: &Harness, who: &Invoker, custom_id: &str) -> String {
    private_text(&h.answer_to(h.fake.click_button(who, 1, custom_id)).await)
}

async fn submit(h: &Harness, who: &Invoker, custom_id: &str) -> String {
    let id = h
        .fake
        .submit_modal(who, custom_id, &[("text", "select_related makes a JOIN")]);
    private_text(&h.answer_to(id).await)
}

#[tokio::test]
async fn tampered_or_foreign_custom_ids_are_refused_logged_and_change_nothing() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let post = posted(&h).await;
    // Member 51's practice question: nobody else may open or answer it.
    let quiz = h
        .app
        .service
        .start_quiz(GuildId(GUILD), UserId(51), QuizFilter::default())
        .await
        .unwrap()
        .id;
    let before = crate::common::db_dump(&h.app.url).await;

    let stale = "This button is no longer valid.";
    let not_here = "That question is not part of this server.";
    let not_yours = "That practice question is not yours";
    let huge = "ans:99999999999999999999";
    let forged = "ans:1\n2026-06-01T09:00:00Z  INFO dailydrill: forged line";
    let garbage = "x".repeat(100);
    let buttons: Vec<(Invoker, String, &str)> = vec![
        (member(52), "ans:notanumber".into(), stale),
        (member(52), huge.into(), stale),
        (member(52), "ans:".into(), stale),
        (member(52), "ans".into(), stale),
        (member(52), ":".into(), stale),
        (member(52), String::new(), stale),
        (member(52), "ans:1:2".into(), stale),
        (member(52), "delete:1".into(), stale),
        (member(52), "fb:abc".into(), stale),
        (member(52), garbage.clone(), stale),
        (member(52), forged.into(), stale),
        (member(52), "\u{1b}[2Jans:1".into(), stale),
        (member(52), "ans:-1".into(), not_here),
        (member(52), "ans:0".into(), not_here),
        (member(52), format!("ans:{}", i64::MAX), not_here),
        (member(52), format!("fb:{}", post + 1), not_here),
        (member(52), format!("qz:{quiz}"), not_yours),
        (member(52), "qz:-5".into(), not_yours),
        (outsider(51, 0), format!("ans:{post}"), not_here),
        (outsider(51, 0), format!("fb:{post}"), not_here),
        (outsider(51, 0), format!("qz:{quiz}"), not_yours),
    ];
    for (who, id, expected) in &buttons {
        let text = click(&h, who, id).await;
        assert!(text.starts_with(expected), "{id:?}: {text}");
        // Logged as a refusal, with the custom_id quoted (escaped) and who sent it.
        let quoted = format!("custom_id={id:?}");
        let user = format!("user={}", who.user);
        assert!(
            !log_lines_with(&["refused", &quoted, &user]).is_empty(),
            "{id:?} was not logged"
        );
    }
    // A crafted custom_id cannot forge a log line: its line break stays escaped inside one line.
    assert!(
        log_lines_with(&["forged line"])
            .iter()
            .all(|l| l.contains(r"ans:1\n2026")),
        "{:#?}",
        log_lines_with(&["forged line"])
    );

    let forms: Vec<(Invoker, String, &str)> = vec![
        (
            member(52),
            "answer:99999999999999999999".into(),
            "This form is no longer valid.",
        ),
        (member(52), "nope:1".into(), "This form is no longer valid."),
        (member(52), String::new(), "This form is no longer valid."),
        (member(52), "answer:-1".into(), not_here),
        (member(52), format!("answer:{}", post + 1), not_here),
        (outsider(52, 0), format!("answer:{post}"), not_here),
        (member(52), format!("qa:{quiz}"), not_yours),
        (outsider(51, 0), format!("qa:{quiz}"), not_yours),
    ];
    for (who, id, expected) in &forms {
        let text = submit(&h, who, id).await;
        assert!(text.starts_with(expected), "{id:?}: {text}");
        let quoted = format!("custom_id={id:?}");
        assert!(
            !log_lines_with(&["refused", &quoted]).is_empty(),
            "{id:?} was not logged"
        );
    }

    assert_eq!(
        crate::common::db_dump(&h.app.url).await,
        before,
        "no crafted request changed the database"
    );
    // The member's own quiz is still open to them.
    let own = submit(&h, &member(51), &format!("qa:{quiz}")).await;
    assert!(own.starts_with("**Grade "), "{own}");
    assert_nothing_pings(&h.fake, &[]);
    h.stop().await;
}

#[tokio::test]
async fn admin_commands_from_a_member_without_manage_server_are_refused_and_logged() {
    let h = Harness::spawn("2026-06-01T08:00:00Z").await;
    let post = posted(&h).await;
    let before = crate::common::db_dump(&h.app.url).await;
    let messages = h.fake.messages_in(CHANNEL);
    let which = || json!([opt("schedule", 4, "1")]);
    // As if the server's admins had opened these commands to everyone in the server settings:
    // Discord delivers them, and the bot checks the member's permissions itself.
    let commands: Vec<(&str, Value, &str)> = vec![
        (
            "schedule",
            sub(
                "add",
                vec![
                    opt("channel", 7, &CHANNEL.to_string()),
                    opt("time", 3, "10:00"),
                    opt("timezone", 3, "UTC"),
                ],
            ),
            "schedule add",
        ),
        (
            "schedule",
            sub(
                "edit",
                vec![opt("schedule", 4, "1"), opt("time", 3, "11:00")],
            ),
            "schedule edit",
        ),
        ("schedule", sub("list", vec![]), "schedule list"),
        (
            "schedule",
            sub("pause", vec![opt("schedule", 4, "1")]),
            "schedule pause",
        ),
        (
            "schedule",
            sub("resume", vec![opt("schedule", 4, "1")]),
            "schedule resume",
        ),
        (
            "schedule",
            sub("remove", vec![opt("schedule", 4, "1")]),
            "schedule remove",
        ),
        ("post-now", which(), "post-now"),
        ("reveal-now", which(), "reveal-now"),
        ("skip", which(), "skip"),
    ];
    for (name, options, qualified) in commands {
        let text = h.command_text(&member(61), name, options).await;
        assert_eq!(
            text,
            format!("You need the Manage Server permission to use /{qualified}."),
        );
        let command = format!("command={qualified}");
        assert!(
            !log_lines_with(&["refused: missing Manage Server", "user=61", &command]).is_empty(),
            "/{qualified} refusal was not logged"
        );
    }
    assert_eq!(
        crate::common::db_dump(&h.app.url).await,
        before,
        "nothing changed"
    );
    assert_eq!(
        h.fake.messages_in(CHANNEL),
        messages,
        "nothing posted, revealed or edited"
    );
    // The open question is still open to answers.
    assert!(h.answer(62, post, "still open").await.starts_with("Saved."));
    assert_nothing_pings(&h.fake, &[]);
    h.stop().await;
}

#[tokio::test]
async fn another_servers_schedules_posts_and_records_are_out_of_reach() {
    let h = Harness::with_schedule("2026-06-01T08:00:00Z", spec_at("21:00")).await;
    h.app.clock.set(crate::common::utc("2026-06-01T09:00:00Z"));
    assert_eq!(h.tick().await.posted, 1);
    let post = h.latest_post_id();
    assert!(
        h.answer(71, post, "select_related makes a JOIN")
            .await
            .starts_with("Saved.")
    );
    // The answer count is edited a moment later (coalesced); wait for it before the snapshot.
    h.fake
        .wait_for(WAIT, |f| {
            f.messages_in(CHANNEL)
                .iter()
                .any(|m| m["embeds"][0]["footer"]["text"] == "1 member has answered")
                .then_some(())
        })
        .await
        .expect("the answer count was updated");
    let before = crate::common::db_dump(&h.app.url).await;
    let messages = h.fake.messages_in(CHANNEL);

    // An admin of another server names this server's schedule #1, and numbers that exist nowhere.
    let boss = outsider(72, crate::common::harness::MANAGE_GUILD);
    for id in ["1", "0", "-1", &i64::MAX.to_string()] {
        let which = || json!([opt("schedule", 4, id)]);
        let expected = format!("There is no schedule #{id} in this server");
        let attempts: Vec<(&str, Value)> = vec![
            (
                "schedule",
                sub(
                    "edit",
                    vec![opt("schedule", 4, id), opt("time", 3, "10:00")],
                ),
            ),
            ("schedule", sub("pause", vec![opt("schedule", 4, id)])),
            ("schedule", sub("resume", vec![opt("schedule", 4, id)])),
            ("schedule", sub("remove", vec![opt("schedule", 4, id)])),
            ("post-now", which()),
            ("reveal-now", which()),
            ("skip", which()),
        ];
        for (name, options) in attempts {
            let text = h.command_text(&boss, name, options).await;
            assert!(text.starts_with(&expected), "/{name} {id}: {text}");
        }
    }
    assert!(
        !log_lines_with(&["refused: There is no schedule #1", "guild=9999", "user=72"]).is_empty(),
        "the refusals were logged"
    );
    assert_eq!(
        crate::common::db_dump(&h.app.url).await,
        before,
        "nothing changed"
    );
    assert_eq!(
        h.fake.messages_in(CHANNEL),
        messages,
        "nothing posted or revealed"
    );

    // What the other server sees of this one: nothing.
    let list = h.command_text(&boss, "schedule", sub("list", vec![])).await;
    assert!(list.starts_with("No schedules yet"), "{list}");
    let open = h.command_text(&boss, "question", json!([])).await;
    assert!(open.starts_with("No question is open"), "{open}");

    // After the reveal here, member 71 has points here and none there.
    h.app.clock.set(crate::common::utc("2026-06-01T21:00:00Z"));
    assert_eq!(h.tick().await.revealed, 1);
    let here = h
        .command_text(&member(73), "stats", json!([opt("member", 6, "71")]))
        .await;
    assert!(!here.contains("**0** points"), "{here}");
    let there = h
        .command_text(&outsider(73, 0), "stats", json!([opt("member", 6, "71")]))
        .await;
    assert!(there.contains("**0** points from 0 answers"), "{there}");
    let board = h
        .command_text(&outsider(73, 0), "leaderboard", json!([]))
        .await;
    assert!(board.contains("Nobody has scored yet"), "{board}");
    let streak = h.command_text(&outsider(71, 0), "streak", json!([])).await;
    assert!(streak.starts_with("No streak yet"), "{streak}");
    assert_nothing_pings(&h.fake, &[]);
    h.stop().await;
}
