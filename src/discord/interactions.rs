//! Buttons and forms: the Answer button and its form, My feedback, a quiz's button and form, and
//! the `/forget-me` confirmation. Each custom_id names what it acts on and is checked again
//! against the member's server and identity; anything else is refused and logged.

use poise::serenity_prelude as serenity;
use serenity::{ComponentInteraction, CreateInteractionResponse, ModalInteraction};

use super::commands::{mock, privacy, review, schedule, share, suggest};
use super::context::{Data, Error, Invoker};
use super::render::{
    self, ANSWER_BUTTON, ANSWER_MODAL, FEEDBACK_BUTTON, QUIZ_BUTTON, QUIZ_MODAL, ephemeral,
    parse_custom_id,
};
use super::reply::{Origin, refusal, refused_click};
use crate::domain::ids::{PostId, QuizId};
use crate::liveness::metrics;
use crate::service::Error as ServiceError;

/// A click on one of the bot's buttons.
pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    click: &ComponentInteraction,
) -> Result<(), Error> {
    let Some(who) = Invoker::of(click.guild_id, click.user.id) else {
        let msg = ephemeral("dailydrill works inside a server.");
        click
            .create_response(ctx, CreateInteractionResponse::Message(msg))
            .await?;
        return Ok(());
    };
    let (guild, user) = (who.guild, who.user);
    let custom_id = click.data.custom_id.as_str();
    let refuse = |e: ServiceError| refused_click(&e, custom_id, who);
    // Feedback longer than one message continues in private follow-ups.
    let mut rest = Vec::new();
    let response = match parse_custom_id(custom_id) {
        Some((ANSWER_BUTTON, id)) => {
            match data.service.answer_form(guild, PostId(id), user).await {
                Ok(form) => CreateInteractionResponse::Modal(render::answer_modal(
                    id,
                    &form.question,
                    form.earlier,
                )),
                Err(e) => refuse(e),
            }
        }
        Some((QUIZ_BUTTON, id)) => match data.service.check_quiz(guild, user, QuizId(id)).await {
            Ok(()) => CreateInteractionResponse::Modal(render::quiz_modal(id)),
            Err(e) => refuse(e),
        },
        Some((FEEDBACK_BUTTON, id)) => match data.service.feedback(guild, PostId(id), user).await {
            Ok(feedback) => {
                let mut parts = render::feedback_parts(&feedback).into_iter();
                let first = parts.next().unwrap_or_default();
                rest = parts.collect();
                CreateInteractionResponse::Message(ephemeral(first))
            }
            Err(e) => refuse(e),
        },
        Some((
            prefix @ (review::REVIEW_BUTTON | review::TRACK_REVIEW_BUTTON | review::NEXT_BUTTON),
            id,
        )) => review::on_click(data, who, custom_id, prefix, id).await,
        Some((prefix @ (render::SHARE_BUTTON | share::WITH_GRADE | share::WITHOUT_GRADE), id)) => {
            return share::on_click(ctx, data, click, who, prefix, id).await;
        }
        Some((prefix @ (mock::ANSWER_BUTTON | mock::NEXT_BUTTON), id)) => {
            mock::on_click(data, who, custom_id, prefix, id).await
        }
        Some((privacy::FORGET_BUTTON, id)) => {
            privacy::confirm_forget(&ctx.http, data, click, who, id).await
        }
        Some((schedule::REMOVE_BUTTON, id)) => schedule::confirm_remove(data, click, who, id).await,
        Some((
            prefix @ (suggest::APPROVE_BUTTON | suggest::EDIT_BUTTON | suggest::REJECT_BUTTON),
            id,
        )) => suggest::on_click(data, click, who, prefix, id).await,
        _ => {
            tracing::warn!(?custom_id, %guild, %user, "refused: unknown button");
            CreateInteractionResponse::Message(ephemeral("This button is no longer valid."))
        }
    };
    click.create_response(ctx, response).await?;
    for part in rest {
        click
            .create_followup(ctx, render::private_followup(part))
            .await?;
    }
    Ok(())
}

/// A practice answer: scored at once; the result and the model answer come back privately, in
/// as many messages as the answer needs.
async fn on_quiz_answer(
    ctx: &serenity::Context,
    data: &Data,
    submit: &ModalInteraction,
    who: Invoker,
    id: i64,
) -> Result<(), Error> {
    let parts = match data
        .service
        .answer_quiz(who.guild, who.user, QuizId(id), &render::modal_text(submit))
        .await
    {
        Ok(result) => render::quiz_result(&result),
        Err(e) => vec![refusal(&e, Origin::Component(&submit.data.custom_id), who)],
    };
    let mut parts = parts.into_iter();
    let first = parts.next().unwrap_or_default();
    submit
        .create_response(ctx, CreateInteractionResponse::Message(ephemeral(first)))
        .await?;
    for part in parts {
        submit
            .create_followup(ctx, render::private_followup(part))
            .await?;
    }
    Ok(())
}

/// A submitted form: an answer to a daily question or to a quiz.
pub async fn on_modal(
    ctx: &serenity::Context,
    data: &Data,
    submit: &ModalInteraction,
) -> Result<(), Error> {
    let who = Invoker::of(submit.guild_id, submit.user.id);
    let (who, id) = match (who, parse_custom_id(&submit.data.custom_id)) {
        (Some(who), Some((QUIZ_MODAL, id))) => {
            return on_quiz_answer(ctx, data, submit, who, id).await;
        }
        (Some(who), Some((prefix @ (review::REVIEW_MODAL | review::TRACK_REVIEW_MODAL), id))) => {
            return review::on_answer(ctx, data, submit, who, prefix, id).await;
        }
        (Some(who), Some((mock::ANSWER_MODAL, id))) => {
            return mock::on_answer(ctx, data, submit, who, id).await;
        }
        (Some(who), Some((ANSWER_MODAL, id))) => (who, id),
        (
            Some(who),
            Some((
                prefix @ (suggest::SUGGEST_MODAL
                | suggest::APPROVE_MODAL
                | suggest::EDIT_MODAL
                | suggest::REJECT_MODAL),
                id,
            )),
        ) => {
            return suggest::on_modal(ctx, data, submit, who, prefix, id).await;
        }
        _ => {
            tracing::warn!(custom_id = ?submit.data.custom_id, guild = ?submit.guild_id, user = %submit.user.id, "refused: unknown form");
            let msg = ephemeral("This form is no longer valid.");
            submit
                .create_response(ctx, CreateInteractionResponse::Message(msg))
                .await?;
            return Ok(());
        }
    };
    let (guild, post) = (who.guild, PostId(id));
    let saved = data
        .service
        .submit_answer(guild, post, who.user, &render::modal_text(submit))
        .await;
    let text = match &saved {
        Ok(saved) if saved.first => format!(
            "Saved. Only you can see it; edit it any time before the reveal <t:{}:f>, when you get the model answer and your feedback.",
            saved.reveal_at.timestamp()
        ),
        Ok(saved) => format!(
            "Saved. It replaces your earlier answer, and only you can see it; edit it any time before the reveal <t:{}:f>, when you get the model answer and your feedback.",
            saved.reveal_at.timestamp()
        ),
        Err(e) => refusal(e, Origin::Component(&submit.data.custom_id), who),
    };
    // The daily post mentions nobody; the member's own due reviews are mentioned here, privately.
    let text = match &saved {
        Ok(_) => match data.service.reviews_due(guild, who.user).await {
            Ok(0) => text,
            Ok(n) => format!("{text}\n\nYou have {n} review(s) due: /review."),
            Err(e) => {
                tracing::warn!(%guild, "could not count due reviews: {e}");
                text
            }
        },
        Err(_) => text,
    };
    submit
        .create_response(ctx, CreateInteractionResponse::Message(ephemeral(text)))
        .await?;
    // The post shows how many have answered: edited, not re-posted, and at most once per
    // refresh interval however fast members answer.
    if saved.is_ok() {
        metrics::answer_saved();
        data.outbox
            .refresh_count(ctx.http.clone(), data.service.clone(), guild, post);
    }
    Ok(())
}
