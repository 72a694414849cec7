//! What members see: core results turned into Discord messages, embeds, buttons and modals.
//!
//! Every message built here carries explicit allowed mentions: nothing a member or the corpus
//! wrote can ping anyone; only a schedule's configured role is pinged, and only by the post itself.

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInputText, CreateInteractionResponseMessage, CreateMessage,
    CreateModal, InputTextStyle, MessageReference, Nonce, RoleId,
};

use crate::service::{Feedback, PastPage, PastQuestion, PostView};

/// custom_id prefixes; ids are verified server-side (the post must belong to the guild).
pub const ANSWER_BUTTON: &str = "ans";
pub const ANSWER_MODAL: &str = "answer";
pub const FEEDBACK_BUTTON: &str = "fb";
pub const QUIZ_BUTTON: &str = "qz";
pub const QUIZ_MODAL: &str = "qa";
pub const SHARE_BUTTON: &str = "sh";
/// The modal's text input.
pub const ANSWER_INPUT: &str = "text";

/// `prefix:id`, the compact custom_id format (far below Discord's 100 characters).
pub fn custom_id(prefix: &str, id: i64) -> String {
    format!("{prefix}:{id}")
}

/// Parses `prefix:id`; anything else (a tampered id) is `None`.
pub fn parse_custom_id(raw: &str) -> Option<(&str, i64)> {
    let (prefix, id) = raw.split_once(':')?;
    Some((prefix, id.parse().ok()?))
}

/// Mentions nobody.
pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
        .empty_roles()
        .empty_users()
        .everyone(false)
}

/// Cuts `text` to at most `max` characters (as Discord counts them), ending with "…" when cut, so a
/// reply that echoes what someone typed can never exceed a limit and be refused by Discord.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut clipped: String = text.chars().take(max.saturating_sub(1)).collect();
    clipped.push('…');
    clipped
}

/// Escapes what Discord's Markdown would act on (emphasis, code spans and fences, spoilers,
/// quotes, headings, masked links, mentions, timestamps), so text someone typed is shown as they
/// typed it and cannot restyle or break out of the message it is quoted in. Line breaks become
/// spaces: a quote is one line.
pub fn escape_markdown(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '<' | '>' | '[' | ']' | '#' | '@' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\n' | '\r' => escaped.push(' '),
            c if c.is_control() => escaped.push('\u{FFFD}'),
            c => escaped.push(c),
        }
    }
    escaped
}

/// How much of a refusal that quotes someone's input is shown.
pub const MAX_QUOTED_CHARS: usize = 300;

/// A message that quotes input (a parse error naming what was typed): length-limited first, then
/// escaped, so it renders literally in any reply.
pub fn quoted(message: &str) -> String {
    escape_markdown(&clip(message, MAX_QUOTED_CHARS))
}

fn answered_line(count: i64) -> String {
    match count {
        0 => "No answers yet".to_owned(),
        1 => "1 member has answered".to_owned(),
        n => format!("{n} members have answered"),
    }
}

/// The final count, once answers are closed.
fn answered_final_line(count: i64) -> String {
    match count {
        0 => "Answers closed · nobody answered".to_owned(),
        1 => "Answers closed · 1 member answered".to_owned(),
        n => format!("Answers closed · {n} members answered"),
    }
}

/// The daily question's embed: track, difficulty, the question, and the reveal time in each
/// reader's own time zone. Once revealed, the same embed says answers are closed and where the model answer is, so that
/// nobody scrolling back presses a button that can only refuse them.
pub fn question_embed(post: &PostView, answer_count: i64) -> CreateEmbed {
    let q = &post.question;
    let embed = CreateEmbed::new().title(format!("{} · {}", post.track_name, q.difficulty));
    // A question from a member's suggestion credits them; an embed never pings.
    let credit = q
        .suggested_by
        .map_or_else(String::new, |u| format!("\n\n*Suggested by <@{u}>*"));
    if post.revealed {
        return embed
            .description(format!(
                "{}{credit}\n\nAnswers are closed. The model answer is posted below, in reply to this question.",
                q.question
            ))
            .footer(CreateEmbedFooter::new(answered_final_line(answer_count)));
    }
    embed
        .description(format!(
            "{}{credit}\n\nAnswer privately with the button below. The model answer is revealed <t:{}:f> (<t:{}:R>).",
            q.question,
            post.reveal_at.timestamp(),
            post.reveal_at.timestamp()
        ))
        .footer(CreateEmbedFooter::new(answered_line(answer_count)))
}

/// The post's Answer button; after the reveal the same button, greyed out and saying so (its
/// custom_id still names the post, so a client that presses it anyway is told answers closed).
pub fn answer_button(post: &PostView) -> CreateActionRow {
    let button = CreateButton::new(custom_id(ANSWER_BUTTON, post.id.0));
    let button = if post.revealed {
        button
            .label("Answers closed")
            .style(ButtonStyle::Secondary)
            .disabled(true)
    } else {
        button.label("Answer").style(ButtonStyle::Primary)
    };
    CreateActionRow::Buttons(vec![button])
}

/// The daily post. Its nonce with `enforce_nonce` makes a resend after a crash return the first
/// message instead of posting twice.
pub fn post_message(post: &PostView) -> CreateMessage {
    let mut message = CreateMessage::new()
        .embed(question_embed(post, 0))
        .components(vec![answer_button(post)])
        .nonce(Nonce::String(post.nonce.clone()))
        .enforce_nonce(true);
    match post.mention_role {
        Some(role) => {
            let role = RoleId::new(role.0);
            message = message
                .content(format!("<@&{role}>"))
                .allowed_mentions(no_mentions().roles(vec![role]));
        }
        None => message = message.allowed_mentions(no_mentions()),
    }
    message
}

/// The answer form of a practice question.
pub fn quiz_modal(quiz_id: i64) -> CreateModal {
    form(custom_id(QUIZ_MODAL, quiz_id), GENERIC_PLACEHOLDER, None)
}

/// A practice question, privately, with its own Answer button.
pub fn quiz_message(
    quiz: &crate::service::QuizView,
    track_name: &str,
) -> CreateInteractionResponseMessage {
    let q = &quiz.question;
    let embed = CreateEmbed::new()
        .title(format!("Practice · {track_name} · {}", q.difficulty))
        .description(format!(
            "{}\n\nAnswer with the button; you get your feedback and the model answer at once.",
            q.question
        ));
    let button = CreateButton::new(custom_id(QUIZ_BUTTON, quiz.id.0))
        .label("Answer")
        .style(ButtonStyle::Primary);
    ephemeral("")
        .embed(embed)
        .components(vec![CreateActionRow::Buttons(vec![button])])
}

/// The answer form, prefilled with the member's earlier answer so they can edit it.
/// Discord's limit for a text input's placeholder.
const PLACEHOLDER_CHARS: usize = 100;

/// The answer form of a daily question; the question is its placeholder, so a member answering
/// from a notification still sees what was asked.
pub fn answer_modal(post_id: i64, question: &str, earlier: Option<String>) -> CreateModal {
    let placeholder = if question.is_empty() {
        GENERIC_PLACEHOLDER.to_owned()
    } else {
        clip(question, PLACEHOLDER_CHARS)
    };
    form(custom_id(ANSWER_MODAL, post_id), &placeholder, earlier)
}

/// The placeholder of a form whose question is shown elsewhere (a quiz) or unknown.
pub(crate) const GENERIC_PLACEHOLDER: &str = "Answer as you would in the interview";

pub(crate) fn form(custom_id: String, placeholder: &str, earlier: Option<String>) -> CreateModal {
    let mut input = CreateInputText::new(
        InputTextStyle::Paragraph,
        "Your answer (only you can see it)",
        ANSWER_INPUT,
    )
    .max_length(crate::service::MAX_ANSWER_CHARS as u16)
    .required(true)
    .placeholder(placeholder);
    if let Some(earlier) = earlier {
        input = input.value(earlier);
    }
    CreateModal::new(custom_id, "Your answer").components(vec![CreateActionRow::InputText(input)])
}

/// The model answer, in parts that each fit a message: in the discussion thread, or (without a
/// thread) in the channel with the first part replying to the question. The last part carries
/// the My feedback button too, for members reading in the thread.
pub fn reveal_messages(
    question: &crate::corpus::Question,
    question_message: Option<(u64, u64)>,
    post_id: i64,
) -> Vec<CreateMessage> {
    let parts = super::split::split_markdown(
        &super::split::model_answer(&question.answer, &question.follow_ups),
        super::split::MESSAGE_LIMIT,
    );
    let last = parts.len().saturating_sub(1);
    parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            // A resend after a crash or an outage returns the part Discord already accepted.
            let mut message = CreateMessage::new()
                .content(part)
                .allowed_mentions(no_mentions())
                .nonce(Nonce::String(format!("r{post_id:x}-{i}")))
                .enforce_nonce(true);
            if let (0, Some((channel, message_id))) = (i, question_message) {
                message = message.reference_message(MessageReference::from((
                    serenity::all::ChannelId::new(channel),
                    serenity::all::MessageId::new(message_id),
                )));
            }
            if i == last {
                message = message.components(vec![feedback_row(post_id)]);
            }
            message
        })
        .collect()
}

/// The reveal's one message in the channel when the model answer is in the discussion thread:
/// short, in reply to the question, with the My feedback button. Its nonce makes a resend after a
/// crash or an outage return the notice Discord already accepted.
pub fn reveal_notice(
    thread: u64,
    question_message: Option<(u64, u64)>,
    post_id: i64,
) -> CreateMessage {
    let mut message = CreateMessage::new()
        .content(format!(
            "**Answers are closed.** The model answer is in <#{thread}>, where you can discuss it. **My feedback** shows your grade, privately."
        ))
        .allowed_mentions(no_mentions())
        .nonce(Nonce::String(format!("r{post_id:x}-n")))
        .enforce_nonce(true)
        .components(vec![feedback_row(post_id)]);
    if let Some((channel, message_id)) = question_message {
        message = message.reference_message(MessageReference::from((
            serenity::all::ChannelId::new(channel),
            serenity::all::MessageId::new(message_id),
        )));
    }
    message
}

/// The My feedback and Share my answer buttons of a reveal.
fn feedback_row(post_id: i64) -> CreateActionRow {
    CreateActionRow::Buttons(vec![
        CreateButton::new(custom_id(FEEDBACK_BUTTON, post_id))
            .label("My feedback")
            .style(ButtonStyle::Secondary),
        CreateButton::new(custom_id(SHARE_BUTTON, post_id))
            .label("Share my answer")
            .style(ButtonStyle::Secondary),
    ])
}

/// The report of a refused delivery in the server's log channel: which schedule, what members
/// did not get, Discord's reason, and what to check. Its nonce keeps a resend from doubling it.
pub fn refusal_report(refusal: &crate::store::posts::UnloggedRefusal) -> CreateMessage {
    CreateMessage::new()
        .content(format!(
            "⚠ **Schedule #{}**: Discord refused the question of {} in <#{}> for good ({}), so members there did not get it. Check that I can view that channel and send messages, embeds and threads in it. The next post is tried at its time; `/schedule list` shows this until one gets through.",
            refusal.schedule,
            refusal.local_date,
            refusal.channel,
            quoted(&clip(&refusal.error, 200)),
        ))
        .allowed_mentions(no_mentions())
        .nonce(Nonce::String(format!("l{:x}", refusal.post.0)))
        .enforce_nonce(true)
}

/// A member's reminder, by direct message: which question, when it closes (in their own time
/// zone), a link to it, and how to stop reminders. Its nonce keeps a resend single.
pub fn reminder(reminder: &crate::store::reminders::Candidate) -> CreateMessage {
    CreateMessage::new()
        .content(format!(
            "⏰ The question in <#{channel}> closes <t:{closes}:R> and you have not answered yet: https://discord.com/channels/{guild}/{channel}/{message}\n-# You asked for this with `/remind on`; `/remind off` stops it.",
            channel = reminder.channel,
            closes = reminder.reveal_at.timestamp(),
            guild = reminder.guild,
            message = reminder.message,
        ))
        .allowed_mentions(no_mentions())
        .nonce(Nonce::String(format!("m{:x}", reminder.post.0)))
        .enforce_nonce(true)
}

/// The answer typed into one of the bot's forms.
pub fn modal_text(submit: &serenity::all::ModalInteraction) -> String {
    modal_value(submit, ANSWER_INPUT)
}

/// What was typed into the text input `id` of a submitted form; empty when it is not there.
pub fn modal_value(submit: &serenity::all::ModalInteraction, id: &str) -> String {
    submit
        .data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .find_map(|c| match c {
            serenity::all::ActionRowComponent::InputText(t) if t.custom_id == id => t.value.clone(),
            _ => None,
        })
        .unwrap_or_default()
}

/// Answers a form with `parts` (the first as the response, the rest as follow-ups), privately
/// unless `private` is false (in a mock interview's private thread); `buttons` go on the last.
pub async fn send_parts(
    ctx: &serenity::all::Context,
    submit: &serenity::all::ModalInteraction,
    parts: Vec<String>,
    buttons: Option<Vec<CreateActionRow>>,
    private: bool,
) -> Result<(), serenity::Error> {
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.into_iter().enumerate() {
        let buttons = if i == last { buttons.clone() } else { None };
        if i == 0 {
            let mut message = ephemeral(part).ephemeral(private);
            if let Some(buttons) = buttons {
                message = message.components(buttons);
            }
            submit
                .create_response(
                    ctx,
                    serenity::all::CreateInteractionResponse::Message(message),
                )
                .await?;
        } else {
            let mut followup = private_followup(part).ephemeral(private);
            if let Some(buttons) = buttons {
                followup = followup.components(buttons);
            }
            submit.create_followup(ctx, followup).await?;
        }
    }
    Ok(())
}

/// An ephemeral reply that pings nobody.
pub fn ephemeral(text: impl Into<String>) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(no_mentions())
}

/// A confirmation's answer: the message that asked is replaced by `text`, its button removed, so
/// it cannot be pressed twice.
pub fn settled(text: String) -> serenity::all::CreateInteractionResponse {
    serenity::all::CreateInteractionResponse::UpdateMessage(
        CreateInteractionResponseMessage::new()
            .content(text)
            .components(Vec::new())
            .allowed_mentions(no_mentions()),
    )
}

/// A private follow-up message: the rest of a reply longer than one message.
pub fn private_followup(text: String) -> serenity::all::CreateInteractionResponseFollowup {
    serenity::all::CreateInteractionResponseFollowup::new()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(no_mentions())
}

/// A practice answer's result, then the model answer, in parts that each fit a message.
pub fn quiz_result(result: &crate::service::QuizResult) -> Vec<String> {
    let text = format!(
        "{}\n\n{}",
        result.assessment.markdown(),
        super::split::model_answer(&result.question.answer, &result.question.follow_ups)
    );
    super::split::split_markdown(&text, super::split::MESSAGE_LIMIT)
}

/// A member's feedback on a revealed question, in parts that each fit a message (corrections
/// can make it longer than one).
pub fn feedback_parts(feedback: &Feedback) -> Vec<String> {
    if !feedback.answered {
        return vec!["You did not answer this question before the reveal.".to_owned()];
    }
    let practice = feedback.practised_at.map_or_else(String::new, |at| {
        format!(
            " (for answering only: you saw this model answer in a practice quiz <t:{}:R>, so the score earns no points)",
            at.timestamp()
        )
    });
    let text = format!(
        "{}\n\n**Points:** {}{practice} · **Streak:** {} (longest {}; {} freeze(s) in reserve, each keeps it through a missed day)",
        feedback.assessment.markdown(),
        feedback.points,
        feedback.streak.current,
        feedback.streak.longest,
        feedback.streak.freezes
    );
    super::split::split_markdown(&text, super::split::MESSAGE_LIMIT)
}

/// How long a question's text may run in the `/past` list before it is cut.
const PAST_LINE_CHARS: usize = 90;

/// A page of `/past`: one line per revealed question, newest first, and how to read one.
pub fn past_page(page: &PastPage) -> String {
    if page.total == 0 {
        return "No question has been revealed in this server yet; model answers appear here \
                after each reveal."
            .to_owned();
    }
    let mut lines = vec![format!(
        "**Earlier questions** (newest first, page {}/{})",
        page.page, page.pages
    )];
    for q in &page.questions {
        let what = match &q.question {
            Some(question) => format!(
                "{}, {} — {}",
                q.track_name,
                question.difficulty,
                clip(&question.question, PAST_LINE_CHARS)
            ),
            None => format!("`{}` (no longer in the corpus)", q.question_id),
        };
        lines.push(format!("**#{}** · {} · {what}", q.number, q.local_date));
    }
    let mut hint = "`/past number:N` shows one with its model answer".to_owned();
    if page.page < page.pages {
        hint.push_str(&format!("; `/past page:{}` the next page", page.page + 1));
    }
    lines.push(format!("\n{hint}."));
    lines.join("\n")
}

/// An earlier question with its model answer and follow-ups, in parts that each fit a message.
pub fn past_question(past: &PastQuestion) -> Vec<String> {
    let Some(question) = &past.question else {
        return vec![format!(
            "**#{} · {}**: the question `{}` is no longer in the corpus, so its model answer cannot be shown.",
            past.number, past.local_date, past.question_id
        )];
    };
    let text = format!(
        "**#{} · {} · {}, {}**\n**{}**\n\n{}",
        past.number,
        past.local_date,
        past.track_name,
        question.difficulty,
        question.question,
        super::split::model_answer(&question.answer, &question.follow_ups)
    );
    super::split::split_markdown(&text, super::split::MESSAGE_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_round_trip_and_tampering_is_refused() {
        assert_eq!(
            parse_custom_id(&custom_id(ANSWER_BUTTON, 42)),
            Some(("ans", 42))
        );
        for bad in ["ans", "ans:", "ans:x", "ans:1:2", ":5"] {
            assert!(
                parse_custom_id(bad).is_none_or(|(p, _)| p.is_empty()),
                "{bad}"
            );
        }
        assert!(custom_id(FEEDBACK_BUTTON, i64::MAX).len() <= 100);
        assert_eq!(parse_custom_id("ans:99999999999999999999"), None);
    }

    #[test]
    fn clipping_counts_characters_and_marks_the_cut() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("éééé", 4), "éééé");
        assert_eq!(clip("ééééé", 4), "ééé…");
        assert_eq!(clip(&"x".repeat(6000), 2000).chars().count(), 2000);
    }

    #[test]
    fn escaped_text_cannot_restyle_or_break_out() {
        assert_eq!(
            escape_markdown("```x``` ||s|| **b** <@&1> @everyone"),
            r"\`\`\`x\`\`\` \|\|s\|\| \*\*b\*\* \<\@&1\> \@everyone"
        );
        assert_eq!(escape_markdown("a\nb\u{1b}"), "a b\u{FFFD}");
        assert_eq!(escape_markdown("Europe/Berlin 09"), "Europe/Berlin 09");
        assert!(quoted(&"z".repeat(5000)).chars().count() <= MAX_QUOTED_CHARS);
    }
}
