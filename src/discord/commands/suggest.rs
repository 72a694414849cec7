//! `/suggest` (any member) and its moderation: the suggestion's form, the post in the server's
//! moderation channel with Approve, Edit and Reject (Manage Server, checked at every click and
//! form), and the forms behind those buttons.

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, ComponentInteraction, CreateActionRow, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInputText, CreateInteractionResponse, CreateMessage, CreateModal,
    EditMessage, InputTextStyle, ModalInteraction, Nonce,
};

use crate::corpus::server_deck::defuse_links;
use crate::corpus::{Difficulty, MAX_QUESTION_LEN, TrackId};
use crate::discord::context::{Context, Data, Error, Invoker};
use crate::discord::render::{self, clip, custom_id, ephemeral, modal_value, no_mentions};
use crate::discord::reply::{Origin, refusal, say};
use crate::service::{
    MAX_ANSWER_CHARS, MAX_REASON_CHARS, MAX_TOPIC_CHARS, SuggestionText, default_deck,
};
use crate::store::suggestions::{Status, SuggestionRow};

/// The member's suggestion form.
pub const SUGGEST_MODAL: &str = "sgs";
/// The moderation post's buttons.
pub const APPROVE_BUTTON: &str = "sga";
pub const EDIT_BUTTON: &str = "sge";
pub const REJECT_BUTTON: &str = "sgr";
/// The moderators' forms behind them.
pub const APPROVE_MODAL: &str = "sgam";
pub const EDIT_MODAL: &str = "sgem";
pub const REJECT_MODAL: &str = "sgrm";

const QUESTION: &str = "question";
const ANSWER: &str = "answer";
const TOPIC: &str = "topic";
const DECK: &str = "deck";
const DIFFICULTY: &str = "difficulty";
const REASON: &str = "reason";

/// Suggest a question, with its model answer, for this server's deck.
#[poise::command(slash_command, guild_only)]
pub async fn suggest(ctx: Context<'_>) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    // Refused before the form, so nobody writes an answer that cannot be sent.
    match ctx.data().service.moderation_channel(who.guild).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            let e = crate::service::Error::NoModerationChannel;
            return say(ctx, crate::discord::reply::command_refusal(ctx, who, &e)).await;
        }
        Err(e) => return say(ctx, crate::discord::reply::command_refusal(ctx, who, &e)).await,
    }
    if let Context::Application(app) = ctx {
        let form = suggestion_form(custom_id(SUGGEST_MODAL, 0), "Suggest a question", None);
        app.interaction
            .create_response(ctx, CreateInteractionResponse::Modal(form))
            .await?;
        app.has_sent_initial_response
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }
    Ok(())
}

fn input(style: InputTextStyle, label: &str, id: &str, max: usize) -> CreateInputText {
    CreateInputText::new(style, label, id).max_length(u16::try_from(max).unwrap_or(u16::MAX))
}

/// The form of a suggestion: empty for a member, filled in for a moderator's edit.
fn suggestion_form(id: String, title: &str, row: Option<&SuggestionRow>) -> CreateModal {
    let mut question = input(
        InputTextStyle::Paragraph,
        "Question",
        QUESTION,
        MAX_QUESTION_LEN,
    )
    .required(true)
    .placeholder("What would an interviewer ask?");
    let mut answer = input(
        InputTextStyle::Paragraph,
        "Model answer",
        ANSWER,
        MAX_ANSWER_CHARS,
    )
    .required(true)
    .placeholder("The answer you would want to hear (Markdown)");
    let mut topic = input(
        InputTextStyle::Short,
        "Deck or topic",
        TOPIC,
        MAX_TOPIC_CHARS,
    )
    .required(false)
    .placeholder("e.g. our-stack");
    if let Some(row) = row {
        question = question.value(row.question.clone());
        answer = answer.value(row.answer.clone());
        topic = topic.value(row.track.clone());
    }
    CreateModal::new(id, title).components(vec![
        CreateActionRow::InputText(question),
        CreateActionRow::InputText(answer),
        CreateActionRow::InputText(topic),
    ])
}

fn text_of(submit: &ModalInteraction) -> (String, String, String) {
    (
        modal_value(submit, QUESTION),
        modal_value(submit, ANSWER),
        modal_value(submit, TOPIC),
    )
}

/// The moderation post of a suggestion: its text (links defused, nobody pinged), who suggested
/// it, and while open the moderators' buttons; once decided, what was decided.
fn moderation_embed(row: &SuggestionRow) -> CreateEmbed {
    let topic = if row.track.is_empty() {
        String::new()
    } else {
        format!(" · {}", render::escape_markdown(&row.track))
    };
    let mut description = format!(
        "**Question**\n{}\n\n**Model answer**\n{}\n\n*Suggested by <@{}>, <t:{}:R>*",
        defuse_links(&row.question),
        clip(&defuse_links(&row.answer), 2800),
        row.user,
        row.created_at.timestamp()
    );
    match row.status {
        Status::Open => {}
        Status::Approved => description.push_str(&format!(
            "\n\n✅ **Approved** by <@{}> into the deck `{}`.",
            row.decided_by.map_or(0, |u| u.0),
            row.deck.as_deref().unwrap_or_default()
        )),
        Status::Rejected => description.push_str(&format!(
            "\n\n❌ **Rejected** by <@{}>{}",
            row.decided_by.map_or(0, |u| u.0),
            row.reason.as_deref().map_or_else(
                || ".".to_owned(),
                |r| format!(": {}", render::escape_markdown(r))
            )
        )),
    }
    CreateEmbed::new()
        .title(format!("Suggestion #{}{topic}", row.id))
        .description(description)
        .footer(CreateEmbedFooter::new(
            "Approve adds it to a deck of this server; Edit changes it first; Reject tells the member.",
        ))
}

fn moderation_buttons(row: &SuggestionRow) -> Vec<CreateActionRow> {
    if row.status != Status::Open {
        return Vec::new();
    }
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(custom_id(APPROVE_BUTTON, row.id))
            .label("Approve")
            .style(ButtonStyle::Success),
        CreateButton::new(custom_id(EDIT_BUTTON, row.id))
            .label("Edit")
            .style(ButtonStyle::Secondary),
        CreateButton::new(custom_id(REJECT_BUTTON, row.id))
            .label("Reject")
            .style(ButtonStyle::Danger),
    ])]
}

/// The moderation post of a new suggestion; its nonce makes a resend return the first message.
pub fn moderation_post(row: &SuggestionRow) -> CreateMessage {
    CreateMessage::new()
        .embed(moderation_embed(row))
        .components(moderation_buttons(row))
        .allowed_mentions(no_mentions())
        .nonce(Nonce::String(format!("sg{:x}", row.id)))
        .enforce_nonce(true)
}

/// What the suggester is told in a direct message once the moderators decided.
pub fn decision_message(row: &SuggestionRow) -> CreateMessage {
    let question = clip(&render::escape_markdown(&row.question), 200);
    let text = match row.status {
        Status::Approved => format!(
            "✅ Your suggestion “{question}” was approved in https://discord.com/channels/{}: it joins the deck `{}` and will be asked like any other question, credited to you.",
            row.guild,
            row.deck.as_deref().unwrap_or_default()
        ),
        _ => format!(
            "Your suggestion “{question}” in https://discord.com/channels/{} was not accepted by the moderators{}",
            row.guild,
            row.reason
                .as_deref()
                .map_or_else(|| ".".to_owned(), |r| format!(": {}", render::quoted(r)))
        ),
    };
    CreateMessage::new()
        .content(text)
        .allowed_mentions(no_mentions())
        .nonce(Nonce::String(format!("sd{:x}", row.id)))
        .enforce_nonce(true)
}

/// Whether the member acting has Manage Server, as Discord computed it for the interaction.
fn moderator(member: Option<&serenity::Member>) -> bool {
    member
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.manage_guild())
}

const MODERATORS_ONLY: &str =
    "Only members with the Manage Server permission moderate suggestions.";

/// A click on Approve, Edit or Reject: the form behind it, for a moderator.
pub async fn on_click(
    data: &Data,
    click: &ComponentInteraction,
    who: Invoker,
    prefix: &str,
    id: i64,
) -> CreateInteractionResponse {
    if !moderator(click.member.as_ref()) {
        tracing::warn!(guild = %who.guild, user = %who.user, custom_id = %click.data.custom_id, "refused: moderation without Manage Server");
        return CreateInteractionResponse::Message(ephemeral(MODERATORS_ONLY));
    }
    let row = match data.service.suggestion(who.guild, id).await {
        Ok(row) if row.status == Status::Open => row,
        Ok(_) => {
            let e = crate::service::Error::SuggestionDecided;
            return CreateInteractionResponse::Message(ephemeral(refusal(
                &e,
                Origin::Component(&click.data.custom_id),
                who,
            )));
        }
        Err(e) => {
            return CreateInteractionResponse::Message(ephemeral(refusal(
                &e,
                Origin::Component(&click.data.custom_id),
                who,
            )));
        }
    };
    let form = match prefix {
        APPROVE_BUTTON => {
            let deck = input(InputTextStyle::Short, "Into the deck", DECK, 64)
                .required(true)
                .value(default_deck(&row.track));
            let difficulty = input(
                InputTextStyle::Short,
                "Difficulty: easy, medium or hard",
                DIFFICULTY,
                6,
            )
            .required(true)
            .value("medium");
            CreateModal::new(
                custom_id(APPROVE_MODAL, id),
                format!("Approve suggestion #{id}"),
            )
            .components(vec![
                CreateActionRow::InputText(deck),
                CreateActionRow::InputText(difficulty),
            ])
        }
        EDIT_BUTTON => suggestion_form(
            custom_id(EDIT_MODAL, id),
            &format!("Edit suggestion #{id}"),
            Some(&row),
        ),
        _ => {
            let reason = input(
                InputTextStyle::Paragraph,
                "Reason (sent to the member)",
                REASON,
                MAX_REASON_CHARS,
            )
            .required(false);
            CreateModal::new(
                custom_id(REJECT_MODAL, id),
                format!("Reject suggestion #{id}"),
            )
            .components(vec![CreateActionRow::InputText(reason)])
        }
    };
    CreateInteractionResponse::Modal(form)
}

/// A submitted suggestion form: a member's new suggestion, or a moderator's approval, edit or
/// rejection. Moderation forms are checked for Manage Server again.
pub async fn on_modal(
    ctx: &serenity::Context,
    data: &Data,
    submit: &ModalInteraction,
    who: Invoker,
    prefix: &str,
    id: i64,
) -> Result<(), Error> {
    let service = &data.service;
    let origin = Origin::Component(&submit.data.custom_id);
    if prefix != SUGGEST_MODAL && !moderator(submit.member.as_ref()) {
        tracing::warn!(guild = %who.guild, user = %who.user, custom_id = %submit.data.custom_id, "refused: moderation without Manage Server");
        let reply = CreateInteractionResponse::Message(ephemeral(MODERATORS_ONLY));
        submit.create_response(ctx, reply).await?;
        return Ok(());
    }
    let (question, answer, topic) = text_of(submit);
    let text = SuggestionText {
        question: &question,
        answer: &answer,
        topic: &topic,
    };
    let done = match prefix {
        SUGGEST_MODAL => service.suggest(who.guild, who.user, text).await,
        EDIT_MODAL => service.edit_suggestion(who.guild, id, text).await,
        APPROVE_MODAL => match approval(submit) {
            Ok((deck, difficulty)) => {
                service
                    .approve_suggestion(who.guild, id, who.user, &deck, difficulty)
                    .await
            }
            Err(why) => {
                let reply = CreateInteractionResponse::Message(ephemeral(render::quoted(&why)));
                submit.create_response(ctx, reply).await?;
                return Ok(());
            }
        },
        _ => {
            service
                .reject_suggestion(who.guild, id, who.user, &modal_value(submit, REASON))
                .await
        }
    };
    let row = match done {
        Ok(row) => row,
        Err(e) => {
            let reply = CreateInteractionResponse::Message(ephemeral(refusal(&e, origin, who)));
            submit.create_response(ctx, reply).await?;
            return Ok(());
        }
    };
    let text = match (prefix, row.status) {
        (SUGGEST_MODAL, _) => format!(
            "Thanks! Your suggestion #{} went to the moderators; I'll tell you in a direct message what they decide (if your DMs from this server are open).",
            row.id
        ),
        (_, Status::Approved) => format!(
            "Approved: suggestion #{} joins the deck `{}`, credited to <@{}>.",
            row.id,
            row.deck.as_deref().unwrap_or_default(),
            row.user
        ),
        (_, Status::Rejected) => format!("Rejected suggestion #{}; the member is told.", row.id),
        _ => format!("Suggestion #{} updated.", row.id),
    };
    submit
        .create_response(ctx, CreateInteractionResponse::Message(ephemeral(text)))
        .await?;
    // The moderation post shows what was decided (or the edit); the member learns by DM.
    if let Some((channel, message)) = row.message {
        let edit = EditMessage::new()
            .embed(moderation_embed(&row))
            .components(moderation_buttons(&row))
            .allowed_mentions(no_mentions());
        let channel = serenity::ChannelId::new(channel.0);
        let message = serenity::MessageId::new(message);
        if let Err(e) = data
            .outbox
            .call(|| channel.edit_message(&ctx.http, message, edit.clone()))
            .await
        {
            tracing::warn!(guild = %who.guild, suggestion = row.id, "could not update a moderation post: {e}");
        }
    }
    data.outbox.send_suggestions(&ctx.http, service).await;
    Ok(())
}

/// The deck and difficulty a moderator typed into the approval form.
fn approval(submit: &ModalInteraction) -> Result<(TrackId, Difficulty), String> {
    let deck = modal_value(submit, DECK).trim().to_lowercase();
    let deck = deck
        .parse::<TrackId>()
        .map_err(|why| format!("That deck name {why}."))?;
    let difficulty = modal_value(submit, DIFFICULTY)
        .trim()
        .to_lowercase()
        .parse::<Difficulty>()
        .map_err(|why| format!("The difficulty: {why}."))?;
    Ok((deck, difficulty))
}
