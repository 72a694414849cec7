//! Server decks on a real database: an import is all or nothing, re-importing keeps a question's
//! id while its file keeps its `id`, a removed deck's open question is still revealed and the
//! answers given keep it, the server limits hold, a deck is one server's only, and the admin who
//! imported it is part of their data (exported, forgotten).

use crate::common::{app, daily_spec, utc};
use dailydrill::corpus::server_deck::{MAX_DECKS_PER_SERVER, MAX_QUESTIONS_PER_SERVER};
use dailydrill::domain::ids::{GuildId, UserId};
use dailydrill::service::{Error, QuizFilter, ScheduleSpec};

const GUILD: GuildId = GuildId(61);
const OTHER: GuildId = GuildId(62);
const ADMIN: UserId = UserId(1);
const MEMBER: UserId = UserId(2);

fn question(id: &str, track: &str, text: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntrack = \"{track}\"\ndifficulty = \"medium\"\nquestion = \"{text}\"\n+++\n\nThe model answer to {text}\n"
    )
}

fn zip_of(entries: &[(String, String)]) -> Vec<u8> {
    dailydrill::corpus::deck_archive::zip_entries(entries).unwrap()
}

/// A deck `name` of `n` questions `q0`…, each asking `prefix N?`.
fn deck(name: &str, n: usize, prefix: &str) -> Vec<u8> {
    let files: Vec<(String, String)> = (0..n)
        .map(|i| {
            (
                format!("{name}/q{i}.md"),
                question(&format!("q{i}"), name, &format!("{prefix} {i}?")),
            )
        })
        .collect();
    zip_of(&files)
}

fn spec(tracks: &str) -> ScheduleSpec {
    ScheduleSpec {
        tracks: tracks.split(',').map(|t| t.parse().unwrap()).collect(),
        ..daily_spec(9)
    }
}

#[tokio::test]
async fn a_reimport_keeps_ids_and_a_removed_deck_keeps_its_open_question() {
    let t = app(utc("2026-06-01T08:00:00Z"), 3).await;
    let svc = t.service.clone();
    svc.import_deck(GUILD, ADMIN, "ours.zip", &deck("ours", 1, "First"), None)
        .await
        .unwrap();
    let schedule = svc.add_schedule(GUILD, spec("ours")).await.unwrap().id;
    let post = svc.post_now(GUILD, schedule).await.unwrap();
    crate::common::delivered(&svc, post.id).await;
    assert_eq!(post.question.question, "First 0?");
    assert!(post.question.id.as_str().starts_with("deck-"));
    assert_eq!(post.track_name, "ours");
    svc.submit_answer(GUILD, post.id, MEMBER, "An answer.")
        .await
        .unwrap();

    // The same file id, new text: the question keeps its id, so the open post shows the new text.
    let again = svc
        .import_deck(GUILD, ADMIN, "ours.zip", &deck("ours", 2, "Second"), None)
        .await
        .unwrap();
    assert!(again.replaced);
    let quiz = svc
        .start_quiz(
            GUILD,
            MEMBER,
            QuizFilter {
                track: Some("ours".parse().unwrap()),
                difficulty: None,
            },
        )
        .await
        .unwrap();
    assert!(
        quiz.question.question.starts_with("Second"),
        "{:?}",
        quiz.question.question
    );

    // Removal is refused while scheduled; forced, the open post is still revealed with its
    // question, and the answer given keeps it.
    assert!(matches!(
        svc.remove_deck(GUILD, "ours", false).await,
        Err(Error::DeckInUse { .. })
    ));
    let removed = svc.remove_deck(GUILD, "ours", true).await.unwrap();
    assert_eq!(removed.paused, [schedule]);
    let reveal = svc.reveal_now(GUILD, schedule).await.unwrap();
    assert_eq!(reveal.question.unwrap().question, "Second 0?");
    let feedback = svc.feedback(GUILD, post.id, MEMBER).await.unwrap();
    assert!(feedback.answered && !feedback.assessment.rubric);
    assert_eq!(feedback.points, 10, "the points for answering only");
    assert!(svc.decks(GUILD).await.unwrap().is_empty());
    assert!(matches!(
        svc.add_schedule(GUILD, spec("ours")).await,
        Err(Error::UnknownTrack { .. })
    ));
}

#[tokio::test]
async fn server_limits_hold_and_a_refused_import_stores_nothing() {
    let t = app(utc("2026-06-01T08:00:00Z"), 3).await;
    let svc = t.service.clone();
    let half = MAX_QUESTIONS_PER_SERVER / 2 + 1;
    svc.import_deck(GUILD, ADMIN, "a.zip", &deck("a", half, "A"), None)
        .await
        .unwrap();
    let refused = svc
        .import_deck(GUILD, ADMIN, "b.zip", &deck("b", half, "B"), None)
        .await;
    assert!(
        matches!(refused, Err(Error::DeckTooManyQuestions { total, limit }) if total == 2 * half && limit == MAX_QUESTIONS_PER_SERVER),
        "{refused:?}"
    );
    assert_eq!(
        svc.decks(GUILD).await.unwrap().len(),
        1,
        "nothing of b stored"
    );
    // Replacing a deck counts its new size, not both.
    svc.import_deck(GUILD, ADMIN, "a.zip", &deck("a", half, "A again"), None)
        .await
        .unwrap();

    for n in 1..MAX_DECKS_PER_SERVER {
        let name = format!("d{n}");
        svc.import_deck(OTHER, ADMIN, "x.zip", &deck(&name, 1, "X"), None)
            .await
            .unwrap();
    }
    svc.import_deck(OTHER, ADMIN, "x.zip", &deck("last", 1, "X"), None)
        .await
        .unwrap();
    let refused = svc
        .import_deck(OTHER, ADMIN, "x.zip", &deck("one-more", 1, "X"), None)
        .await;
    assert!(
        matches!(refused, Err(Error::TooManyDecks { limit: 25 })),
        "{refused:?}"
    );
    // One server's many decks are not the other's.
    assert_eq!(svc.decks(GUILD).await.unwrap().len(), 1);
    assert_eq!(svc.tracks_in(GUILD).len(), svc.corpus().tracks().len() + 1);

    // An invalid file anywhere refuses the whole deck.
    let mut files: Vec<(String, String)> = (0..3)
        .map(|i| (format!("c/q{i}.md"), question(&format!("q{i}"), "c", "C?")))
        .collect();
    files.push(("c/broken.md".into(), "no front matter".into()));
    let refused = svc
        .import_deck(GUILD, ADMIN, "c.zip", &zip_of(&files), None)
        .await;
    let Err(Error::InvalidDeck(problems)) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(
        problems.0[0].to_string(),
        "c/broken.md:1: a question file must start with a line \"+++\" that opens its TOML front matter"
    );
    assert!(
        !svc.decks(GUILD)
            .await
            .unwrap()
            .iter()
            .any(|d| d.name.as_str() == "c")
    );
}

#[tokio::test]
async fn decks_survive_a_restart_and_the_importer_is_in_their_data() {
    let mut t = app(utc("2026-06-01T08:00:00Z"), 3).await;
    t.service
        .import_deck(GUILD, ADMIN, "ours.zip", &deck("ours", 3, "Q"), None)
        .await
        .unwrap();
    t.restart(4).await;
    let svc = t.service.clone();
    let decks = svc.decks(GUILD).await.unwrap();
    assert_eq!((decks[0].name.as_str(), decks[0].questions), ("ours", 3));
    assert_eq!(decks[0].without_rubric, 3);
    assert_eq!(decks[0].imported_by, Some(ADMIN));
    let mine = svc.my_data(GUILD, ADMIN).await.unwrap();
    assert_eq!(mine.decks_imported[0].name, "ours");
    assert!(
        svc.my_data(OTHER, ADMIN)
            .await
            .unwrap()
            .decks_imported
            .is_empty()
    );
    svc.forget_member(GUILD, ADMIN).await.unwrap();
    assert!(
        svc.my_data(GUILD, ADMIN)
            .await
            .unwrap()
            .decks_imported
            .is_empty()
    );
    let decks = svc.decks(GUILD).await.unwrap();
    assert_eq!(
        (decks.len(), decks[0].imported_by),
        (1, None),
        "the deck stays the server's"
    );
}

#[tokio::test]
async fn a_suggesters_data_is_theirs_and_forgetting_removes_the_credit_not_the_question() {
    use dailydrill::domain::ids::ChannelId;
    use dailydrill::service::SuggestionText;
    let t = app(utc("2026-06-01T08:00:00Z"), 3).await;
    let svc = t.service.clone();
    let text = SuggestionText {
        question: "What does our deploy script check first?",
        answer: "That the tag is signed.",
        topic: "ours",
    };
    assert!(matches!(
        svc.suggest(GUILD, MEMBER, text).await,
        Err(Error::NoModerationChannel)
    ));
    svc.set_moderation_channel(GUILD, Some(ChannelId(5)))
        .await
        .unwrap();
    let row = svc.suggest(GUILD, MEMBER, text).await.unwrap();
    let python: dailydrill::corpus::TrackId = "python".parse().unwrap();
    let medium = dailydrill::corpus::Difficulty::Medium;
    assert!(matches!(
        svc.approve_suggestion(GUILD, row.id, ADMIN, &python, medium)
            .await,
        Err(Error::DeckNameTaken { .. })
    ));
    assert!(
        matches!(
            svc.approve_suggestion(OTHER, row.id, ADMIN, &"ours".parse().unwrap(), medium)
                .await,
            Err(Error::SuggestionNotFound)
        ),
        "another server's moderators cannot decide it"
    );
    svc.approve_suggestion(GUILD, row.id, ADMIN, &"ours".parse().unwrap(), medium)
        .await
        .unwrap();
    let schedule = svc.add_schedule(GUILD, spec("ours")).await.unwrap().id;
    let post = svc.post_now(GUILD, schedule).await.unwrap();
    assert_eq!(post.question.suggested_by, Some(MEMBER.0));

    let mine = svc.my_data(GUILD, MEMBER).await.unwrap();
    assert_eq!(mine.suggestions.len(), 1);
    assert_eq!(
        (
            mine.suggestions[0].status.as_str(),
            mine.suggestions[0].deck.as_deref()
        ),
        ("approved", Some("ours"))
    );
    svc.forget_member(GUILD, MEMBER).await.unwrap();
    assert!(
        svc.my_data(GUILD, MEMBER)
            .await
            .unwrap()
            .suggestions
            .is_empty()
    );
    let (summary, entries) = svc.deck(GUILD, "ours").await.unwrap();
    assert_eq!(
        (summary.questions, entries.len()),
        (1, 1),
        "the question stays the server's"
    );
    let post = svc.post(GUILD, post.id).await.unwrap();
    assert_eq!(post.question.suggested_by, None, "without its credit");
}

#[tokio::test]
async fn two_moderators_deciding_at_once_decide_once() {
    use dailydrill::domain::ids::ChannelId;
    use dailydrill::service::SuggestionText;
    let t = app(utc("2026-06-01T08:00:00Z"), 3).await;
    let svc = t.service.clone();
    svc.set_moderation_channel(GUILD, Some(ChannelId(5)))
        .await
        .unwrap();
    let text = SuggestionText {
        question: "Which linter do we run in CI?",
        answer: "Ruff, with the rules in pyproject.toml.",
        topic: "",
    };
    let row = svc.suggest(GUILD, MEMBER, text).await.unwrap();
    let deck: dailydrill::corpus::TrackId = "ours".parse().unwrap();
    let medium = dailydrill::corpus::Difficulty::Medium;
    let (a, b, c) = tokio::join!(
        svc.approve_suggestion(GUILD, row.id, UserId(7), &deck, medium),
        svc.approve_suggestion(GUILD, row.id, UserId(8), &deck, medium),
        svc.reject_suggestion(GUILD, row.id, UserId(9), "No."),
    );
    let decided = [a.is_ok(), b.is_ok(), c.is_ok()];
    assert_eq!(
        decided.iter().filter(|d| **d).count(),
        1,
        "{a:?} {b:?} {c:?}"
    );
    for result in [&a, &b].into_iter().filter_map(|r| r.as_ref().err()) {
        assert!(matches!(result, Error::SuggestionDecided), "{result:?}");
    }
    let questions = svc
        .deck(GUILD, "ours")
        .await
        .map_or(0, |(summary, _)| summary.questions);
    assert_eq!(
        questions,
        usize::from(a.is_ok() || b.is_ok()),
        "added once, or not at all"
    );
    assert_eq!(
        svc.suggestions_to_notify().await.unwrap().len(),
        1,
        "told once"
    );
}
