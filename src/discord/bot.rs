//! The bot: serenity + poise wired to the service. Handlers are thin: parse the interaction, call
//! one use case, render the result.

use poise::serenity_prelude as serenity;
use serenity::{
    ActionRowComponent, ComponentInteraction, CreateInteractionResponse, Interaction,
    ModalInteraction,
};

use super::member_data;
use super::outbox::Outbox;
use super::render::{
    self, ANSWER_BUTTON, ANSWER_MODAL, FEEDBACK_BUTTON, QUIZ_BUTTON, QUIZ_MODAL, ephemeral,
    parse_custom_id,
};
use super::retry::with_retry;
use crate::domain::ids::{GuildId, PostId, QuizId, UserId};
use crate::liveness::{Liveness, metrics};
use crate::service::{Error as ServiceError, Service};
use std::sync::atomic::{AtomicBool, Ordering};

/// The state every handler shares.
pub struct Data {
    pub service: Service,
    /// Shared with the scheduler, so handlers and fan-out stay under one global rate.
    pub outbox: Outbox,
    /// Where the gateway's state is reported, for `/healthz`.
    pub liveness: Liveness,
    /// Whether READY came before: a later one is a reconnect.
    pub connected_before: AtomicBool,
}

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// What a member reads when something failed on the bot's side (the detail goes to the log).
pub const INTERNAL_FAILURE: &str =
    "Something went wrong on our side. Please try again in a moment.";

/// What a member reads when a use case refuses: its own message when they caused it, a generic
/// one (with the detail logged) when it is an internal failure.
pub fn user_message(error: &ServiceError) -> String {
    if error.is_internal() {
        if matches!(error, ServiceError::Store(_) | ServiceError::Unavailable(_)) {
            metrics::database_error();
        }
        tracing::error!("request failed: {error}");
        INTERNAL_FAILURE.to_owned()
    } else {
        error.to_string()
    }
}

/// The member's message for a refused button or form, and its log line: a warning when the
/// custom_id named something that is not in the member's server or not theirs (tampered, or from
/// another server), info for an ordinary refusal (answers closed, an empty answer). The custom_id
/// is logged quoted and escaped, so a crafted one cannot forge log lines.
fn refused(error: &ServiceError, custom_id: &str, guild: GuildId, user: UserId) -> String {
    match error {
        ServiceError::PostNotFound | ServiceError::QuizNotFound => {
            tracing::warn!(?custom_id, %guild, %user, "refused: {error}");
        }
        e if !e.is_internal() => tracing::info!(?custom_id, %guild, %user, "refused: {error}"),
        _ => {}
    }
    user_message(error)
}

fn ids(guild: Option<serenity::GuildId>, user: serenity::UserId) -> Option<(GuildId, UserId)> {
    Some((GuildId(guild?.get()), UserId(user.get())))
}

async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    click: &ComponentInteraction,
) -> Result<(), Error> {
    let Some((guild, user)) = ids(click.guild_id, click.user.id) else {
        let msg = ephemeral("dailydrill works inside a server.");
        click
            .create_response(ctx, CreateInteractionResponse::Message(msg))
            .await?;
        return Ok(());
    };
    let custom_id = click.data.custom_id.as_str();
    let refuse = |e: ServiceError| {
        CreateInteractionResponse::Message(ephemeral(refused(&e, custom_id, guild, user)))
    };
    let response = match parse_custom_id(custom_id) {
        Some((ANSWER_BUTTON, id)) => match data.service.my_answer(guild, PostId(id), user).await {
            Ok(earlier) => CreateInteractionResponse::Modal(render::answer_modal(id, earlier)),
            Err(e) => refuse(e),
        },
        Some((QUIZ_BUTTON, id)) => match data.service.check_quiz(guild, user, QuizId(id)).await {
            Ok(()) => CreateInteractionResponse::Modal(render::quiz_modal(id)),
            Err(e) => refuse(e),
        },
        Some((FEEDBACK_BUTTON, id)) => match data.service.feedback(guild, PostId(id), user).await {
            Ok(feedback) => {
                CreateInteractionResponse::Message(ephemeral(render::feedback_text(&feedback)))
            }
            Err(e) => refuse(e),
        },
        Some((member_data::FORGET_BUTTON, id)) => {
            member_data::confirm_forget(&ctx.http, data, click, guild, user, id).await
        }
        _ => {
            tracing::warn!(?custom_id, %guild, %user, "refused: unknown button");
            CreateInteractionResponse::Message(ephemeral("This button is no longer valid."))
        }
    };
    click.create_response(ctx, response).await?;
    Ok(())
}

fn modal_text(submit: &ModalInteraction) -> String {
    submit
        .data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .find_map(|c| match c {
            ActionRowComponent::InputText(t) if t.custom_id == render::ANSWER_INPUT => {
                t.value.clone()
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// A practice answer: scored at once; the result and the model answer come back privately, in
/// as many messages as the answer needs.
async fn on_quiz_answer(
    ctx: &serenity::Context,
    data: &Data,
    submit: &ModalInteraction,
    (guild, user): (GuildId, UserId),
    id: i64,
) -> Result<(), Error> {
    let parts = match data
        .service
        .answer_quiz(guild, user, QuizId(id), &modal_text(submit))
        .await
    {
        Ok(result) => render::quiz_result(&result),
        Err(e) => vec![refused(&e, &submit.data.custom_id, guild, user)],
    };
    let mut parts = parts.into_iter();
    let first = parts.next().unwrap_or_default();
    submit
        .create_response(ctx, CreateInteractionResponse::Message(ephemeral(first)))
        .await?;
    for part in parts {
        let followup = serenity::CreateInteractionResponseFollowup::new()
            .content(part)
            .ephemeral(true)
            .allowed_mentions(render::no_mentions());
        submit.create_followup(ctx, followup).await?;
    }
    Ok(())
}

async fn on_modal(
    ctx: &serenity::Context,
    data: &Data,
    submit: &ModalInteraction,
) -> Result<(), Error> {
    if let (Some(who), Some((QUIZ_MODAL, id))) = (
        ids(submit.guild_id, submit.user.id),
        parse_custom_id(&submit.data.custom_id),
    ) {
        return on_quiz_answer(ctx, data, submit, who, id).await;
    }
    let (Some((guild, user)), Some((ANSWER_MODAL, id))) = (
        ids(submit.guild_id, submit.user.id),
        parse_custom_id(&submit.data.custom_id),
    ) else {
        tracing::warn!(custom_id = ?submit.data.custom_id, guild = ?submit.guild_id, user = %submit.user.id, "refused: unknown form");
        let msg = ephemeral("This form is no longer valid.");
        submit
            .create_response(ctx, CreateInteractionResponse::Message(msg))
            .await?;
        return Ok(());
    };
    let post = PostId(id);
    let saved = data
        .service
        .submit_answer(guild, post, user, &modal_text(submit))
        .await;
    let text = match &saved {
        Ok(saved) => format!(
            "Saved. You can edit your answer until the reveal <t:{}:f>; nobody else sees it before then.",
            saved.reveal_at.timestamp()
        ),
        Err(e) => refused(e, &submit.data.custom_id, guild, user),
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

/// Routes the interactions poise does not handle itself (buttons and modals), timing each, and
/// reports the gateway's connection to the liveness.
pub async fn on_event(
    ctx: &serenity::Context,
    event: &serenity::FullEvent,
    data: &Data,
) -> Result<(), Error> {
    use serenity::FullEvent;
    let interaction = match event {
        FullEvent::InteractionCreate { interaction } => interaction,
        FullEvent::Ready { .. } => {
            if data.connected_before.swap(true, Ordering::Relaxed) {
                metrics::gateway_reconnect();
            }
            data.liveness.gateway_up();
            return Ok(());
        }
        FullEvent::Resume { .. } => {
            metrics::gateway_reconnect();
            data.liveness.gateway_up();
            return Ok(());
        }
        FullEvent::ShardStageUpdate { event } => {
            if event.new == serenity::ConnectionStage::Connected {
                data.liveness.gateway_up();
            } else if event.old == serenity::ConnectionStage::Connected {
                data.liveness.gateway_down();
            }
            return Ok(());
        }
        FullEvent::Ratelimit { .. } => {
            metrics::rate_limit_wait();
            return Ok(());
        }
        _ => return Ok(()),
    };
    let started = std::time::Instant::now();
    let handled = match interaction {
        Interaction::Component(click) => on_component(ctx, data, click).await,
        Interaction::Modal(submit) => on_modal(ctx, data, submit).await,
        _ => return Ok(()),
    };
    metrics::interaction_answered(started.elapsed());
    handled
}

/// Refusals and failures of commands: a short ephemeral message for the member, details in the log.
async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    let reply = |text: String| {
        poise::CreateReply::default()
            .content(text)
            .ephemeral(true)
            .allowed_mentions(render::no_mentions())
    };
    match error {
        poise::FrameworkError::MissingUserPermissions { ctx, .. } => {
            tracing::warn!(guild = ?ctx.guild_id(), user = %ctx.author().id, command = %ctx.command().qualified_name, "refused: missing Manage Server");
            let text = format!(
                "You need the Manage Server permission to use /{}.",
                ctx.command().qualified_name
            );
            let _ = ctx.send(reply(text)).await;
        }
        poise::FrameworkError::ArgumentParse { error, ctx, .. } => {
            let error = error.to_string();
            tracing::warn!(command = %ctx.command().qualified_name, user = %ctx.author().id, ?error, "refused: bad arguments");
            let text = format!(
                "That did not work: {}. See /help for how to use /{}.",
                render::quoted(&error),
                ctx.command().qualified_name
            );
            let _ = ctx.send(reply(text)).await;
        }
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().qualified_name, "command failed: {error}");
            let _ = ctx.send(reply(INTERNAL_FAILURE.to_owned())).await;
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!("could not report an error: {e}");
            }
        }
    }
}

/// The poise framework with the bot's commands and handlers. Commands are registered at start:
/// in one guild when `dev_guild` is set (they update at once there), else globally.
pub fn framework(
    service: Service,
    outbox: Outbox,
    liveness: Liveness,
    dev_guild: Option<u64>,
) -> poise::Framework<Data, Error> {
    poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: super::commands::all(),
            on_error: |error| Box::pin(on_error(error)),
            // Commands are timed from their start to their end, their reply included.
            pre_command: |ctx| {
                Box::pin(async move { ctx.set_invocation_data(std::time::Instant::now()).await })
            },
            post_command: |ctx| {
                Box::pin(async move {
                    if let Some(started) = ctx.invocation_data::<std::time::Instant>().await {
                        metrics::interaction_answered(started.elapsed());
                    }
                })
            },
            event_handler: |framework, event| {
                Box::pin(on_event(
                    framework.serenity_context,
                    event,
                    framework.user_data,
                ))
            },
            ..Default::default()
        })
        .setup(move |ctx, _ready, framework| {
            Box::pin(async move {
                let commands =
                    poise::builtins::create_application_commands(&framework.options().commands);
                // Retried through 429s and server errors like a post: a bot whose commands were
                // never registered would be connected but mute.
                let registered = with_retry(outbox.backoff(), || async {
                    match dev_guild {
                        Some(guild) => serenity::GuildId::new(guild)
                            .set_commands(ctx, commands.clone())
                            .await
                            .map(drop),
                        None => serenity::Command::set_global_commands(ctx, commands.clone())
                            .await
                            .map(drop),
                    }
                })
                .await;
                if let Err(e) = registered {
                    // Stop rather than stay connected and ignore every command: `app::serve`
                    // then exits with an error, and a supervisor can start the bot again.
                    tracing::error!("could not register the slash commands, stopping: {e}");
                    let shards = framework.shard_manager().clone();
                    tokio::spawn(async move { shards.shutdown_all().await });
                    return Err(e.into());
                }
                tracing::info!(commands = commands.len(), "slash commands registered");
                Ok(Data {
                    service,
                    outbox,
                    liveness,
                    connected_before: AtomicBool::new(false),
                })
            })
        })
        .build()
}

/// Only what the bot needs: guild events and interactions. No privileged intent (answers come
/// through modals, not by reading messages).
pub fn intents() -> serenity::GatewayIntents {
    serenity::GatewayIntents::GUILDS
}

/// Nothing the bot does reads serenity's cache: interactions carry the member, its permissions
/// and the guild's id, and a channel option is fetched when not cached. Keeping guilds, their
/// members and channels, and users anyway cost about 1.3 KB per member seen (145 MiB for 1,000
/// guilds of 100 members; `cargo bench --bench memory`), for nothing.
pub fn cache_settings() -> serenity::cache::Settings {
    let mut settings = serenity::cache::Settings::default();
    settings.cache_guilds = false;
    settings.cache_channels = false;
    settings.cache_users = false;
    settings
}

/// The serenity client of the bot, with its HTTP client from configuration.
pub async fn client(
    http: serenity::Http,
    service: Service,
    outbox: Outbox,
    liveness: Liveness,
    dev_guild: Option<u64>,
) -> Result<serenity::Client, serenity::Error> {
    serenity::ClientBuilder::new_with_http(http, intents())
        .cache_settings(cache_settings())
        .framework(framework(service, outbox, liveness, dev_guild))
        .await
}
