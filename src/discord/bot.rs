//! The bot: serenity + poise wired to the service. Commands (`commands`) and buttons and forms
//! (`interactions`) are thin: parse the interaction, call one use case, render the result. This
//! file builds the framework, routes events, and answers what poise refuses itself.

use std::sync::atomic::{AtomicBool, Ordering};

use poise::serenity_prelude as serenity;
use serenity::Interaction;

use super::context::{Data, Error, OutsideServer};
use super::interactions::{on_component, on_modal};
use super::messages::INTERNAL_FAILURE;
use super::outbox::Outbox;
use super::render;
use super::retry::with_retry;
use crate::liveness::{Liveness, metrics};
use crate::service::Service;

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
        poise::FrameworkError::Command { error, ctx, .. } if error.is::<OutsideServer>() => {
            let _ = ctx.send(reply(error.to_string())).await;
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

/// A started bot: its HTTP client and shards, which the scheduler and a stop need, and the task
/// running the client until it ends.
pub struct Running {
    pub http: std::sync::Arc<serenity::Http>,
    pub shards: std::sync::Arc<serenity::ShardManager>,
    pub task: tokio::task::JoinHandle<Result<(), serenity::Error>>,
}

/// Builds the client and starts it in a task of its own. The one start-up path of `run`, the
/// demo, the tests and the benchmarks.
pub async fn spawn(
    http: serenity::Http,
    service: Service,
    outbox: Outbox,
    liveness: Liveness,
    dev_guild: Option<u64>,
) -> Result<Running, serenity::Error> {
    let mut client = client(http, service, outbox, liveness, dev_guild).await?;
    let (http, shards) = (client.http.clone(), client.shard_manager.clone());
    let task = tokio::spawn(async move { client.start().await });
    Ok(Running { http, shards, task })
}
