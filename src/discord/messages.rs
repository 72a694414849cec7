//! What a member or admin reads when a use case refuses: the service's errors carry data, and
//! their wording for Discord (markup, timestamps, command names) lives here.

use crate::service::Error;

/// What a member reads when something failed on the bot's side (the detail goes to the log).
pub const INTERNAL_FAILURE: &str =
    "Something went wrong on our side. Please try again in a moment.";

/// The member-facing text of a refusal; [`INTERNAL_FAILURE`] for an internal failure.
pub fn explain(error: &Error) -> String {
    match error {
        Error::PostNotFound => "That question is not part of this server.".to_owned(),
        Error::AnswersClosed { closed_at } => format!(
            "Answers for this question closed at the reveal (<t:{}:f>).",
            closed_at.timestamp()
        ),
        Error::EmptyAnswer => {
            "Your answer is empty. Write your answer, then submit again.".to_owned()
        }
        Error::ControlCharacter { code } => format!(
            "Your answer contains a control character (U+{code:04X}), which cannot be shown; remove it and submit again."
        ),
        Error::AnswerTooLong { length, limit } => format!(
            "Your answer is {length} characters long; the limit is {limit}. Shorten it and submit again."
        ),
        Error::NotRevealedYet { reveal_at } => format!(
            "The model answer has not been revealed yet; feedback comes at <t:{}:f>.",
            reveal_at.timestamp()
        ),
        Error::ScheduleNotFound(id) => {
            format!("There is no schedule #{id} in this server; /schedule list shows them.")
        }
        Error::TooManySchedules { limit } => format!(
            "This server already has {limit} schedules, the most allowed; remove one first."
        ),
        Error::UnknownTrack { track, known } => {
            format!("Unknown track `{track}`; choose from: {known}.")
        }
        Error::NoQuestionsSelected { tracks, difficulty } => format!(
            "No question of {tracks}{} is in the corpus, so the schedule would have nothing to post; choose other tracks or another difficulty.",
            difficulty.map_or_else(String::new, |d| format!(" at difficulty {d}"))
        ),
        Error::ReminderHours { hours, max } => format!(
            "Reminders come 1 to {max} hours before the reveal; {hours} is outside that."
        ),
        Error::EmptyDeck(id) => format!(
            "Schedule #{id} has no questions to post: its tracks are empty in the current corpus."
        ),
        Error::NothingOpen(id) => format!("Schedule #{id} has no question open right now."),
        Error::NotDelivered(id) => format!(
            "Schedule #{id}'s open question has not reached Discord yet, so members have not seen it; it cannot be revealed before they do. The bot keeps sending it; if it never arrives, its day counts as missed. /skip closes it now without scoring."
        ),
        Error::QuizNotFound => {
            "That practice question is not yours, or no longer exists; start a new one with /quiz."
                .to_owned()
        }
        Error::QuizAlreadyAnswered => {
            "You already answered this practice question; start another with /quiz.".to_owned()
        }
        Error::NotAnswered => {
            "You did not answer this question, so there is nothing of yours to share; the model answer and the discussion are in the thread."
                .to_owned()
        }
        Error::AlreadyShared => {
            "You already shared your answer to this question; it is in the discussion thread."
                .to_owned()
        }
        Error::MockNotFound => {
            "That mock interview is not yours, or no longer exists; /mock starts one.".to_owned()
        }
        Error::MockEnded => {
            "That mock interview has ended (after 30 minutes without an answer, or at its last question); /mock starts another, and what you did not answer comes back in /review."
                .to_owned()
        }
        Error::MockQuestionAnswered => {
            "You already answered that question of your mock interview; press Next question to go on."
                .to_owned()
        }
        Error::ReviewNotFound => {
            "That review is not yours, or no longer exists; run /review for your next one."
                .to_owned()
        }
        Error::ReviewAlreadyAnswered => {
            "You already answered this review; run /review for your next one.".to_owned()
        }
        Error::PastNotFound { total: 0, .. } => {
            "No question has been revealed in this server yet; model answers appear here after each reveal.".to_owned()
        }
        Error::PastNotFound { number, total } => format!(
            "There is no earlier question #{number}; this server has revealed {total} (#1 to #{total}). /past lists them."
        ),
        Error::NoQuizQuestions(filter) => {
            let wanted = match (&filter.track, filter.difficulty) {
                (Some(t), Some(d)) => format!("track `{t}` at difficulty {d}"),
                (Some(t), None) => format!("track `{t}`"),
                (None, Some(d)) => format!("difficulty {d}"),
                (None, None) => "any track".to_owned(),
            };
            format!("No practice question matches {wanted}.")
        }
        Error::UploadTooLarge { bytes, limit } => format!(
            "That file is {bytes} bytes; a deck upload is at most {limit} bytes. Nothing was imported."
        ),
        Error::InvalidDeck(problems) => deck_problems(problems),
        Error::TooManyDecks { limit } => format!(
            "This server already has {limit} decks, the most allowed; remove one first (/deck remove). Nothing was imported."
        ),
        Error::DeckTooManyQuestions { total, limit } => format!(
            "With this deck the server's decks would hold {total} questions; the limit is {limit}. Nothing was imported."
        ),
        Error::DeckTooLarge { total, limit } => format!(
            "With this deck the server's decks would hold {total} bytes of text; the limit is {limit}. Nothing was imported."
        ),
        Error::UnknownDeck { name } => format!(
            "This server has no deck `{}`; /deck list shows them.",
            crate::discord::render::clip(name, 64)
        ),
        Error::DeckInUse { name, schedules } => {
            let ids: Vec<String> = schedules.iter().map(|s| format!("#{s}")).collect();
            format!(
                "Deck `{name}` is used by schedule(s) {}; change their tracks first (/schedule edit), or remove it with `force: True`, which takes it out of them and pauses any left with no track.",
                ids.join(", ")
            )
        }
        Error::DeckNameTaken { name } => format!(
            "`{name}` is one of the bundled tracks; give the deck another name."
        ),
        Error::NoModerationChannel => "This server takes no suggestions yet: an admin chooses where they go with `/deck moderation channel:`.".to_owned(),
        Error::TooManyOpenSuggestions { limit } => format!(
            "You have {limit} suggestions waiting for the moderators already; suggest more once they have decided."
        ),
        Error::SuggestionTooLong { field, length, limit } => format!(
            "The {field} is {length} characters; the limit is {limit}."
        ),
        Error::SuggestionNotFound => "That suggestion is not part of this server.".to_owned(),
        Error::SuggestionDecided => {
            "That suggestion was decided already (another moderator may have been quicker).".to_owned()
        }
        Error::Store(_) | Error::Corrupt(_) | Error::Unavailable(_) => INTERNAL_FAILURE.to_owned(),
    }
}

/// The most a deck refusal lists before "and N more": the reply stays within one message.
const DECK_PROBLEMS_CHARS: usize = 1500;

/// Every problem of a deck as `file:line: message`, in a code block (file names are the
/// uploader's text), trimmed to fit one message.
fn deck_problems(problems: &crate::corpus::Problems) -> String {
    let mut listed = String::new();
    let mut shown = 0;
    for problem in problems.iter() {
        let line = problem.to_string().replace("```", "'''");
        let line = crate::discord::render::clip(&line, 300);
        if listed.len() + line.len() + 1 > DECK_PROBLEMS_CHARS {
            break;
        }
        listed.push_str(&line);
        listed.push('\n');
        shown += 1;
    }
    let more = match problems.len() - shown {
        0 => String::new(),
        more => format!("…and {more} more.\n"),
    };
    format!(
        "The deck was not imported; nothing changed. {} problem(s) to fix:\n```\n{listed}```{more}",
        problems.len()
    )
}
