//! `/review`: the member's due cards one at a time, privately: the question with an Answer
//! button, the form, then feedback with the missed key points, the model answer and when the
//! question comes back, and a Next review button while more are due.

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateInteractionResponse,
    CreateInteractionResponseMessage, CreateModal, ModalInteraction,
};

use crate::discord::context::{Context, Data, Error, Invoker};
use crate::discord::render::{self, GENERIC_PLACEHOLDER, custom_id, ephemeral, form};
use crate::discord::reply::{Origin, command_refusal, refusal, refused_click, say};
use crate::discord::split;
use crate::domain::ids::ReviewId;
use crate::domain::review::Recall;
use crate::service::{ReviewResult, ReviewStart, Service};

/// A review's Answer button, its form, and the Next review button (id 0: it starts whichever
/// card is due when pressed).
pub const REVIEW_BUTTON: &str = "rv";
pub const REVIEW_MODAL: &str = "ra";
pub const NEXT_BUTTON: &str = "rn";

/// Your own questions again when they are due: what you missed comes back first.
#[poise::command(slash_command, guild_only)]
pub async fn review(ctx: Context<'_>) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let service = &ctx.data().service;
    match service.start_review(who.guild, who.user).await {
        Ok(start) => {
            let message = start_message(service, &start);
            if let Context::Application(app) = ctx {
                let response = CreateInteractionResponse::Message(message);
                app.interaction.create_response(ctx, response).await?;
                app.has_sent_initial_response
                    .store(true, std::sync::atomic::Ordering::SeqCst);
            }
            Ok(())
        }
        Err(e) => say(ctx, command_refusal(ctx, who, &e)).await,
    }
}

/// The due card with its Answer button, or when the next one is due.
fn start_message(service: &Service, start: &ReviewStart) -> CreateInteractionResponseMessage {
    let view = match start {
        ReviewStart::Card(view) => view,
        ReviewStart::NothingDue { cards: 0, .. } => {
            return ephemeral(
                "No reviews yet. Every question you answer (the daily question, /quiz) comes back \
                 here when you are about to forget it: the next day if you missed it, weeks later \
                 if you nailed it.",
            );
        }
        ReviewStart::NothingDue {
            next: Some(next), ..
        } => {
            return ephemeral(format!(
                "Nothing due; your next review is <t:{0}:R> (<t:{0}:f>).",
                next.timestamp()
            ));
        }
        ReviewStart::NothingDue { next: None, .. } => {
            return ephemeral(
                "Nothing to review right now: your due questions are open as a daily question in \
                 this server; they come back after its reveal.",
            );
        }
    };
    let q = &view.question;
    let track = service.track_name(&q.track);
    let embed = CreateEmbed::new()
        .title(format!("Review · {track} · {}", q.difficulty))
        .description(format!(
            "{}\n\nLast answered <t:{}:R>. Answer with the button; you get your feedback, the \
             model answer and when it comes back at once.",
            q.question,
            view.card.last_review.timestamp()
        ))
        .footer(serenity::CreateEmbedFooter::new(format!(
            "{} review(s) due",
            view.due
        )));
    let button = CreateButton::new(custom_id(REVIEW_BUTTON, view.id.0))
        .label("Answer")
        .style(ButtonStyle::Primary);
    ephemeral("")
        .embed(embed)
        .components(vec![CreateActionRow::Buttons(vec![button])])
}

/// A click on a review's Answer button (the form) or on Next review (the next due card).
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
        return match service.start_review(who.guild, who.user).await {
            Ok(start) => CreateInteractionResponse::Message(start_message(service, &start)),
            Err(e) => refuse(e),
        };
    }
    match service
        .check_review(who.guild, who.user, ReviewId(id))
        .await
    {
        Ok(()) => CreateInteractionResponse::Modal(review_modal(id)),
        Err(e) => refuse(e),
    }
}

fn review_modal(id: i64) -> CreateModal {
    form(custom_id(REVIEW_MODAL, id), GENERIC_PLACEHOLDER, None)
}

/// A review's feedback in parts that each fit a message; the last ends with when the question
/// comes back.
fn result_parts(result: &ReviewResult) -> Vec<String> {
    let due = result.next_due.timestamp();
    let why = match result.recall {
        Recall::Again => "it comes back soon, since the answer missed what matters",
        Recall::Hard => "a partial answer comes back sooner than a good one",
        Recall::Good | Recall::Easy => "each answer you recall makes the gap longer",
    };
    let more = match result.remaining {
        0 => "That was your last due review.".to_owned(),
        n => format!("{n} more due."),
    };
    let text = format!(
        "{}\n\n{}\n\n**Next review:** <t:{due}:D> (<t:{due}:R>): {why}. {more}",
        result.assessment.markdown(),
        split::model_answer(&result.question.answer, &result.question.follow_ups)
    );
    split::split_markdown(&text, split::MESSAGE_LIMIT)
}

/// A review answer: graded at once; the feedback comes back privately, with a Next review
/// button on its last message while more are due.
pub async fn on_answer(
    ctx: &serenity::Context,
    data: &Data,
    submit: &ModalInteraction,
    who: Invoker,
    id: i64,
) -> Result<(), Error> {
    let text = render::modal_text(submit);
    let (parts, remaining) = match data
        .service
        .answer_review(who.guild, who.user, ReviewId(id), &text)
        .await
    {
        Ok(result) => (result_parts(&result), result.remaining),
        Err(e) => (
            vec![refusal(&e, Origin::Component(&submit.data.custom_id), who)],
            0,
        ),
    };
    let next = (remaining > 0).then(|| {
        vec![CreateActionRow::Buttons(vec![
            CreateButton::new(custom_id(NEXT_BUTTON, 0))
                .label("Next review")
                .style(ButtonStyle::Primary),
        ])]
    });
    Ok(render::send_parts(ctx, submit, parts, next, true).await?)
}
