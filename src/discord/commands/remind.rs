//! `/remind on|off`: a direct message some hours before the reveal of a question the member has
//! not answered. Opt-in per member and per server; never a channel ping.

use crate::discord::context::{Context, Error, Invoker};
use crate::discord::reply::{command_refusal, say};
use crate::domain::reminder::MAX_HOURS;
use crate::service::DEFAULT_REMINDER_HOURS;

/// A direct message before the reveal when you have not answered (on, off).
#[poise::command(slash_command, guild_only, subcommands("remind_on", "remind_off"))]
pub async fn remind(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Get a direct message before the reveal of a question you have not answered.
#[poise::command(slash_command, guild_only, rename = "on")]
async fn remind_on(
    ctx: Context<'_>,
    #[description = "How many hours before the reveal (1 to 24; default 2)"]
    #[min = 1]
    #[max = 24]
    hours: Option<u8>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let hours = hours.unwrap_or(DEFAULT_REMINDER_HOURS);
    let text = match ctx
        .data()
        .service
        .set_reminder(who.guild, who.user, Some(hours))
        .await
    {
        Ok(()) => format!(
            "Reminders on: when a question here is {hours} hour(s) from its reveal and you have not answered, I'll send you a direct message (only if your DMs from this server are open). `/remind off` stops them."
        ),
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

/// Stop the reminders.
#[poise::command(slash_command, guild_only, rename = "off")]
async fn remind_off(ctx: Context<'_>) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let text = match ctx
        .data()
        .service
        .set_reminder(who.guild, who.user, None)
        .await
    {
        Ok(()) => "Reminders off: no direct messages from me.".to_owned(),
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

const _: () = assert!(MAX_HOURS == 24, "the option's #[max] says 24");
