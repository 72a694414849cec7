//! How the bot answers a member: privately, pinging nobody, within Discord's limits, and the one
//! path by which a refusal is logged and worded.

use poise::CreateReply;

use super::context::{Context, Error, Invoker};
use super::messages;
use super::render::{self, no_mentions};
use super::retry::with_retry;
use crate::liveness::metrics;
use crate::service::Error as ServiceError;

/// Where a refusal came from, for its log line: a command's name, or a button's or form's
/// custom_id (logged quoted and escaped, so a crafted one cannot forge a log line).
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    Command(&'a str),
    Component(&'a str),
}

/// The member's message for a refused use case, and its log line. Internal failures are logged
/// at ERROR with their detail and answered "try again"; a button or form naming something outside
/// the member's server, or not theirs, is a warning (tampered, or from another server); any other
/// refusal (answers closed, an empty answer) is info. Nothing crosses servers either way.
pub fn refusal(error: &ServiceError, origin: Origin<'_>, who: Invoker) -> String {
    let text = messages::explain(error);
    let (guild, user) = (who.guild, who.user);
    if error.is_internal() {
        if matches!(error, ServiceError::Store(_) | ServiceError::Unavailable(_)) {
            metrics::database_error();
        }
        tracing::error!(?origin, %guild, %user, "request failed: {error}");
        return text;
    }
    let tampered = matches!(
        error,
        ServiceError::PostNotFound
            | ServiceError::QuizNotFound
            | ServiceError::ReviewNotFound
            | ServiceError::MockNotFound
    );
    match origin {
        Origin::Component(custom_id) if tampered => {
            tracing::warn!(?custom_id, %guild, %user, "refused: {text}")
        }
        Origin::Component(custom_id) => {
            tracing::info!(?custom_id, %guild, %user, "refused: {text}")
        }
        Origin::Command(command) => tracing::info!(%command, %guild, %user, "refused: {text}"),
    }
    text
}

/// [`refusal`] for a click on the button `custom_id`: the private reply to it.
pub fn refused_click(
    error: &ServiceError,
    custom_id: &str,
    who: Invoker,
) -> serenity::all::CreateInteractionResponse {
    let text = refusal(error, Origin::Component(custom_id), who);
    serenity::all::CreateInteractionResponse::Message(render::ephemeral(text))
}

/// [`refusal`] for the command `ctx` runs.
pub fn command_refusal(ctx: Context<'_>, who: Invoker, error: &ServiceError) -> String {
    refusal(error, Origin::Command(&ctx.command().qualified_name), who)
}

/// Replies privately, pinging nobody, within Discord's message limit whatever the text echoes.
/// After a defer the reply is a follow-up, which the interaction's token allows for 15 minutes:
/// it is retried through server errors, so an admin is not left with "thinking…" after the work
/// was done. A first response is not: its 3 s would be gone.
pub async fn say(ctx: Context<'_>, text: impl Into<String>) -> Result<(), Error> {
    let text = render::clip(&text.into(), super::split::MESSAGE_LIMIT);
    let reply = CreateReply::default()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(no_mentions());
    let deferred = match ctx {
        poise::Context::Application(app) => app
            .has_sent_initial_response
            .load(std::sync::atomic::Ordering::SeqCst),
        poise::Context::Prefix(_) => false,
    };
    if deferred {
        with_retry(ctx.data().outbox.backoff(), || ctx.send(reply.clone())).await?;
    } else {
        ctx.send(reply).await?;
    }
    Ok(())
}

/// The longest text option read (a time, a time zone, tracks, a reveal rule); Discord would
/// deliver up to 6,000 characters, and a refusal that quoted them could not be sent.
pub const MAX_OPTION_CHARS: usize = 100;

/// Options that did not parse: the reason quotes what was typed, so it is length-limited and
/// escaped before it is shown, and logged at info. Overlong options are refused without being
/// quoted at all.
pub fn invalid_options(ctx: Context<'_>, who: Invoker, why: &str) -> String {
    let (guild, user) = (who.guild, who.user);
    let command = &ctx.command().qualified_name;
    tracing::info!(%command, %guild, %user, reason = ?why, "refused: invalid options");
    render::quoted(why)
}

/// Refuses text options longer than [`MAX_OPTION_CHARS`], naming the option, not its value.
/// Discord enforces the same limit (each option declares it), unless a client bypasses it.
pub fn bounded(options: &[(&str, Option<&str>)]) -> Result<(), String> {
    for (name, value) in options {
        let length = value.map_or(0, |v| v.chars().count());
        if length > MAX_OPTION_CHARS {
            return Err(format!(
                "the {name} option is {length} characters long; at most {MAX_OPTION_CHARS} are read"
            ));
        }
    }
    Ok(())
}
