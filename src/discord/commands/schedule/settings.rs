//! The server-wide settings under `/schedule`: the weekly recap of a schedule, the champion role
//! and the log channel for refused posts.

use poise::serenity_prelude as serenity;

use crate::discord::commands::choose::{complete_schedule, resolve};
use crate::discord::context::{Context, Error, Invoker};
use crate::discord::permissions;
use crate::discord::reply::{command_refusal, invalid_options, say};
use crate::domain::ids::{ChannelId, RoleId};
use crate::domain::period::Period;

/// A weekly recap in the schedule's channel after each week: top members, most-missed points.
#[poise::command(
    slash_command,
    guild_only,
    rename = "recap",
    required_permissions = "MANAGE_GUILD"
)]
pub(super) async fn schedule_recap(
    ctx: Context<'_>,
    #[description = "Post a recap every Monday (true) or stop (false)"] enabled: bool,
    #[description = "Schedule number (optional when the server has one)"]
    #[autocomplete = "complete_schedule"]
    schedule: Option<i64>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let schedule = match resolve(ctx, who, schedule).await {
        Ok(id) => id,
        Err(text) => return say(ctx, text).await,
    };
    let service = &ctx.data().service;
    let text = match service.set_recap(who.guild, schedule, enabled).await {
        Ok(()) if enabled => format!(
            "Schedule #{schedule} will post a weekly recap in its channel after each week (Monday, midnight in the server's time zone): the week's top members, without pinging them, and the key points most answers missed."
        ),
        Ok(()) => format!("Schedule #{schedule} will post no more weekly recaps."),
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

/// Which leader a champion role goes to.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum ChampionPeriod {
    #[name = "the week's leader"]
    Week,
    #[name = "the month's leader"]
    Month,
}

/// A role the bot gives the week's or month's leader (and takes from the last one).
#[poise::command(
    slash_command,
    guild_only,
    rename = "champion",
    required_permissions = "MANAGE_GUILD"
)]
pub(super) async fn schedule_champion(
    ctx: Context<'_>,
    #[description = "The role to give the leader"] role: Option<serenity::Role>,
    #[description = "Whose: the week's leader (default) or the month's"] period: Option<
        ChampionPeriod,
    >,
    #[description = "Stop giving a champion role"] clear: Option<bool>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let service = &ctx.data().service;
    let role = match (role, clear.unwrap_or(false)) {
        (Some(_), true) => {
            let why = "choose either `role` or `clear`, not both";
            return say(ctx, invalid_options(ctx, who, why)).await;
        }
        (Some(role), false) => role,
        (None, true) => {
            let text = match service.set_champion(who.guild, None).await {
                Ok(()) => {
                    "No champion role any more; whoever holds it keeps it until you take it back."
                        .to_owned()
                }
                Err(e) => command_refusal(ctx, who, &e),
            };
            return say(ctx, text).await;
        }
        (None, false) => {
            let text = match service.champion(who.guild).await {
                Ok(Some(c)) => format!(
                    "<@&{}> goes to the {}'s leader{}.",
                    c.role,
                    c.period,
                    c.holder
                        .map_or_else(String::new, |h| format!("; <@{h}> holds it now"))
                ),
                Ok(None) => {
                    "No champion role is set. Give one with `/schedule champion role:`.".to_owned()
                }
                Err(e) => command_refusal(ctx, who, &e),
            };
            return say(ctx, text).await;
        }
    };
    ctx.defer_ephemeral().await?;
    let guild = serenity::GuildId::new(who.guild.0);
    match permissions::bot_cannot_give(ctx, guild, &role).await {
        Ok(problems) if !problems.is_empty() => {
            let text = format!(
                "I can't give <@&{}>: {}. Nothing was changed.",
                role.id,
                problems.join("; ")
            );
            return say(ctx, text).await;
        }
        Ok(_) => {}
        Err(e) => tracing::warn!("could not check whether the bot can give the role: {e}"),
    }
    let period = match period.unwrap_or(ChampionPeriod::Week) {
        ChampionPeriod::Week => Period::Week,
        ChampionPeriod::Month => Period::Month,
    };
    let role_id = RoleId(role.id.get());
    // A new role leaves the old one with its holder: the bot no longer manages it.
    let previous = service
        .champion(who.guild)
        .await
        .ok()
        .flatten()
        .filter(|c| c.role != role_id)
        .and_then(|c| {
            c.holder
                .map(|h| format!(" <@{h}> keeps <@&{}> until you take it back.", c.role))
        })
        .unwrap_or_default();
    let text = match service
        .set_champion(who.guild, Some((role_id, period)))
        .await
    {
        Ok(()) => format!(
            "At the end of each {period} (midnight in the server's time zone) I'll give <@&{role_id}> to that {period}'s leader and take it from the last one.{previous}"
        ),
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

/// Where the bot reports a post Discord refused for good; without options, where it does now.
#[poise::command(
    slash_command,
    guild_only,
    rename = "log-channel",
    required_permissions = "MANAGE_GUILD"
)]
pub(super) async fn schedule_log_channel(
    ctx: Context<'_>,
    #[description = "A channel admins read, where refused posts are reported once"]
    #[channel_types("Text", "News")]
    channel: Option<serenity::GuildChannel>,
    #[description = "Stop reporting refused posts to a channel"] clear: Option<bool>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let service = &ctx.data().service;
    let target = match (channel, clear.unwrap_or(false)) {
        (Some(_), true) => {
            let why = "choose either `channel` or `clear`, not both";
            return say(ctx, invalid_options(ctx, who, why)).await;
        }
        (Some(channel), false) => Some(channel),
        (None, true) => None,
        (None, false) => {
            let text = match service.log_channel(who.guild).await {
                Ok(Some(c)) => format!("Posts Discord refuses for good are reported in <#{c}>."),
                Ok(None) => "No log channel is set: posts Discord refuses show only in `/schedule list`. Set one with `/schedule log-channel channel:`.".to_owned(),
                Err(e) => command_refusal(ctx, who, &e),
            };
            return say(ctx, text).await;
        }
    };
    if let Some(channel) = &target {
        ctx.defer_ephemeral().await?;
        if let Some(refused) =
            permissions::refusal_in(ctx, channel, permissions::missing_for_log).await
        {
            return say(ctx, refused).await;
        }
    }
    let id = target.as_ref().map(|c| ChannelId(c.id.get()));
    let text = match service.set_log_channel(who.guild, id).await {
        Ok(()) => match id {
            Some(c) => format!(
                "From now on, a post or reveal Discord refuses for good is reported once in <#{c}>."
            ),
            None => "Log channel cleared: posts Discord refuses show only in `/schedule list`."
                .to_owned(),
        },
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}
