//! `/my-data` and `/forget-me`: a member sees everything dailydrill keeps about them in a server,
//! as a JSON file, and can delete it after a confirmation only they can press.

use poise::CreateReply;
use poise::serenity_prelude as serenity;
use std::sync::Arc;

use serenity::{
    ButtonStyle, ComponentInteraction, CreateActionRow, CreateAttachment, CreateButton,
    CreateInteractionResponse, Http,
};

use crate::discord::context::{Context, Data, Error, Invoker};
use crate::discord::messages::INTERNAL_FAILURE;
use crate::discord::render::{custom_id, ephemeral, no_mentions, settled};
use crate::discord::reply::{Origin, command_refusal, refusal};

/// The confirmation button of `/forget-me`; its id is the member's, checked at the click.
pub const FORGET_BUTTON: &str = "forget";

/// Everything dailydrill keeps about you in this server, as a JSON file only you see.
#[poise::command(slash_command, guild_only, rename = "my-data")]
pub async fn my_data(ctx: Context<'_>) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let (guild, user) = (who.guild, who.user);
    let reply = match ctx.data().service.my_data(guild, user).await {
        Ok(export) => match serde_json::to_vec_pretty(&export) {
            Ok(json) => CreateReply::default()
                .content(format!(
                    "Everything dailydrill keeps about you in this server: {} answer(s), {} quiz(zes), {} review(s) and {} review card(s), {} mock interview(s), {} streak(s), {} leaderboard row(s). `/forget-me` deletes it.",
                    export.answers.len(),
                    export.quizzes.len(),
                    export.reviews.len(),
                    export.review_cards.len(),
                    export.mock_interviews.len(),
                    export.streaks.len(),
                    export.leaderboard.len()
                ))
                .attachment(CreateAttachment::bytes(
                    json,
                    format!("dailydrill-my-data-{}.json", guild.0),
                )),
            Err(e) => {
                tracing::error!("could not encode a member's data: {e}");
                CreateReply::default().content(INTERNAL_FAILURE)
            }
        },
        Err(e) => CreateReply::default().content(command_refusal(ctx, who, &e)),
    };
    ctx.send(reply.ephemeral(true).allowed_mentions(no_mentions()))
        .await?;
    Ok(())
}

/// Delete everything dailydrill keeps about you in this server (asks you to confirm).
#[poise::command(slash_command, guild_only, rename = "forget-me")]
pub async fn forget_me(ctx: Context<'_>) -> Result<(), Error> {
    let user = Invoker::from_command(ctx)?.user;
    let confirm = CreateButton::new(custom_id(FORGET_BUTTON, user.0 as i64))
        .label("Delete my data")
        .style(ButtonStyle::Danger);
    let reply = CreateReply::default()
        .content(
            "This deletes your answers (also to today's open question), quiz history, streaks and \
             leaderboard points in this server. It cannot be undone; `/my-data` exports them first. \
             Press **Delete my data** to confirm, or dismiss this message.",
        )
        .components(vec![CreateActionRow::Buttons(vec![confirm])])
        .ephemeral(true)
        .allowed_mentions(no_mentions());
    ctx.send(reply).await?;
    Ok(())
}

/// The confirmation click. Only the member the button was made for can press it: an id that was
/// tampered with, or a button forwarded to someone else, deletes nothing.
pub async fn confirm_forget(
    http: &Arc<Http>,
    data: &Data,
    click: &ComponentInteraction,
    who: Invoker,
    id: i64,
) -> CreateInteractionResponse {
    let (guild, user) = (who.guild, who.user);
    if id != user.0 as i64 {
        tracing::warn!(%guild, %user, custom_id = %click.data.custom_id, "forget-me confirmation for someone else refused");
        return CreateInteractionResponse::Message(ephemeral(
            "This button belongs to someone else; use /forget-me yourself.",
        ));
    }
    let text = match data.service.forget_member(guild, user).await {
        Ok(d) => {
            // Their answers to today's questions are gone: so is their part of the counts.
            if d.answers > 0 {
                match data.service.open_posts(guild).await {
                    Ok(open) => {
                        for post in open {
                            data.outbox.refresh_count(
                                http.clone(),
                                data.service.clone(),
                                guild,
                                post.id,
                            );
                        }
                    }
                    Err(e) => tracing::warn!(%guild, "could not refresh answer counts: {e}"),
                }
            }
            format!(
                "Deleted: {} answer(s), {} quiz(zes), {} streak(s), {} leaderboard row(s), {} review card(s) and review(s), {} mock interview(s). dailydrill keeps nothing else about you in this server.",
                d.answers, d.quizzes, d.streaks, d.standings, d.reviews, d.mocks
            )
        }
        Err(e) => refusal(&e, Origin::Component(&click.data.custom_id), who),
    };
    settled(text)
}
