//! **Share my answer**: after the reveal a member may post their own answer in the discussion
//! thread. The button asks first, privately, showing whether their grade would go with it; the
//! choice is committed, then posted, then confirmed.

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, ComponentInteraction, CreateActionRow, CreateButton, CreateInteractionResponse,
    EditInteractionResponse,
};

use crate::discord::context::{Data, Error, Invoker};
use crate::discord::messages::INTERNAL_FAILURE;
use crate::discord::render::{SHARE_BUTTON, custom_id, ephemeral, no_mentions};
use crate::discord::reply::{Origin, refusal};
use crate::domain::ids::PostId;
use crate::feedback::grade_word;

/// The member's choice: with or without their grade.
pub const WITH_GRADE: &str = "shg";
pub const WITHOUT_GRADE: &str = "shn";

/// A click on Share my answer (asks) or on one of the choices (shares).
pub async fn on_click(
    ctx: &serenity::Context,
    data: &Data,
    click: &ComponentInteraction,
    who: Invoker,
    prefix: &str,
    id: i64,
) -> Result<(), Error> {
    let post = PostId(id);
    let custom = custom_id(prefix, id);
    if prefix == SHARE_BUTTON {
        let response = match data.service.share_offer(who.guild, post, who.user).await {
            Ok(offer) => ask(offer.grade, id),
            Err(e) => {
                let text = refusal(&e, Origin::Component(&custom), who);
                CreateInteractionResponse::Message(ephemeral(text))
            }
        };
        click.create_response(ctx, response).await?;
        return Ok(());
    }
    // Posting may wait for Discord's rate limits: acknowledged first, the choice's message
    // edited with the outcome.
    click
        .create_response(ctx, CreateInteractionResponse::Acknowledge)
        .await?;
    let with_grade = prefix == WITH_GRADE;
    let text = match data
        .service
        .share_answer(who.guild, post, who.user, with_grade)
        .await
    {
        Ok(view) => match data.outbox.send_share(&ctx.http, &view).await {
            Ok((target, message)) => match data
                .service
                .record_share_sent(post, who.user, message)
                .await
            {
                Ok(()) => format!("Shared in <#{target}>. Thank you: the group learns from it."),
                Err(e) => refusal(&e, Origin::Component(&custom), who),
            },
            Err(e) => {
                tracing::warn!(post = %post, user = %who.user, "could not post a shared answer: {e}");
                format!("{INTERNAL_FAILURE} Your answer was not posted; press the button again.")
            }
        },
        Err(e) => refusal(&e, Origin::Component(&custom), who),
    };
    click
        .edit_response(
            ctx,
            EditInteractionResponse::new()
                .content(text)
                .components(Vec::new())
                .allowed_mentions(no_mentions()),
        )
        .await?;
    Ok(())
}

/// The private question before sharing: what goes into the thread, and the choices.
fn ask(grade: Option<u8>, post: i64) -> CreateInteractionResponse {
    let without = CreateButton::new(custom_id(WITHOUT_GRADE, post))
        .label(if grade.is_some() {
            "Share without my grade"
        } else {
            "Share"
        })
        .style(ButtonStyle::Secondary);
    let buttons = match grade {
        Some(g) => vec![
            CreateButton::new(custom_id(WITH_GRADE, post))
                .label(format!("Share with my grade ({g}/4, {})", grade_word(g)))
                .style(ButtonStyle::Primary),
            without,
        ],
        None => vec![without],
    };
    CreateInteractionResponse::Message(
        ephemeral(
            "Post your answer in the discussion thread, under your name, for the group to read? \
             Mentions in it ping nobody. Once posted, an admin can remove it.",
        )
        .components(vec![CreateActionRow::Buttons(buttons)]),
    )
}
