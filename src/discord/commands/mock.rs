//! `/mock`: a mock interview, in a private thread with the member (or, where the bot may not
//! open one, in private replies): each question with its suggested time and an Answer button,
//! the grader's feedback and the interviewer's follow-up after each answer, a Next question
//! button, and a report card at the end.

use poise::CreateReply;
use poise::serenity_prelude as serenity;
use serenity::{
    AutoArchiveDuration, ButtonStyle, ChannelType, CreateActionRow, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage,
    CreateThread, ModalInteraction,
};

use super::practice::{DifficultyChoice, complete_track, parse_track};
use crate::discord::context::{Context, Data, Error, Invoker};
use crate::discord::render::{self, GENERIC_PLACEHOLDER, custom_id, ephemeral, form, no_mentions};
use crate::discord::reply::{
    Origin, command_refusal, invalid_options, refusal, refused_click, say,
};
use crate::discord::split;
use crate::domain::ids::MockId;
use crate::feedback::grade_word;
use crate::service::{
    DEFAULT_MOCK_QUESTIONS, MockAnswer, MockQuestionView, MockReport, MockStart, QuizFilter,
    Service,
};
use crate::store::mocks::Outcome;

/// A mock question's Answer button and form (id: the mock's times 10 plus the position, so a
/// form answers the question it was opened for), and Next question (id: the mock's).
pub const ANSWER_BUTTON: &str = "mk";
pub const ANSWER_MODAL: &str = "mka";
pub const NEXT_BUTTON: &str = "mkn";

/// A mock interview, privately: 3 to 8 questions, each timed, with feedback and a report card.
#[poise::command(slash_command, guild_only)]
pub async fn mock(
    ctx: Context<'_>,
    #[description = "Track"]
    #[autocomplete = "complete_track"]
    #[max_length = 100]
    track: Option<String>,
    #[description = "Difficulty"] difficulty: Option<DifficultyChoice>,
    #[description = "How many questions (3 to 8; 5 by default)"]
    #[min = 3]
    #[max = 8]
    questions: Option<u8>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let track = match parse_track(track.as_deref()) {
        Ok(track) => track,
        Err(why) => return say(ctx, invalid_options(ctx, who, &why)).await,
    };
    let filter = QuizFilter {
        track,
        difficulty: difficulty.map(DifficultyChoice::difficulty),
    };
    // Opening a private thread takes requests of its own: past Discord's 3 s, acknowledged first.
    ctx.defer_ephemeral().await?;
    let service = &ctx.data().service;
    let size = questions.unwrap_or(DEFAULT_MOCK_QUESTIONS);
    match service.start_mock(who.guild, who.user, filter, size).await {
        Ok(start) => {
            let reply = open(ctx, who, &start).await;
            ctx.send(reply.ephemeral(true).allowed_mentions(no_mentions()))
                .await?;
            Ok(())
        }
        Err(e) => say(ctx, command_refusal(ctx, who, &e)).await,
    }
}

/// Where the mock runs: a new one in a private thread with the member when the bot may open
/// one in this channel, else in private replies; one under way where it was.
async fn open(ctx: Context<'_>, who: Invoker, start: &MockStart) -> CreateReply {
    let data = ctx.data();
    let service = &data.service;
    let mut intro = String::new();
    if let Some(report) = &start.abandoned {
        intro.push_str(&format!(
            "Your last mock interview ended after 30 minutes without an answer ({} of {} answered); what you did not answer comes back in /review.\n\n",
            report.lines.iter().filter(|l| l.grade.is_some()).count(),
            report.lines.len()
        ));
    }
    let view = &start.current;
    if let (true, Some(thread)) = (start.resumed, view.thread) {
        return CreateReply::default().content(format!(
            "{intro}You have a mock interview under way in <#{thread}>: question {} of {}.",
            view.position, view.size
        ));
    }
    if !start.resumed {
        let name = format!("Mock interview · {}", ctx.author().display_name());
        match open_thread(ctx, who, &name, view).await {
            Ok(thread) => {
                if let Err(e) = service
                    .set_mock_thread(who.guild, who.user, view.mock, thread)
                    .await
                {
                    tracing::error!(mock = %view.mock, "could not record the mock's thread: {e}");
                }
                return CreateReply::default().content(format!(
                    "{intro}Your mock interview is in <#{thread}>, a private thread only you (and the server's moderators) can see. Answer as you would aloud, in your own words; each question is timed from when it is shown."
                ));
            }
            Err(e) => tracing::info!(
                mock = %view.mock,
                "no private thread for a mock interview, it runs in private replies: {e}"
            ),
        }
    }
    intro.push_str(if start.resumed {
        "You have a mock interview under way; here is where you were."
    } else {
        "Mock interview: answer as you would aloud, in your own words; each question is timed from when it is shown."
    });
    let (embed, buttons) = question_parts(service, view);
    CreateReply::default()
        .content(intro)
        .embed(embed)
        .components(buttons)
}

/// A private thread in the command's channel with the member in it, and the first question
/// posted there.
async fn open_thread(
    ctx: Context<'_>,
    who: Invoker,
    name: &str,
    view: &MockQuestionView,
) -> Result<u64, serenity::Error> {
    let data = ctx.data();
    let http = &ctx.serenity_context().http;
    let name: String = name.chars().take(100).collect();
    let thread = CreateThread::new(name)
        .kind(ChannelType::PrivateThread)
        .invitable(false)
        .auto_archive_duration(AutoArchiveDuration::OneHour);
    let channel = ctx.channel_id();
    let thread = data
        .outbox
        .call(|| channel.create_thread(http, thread.clone()))
        .await?
        .id;
    let member = serenity::UserId::new(who.user.0);
    data.outbox
        .call(|| thread.add_thread_member(http, member))
        .await?;
    let (embed, buttons) = question_parts(&data.service, view);
    let message = CreateMessage::new()
        .embed(embed)
        .components(buttons)
        .allowed_mentions(no_mentions());
    data.outbox
        .call(|| thread.send_message(http, message.clone()))
        .await?;
    Ok(thread.get())
}

/// A question of the mock (its embed) with its Answer button.
fn question_parts(
    service: &Service,
    view: &MockQuestionView,
) -> (CreateEmbed, Vec<CreateActionRow>) {
    let q = &view.question;
    let track = service.track_name(&q.track);
    let embed = CreateEmbed::new()
        .title(format!(
            "Mock interview · question {} of {} · {track} · {}",
            view.position, view.size, q.difficulty
        ))
        .description(format!(
            "{}\n\nSuggested time: {} minutes; the clock started <t:{}:R>.",
            q.question,
            view.suggested_minutes,
            view.asked_at.timestamp()
        ))
        .footer(CreateEmbedFooter::new(
            "It ends itself after 30 minutes without an answer.",
        ));
    let id = view.mock.0 * 10 + i64::from(view.position);
    let button = CreateButton::new(custom_id(ANSWER_BUTTON, id))
        .label("Answer")
        .style(ButtonStyle::Primary);
    (embed, vec![CreateActionRow::Buttons(vec![button])])
}

/// The next question as a reply: in the mock's thread for all its members (the member and
/// moderators) to read, else privately.
fn question_reply(service: &Service, view: &MockQuestionView) -> CreateInteractionResponseMessage {
    let (embed, buttons) = question_parts(service, view);
    let message = if view.thread.is_some() {
        CreateInteractionResponseMessage::new().allowed_mentions(no_mentions())
    } else {
        ephemeral("")
    };
    message.embed(embed).components(buttons)
}

/// The mock and position a question's id names.
fn split_id(id: i64) -> (MockId, u8) {
    (MockId(id / 10), u8::try_from(id % 10).unwrap_or(0))
}

/// A click on a mock question's Answer button (the form) or on Next question.
pub async fn on_click(
    data: &Data,
    who: Invoker,
    clicked: &str,
    prefix: &str,
    id: i64,
) -> CreateInteractionResponse {
    let service = &data.service;
    let refuse = |e| refused_click(&e, clicked, who);
    if prefix == NEXT_BUTTON {
        return match service
            .next_mock_question(who.guild, who.user, MockId(id))
            .await
        {
            Ok(view) => CreateInteractionResponse::Message(question_reply(service, &view)),
            Err(e) => refuse(e),
        };
    }
    let (mock, position) = split_id(id);
    match service
        .check_mock_question(who.guild, who.user, mock, position)
        .await
    {
        Ok(()) => CreateInteractionResponse::Modal(form(
            custom_id(ANSWER_MODAL, id),
            GENERIC_PLACEHOLDER,
            None,
        )),
        Err(e) => refuse(e),
    }
}

fn minutes_seconds(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    format!("{}m {:02}s", s / 60, s % 60)
}

/// The feedback on one answer, then the follow-up, then the report card after the last.
fn answer_parts(answer: &MockAnswer) -> Vec<String> {
    let mut text = format!(
        "**Question {} of {}** · {} (suggested {} min)\n\n{}",
        answer.position,
        answer.size,
        minutes_seconds(answer.taken),
        answer.suggested_minutes,
        answer.assessment.markdown()
    );
    if let Some(follow_up) = &answer.follow_up {
        text.push_str(&format!(
            "\n\n**The interviewer follows up:** {follow_up}\nAnswer it aloud before you go on."
        ));
    }
    if let Some(report) = &answer.report {
        text.push_str("\n\n");
        text.push_str(&report_card(report));
    }
    split::split_markdown(&text, split::MESSAGE_LIMIT)
}

/// How long a question's text may run in the report card.
const REPORT_QUESTION_CHARS: usize = 90;

/// The report card: a line per question, what was missed, the total time, the average, and the
/// comparison with the member's previous mock.
pub fn report_card(report: &MockReport) -> String {
    let mut text = match report.outcome {
        Outcome::Finished => "**Report card**".to_owned(),
        Outcome::Abandoned => "**Report card** (ended without an answer for 30 minutes)".to_owned(),
    };
    for line in &report.lines {
        let grade = line.grade.map_or_else(
            || "not answered".to_owned(),
            |g| format!("grade {g}/4 ({})", grade_word(g)),
        );
        let taken = line
            .taken
            .map_or_else(String::new, |t| format!(" · {}", minutes_seconds(t)));
        text.push_str(&format!(
            "\n{}. {} — {grade}{taken}",
            line.position,
            render::clip(&line.question, REPORT_QUESTION_CHARS)
        ));
        if !line.missed.is_empty() {
            text.push_str(&format!("\n   Missed: {}", line.missed.join("; ")));
        }
        for claim in &line.misconceptions {
            text.push_str(&format!("\n   Stated a misconception: \"{claim}\""));
        }
    }
    text.push_str(&format!(
        "\n**Total:** {} answering (suggested {} min)",
        minutes_seconds(report.total),
        report.suggested_minutes
    ));
    if let Some(average) = report.average {
        text.push_str(&format!(" · **average grade** {average:.1}/4"));
    }
    match (report.previous, report.average) {
        (Some((at, Some(before))), Some(now)) => text.push_str(&format!(
            "\nYour previous mock (<t:{}:d>) averaged {before:.1}/4: {} {:.1}.",
            at.timestamp(),
            if now >= before { "up" } else { "down" },
            (now - before).abs()
        )),
        (None, _) => text.push_str("\nYour first mock: the next report compares with this one."),
        _ => {}
    }
    text.push_str(
        "\nEvery question comes back in /review when it is due; the ones you missed first.",
    );
    text
}

/// A mock answer: graded at once, privately; Next question, or the report card after the last.
pub async fn on_answer(
    ctx: &serenity::Context,
    data: &Data,
    submit: &ModalInteraction,
    who: Invoker,
    id: i64,
) -> Result<(), Error> {
    let (mock, position) = split_id(id);
    let text = render::modal_text(submit);
    let (parts, next, private) = match data
        .service
        .answer_mock(who.guild, who.user, mock, position, &text)
        .await
    {
        Ok(answer) => (
            answer_parts(&answer),
            answer.report.is_none(),
            answer.thread.is_none(),
        ),
        Err(e) => (
            vec![refusal(&e, Origin::Component(&submit.data.custom_id), who)],
            false,
            true,
        ),
    };
    let buttons = next.then(|| {
        vec![CreateActionRow::Buttons(vec![
            CreateButton::new(custom_id(NEXT_BUTTON, mock.0))
                .label("Next question")
                .style(ButtonStyle::Primary),
        ])]
    });
    Ok(render::send_parts(ctx, submit, parts, buttons, private).await?)
}
