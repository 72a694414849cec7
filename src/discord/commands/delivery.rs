//! `/post-now`, `/reveal-now` and `/skip` (Manage Server): an admin posts or closes a schedule's
//! question now, delivered by the same outbox as the scheduler's, so the two never double.

use super::choose::{complete_schedule, resolve};
use crate::discord::context::{Context, Error, Invoker};
use crate::discord::outbox::{Parcel, Sent};
use crate::discord::reply::{command_refusal, say};
use crate::domain::ids::UserId;
use crate::domain::streak::StreakEvent;

/// Post a schedule's next question now (Manage Server).
#[poise::command(
    slash_command,
    guild_only,
    rename = "post-now",
    default_member_permissions = "MANAGE_GUILD",
    required_permissions = "MANAGE_GUILD"
)]
pub async fn post_now(
    ctx: Context<'_>,
    #[description = "Schedule number (optional when the server has one)"]
    #[autocomplete = "complete_schedule"]
    schedule: Option<i64>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let guild = who.guild;
    let schedule = match resolve(ctx, who, schedule).await {
        Ok(id) => id,
        Err(text) => return say(ctx, text).await,
    };
    ctx.defer_ephemeral().await?;
    let text = match ctx.data().service.post_now(guild, schedule).await {
        Ok(post) => {
            let data = ctx.data();
            let http = &ctx.serenity_context().http;
            match data
                .outbox
                .deliver(http, &data.service, Parcel::Post(post.id))
                .await
            {
                Ok(Sent::Now | Sent::Already) => format!("Posted in <#{}>.", post.channel),
                Ok(Sent::Elsewhere) => {
                    format!("Saved; it is being posted in <#{}> now.", post.channel)
                }
                Err(e) if e.is_transient() => {
                    tracing::error!("post-now failed to send: {e}");
                    "The question is saved but Discord refused it for now; the bot keeps trying until its reveal time.".to_owned()
                }
                Err(e) => {
                    tracing::error!("post-now was refused for good: {e}");
                    "The question is saved but Discord refused it for good: check that the bot can see the channel and send messages in it.".to_owned()
                }
            }
        }
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

async fn close(ctx: Context<'_>, schedule: Option<i64>, skip: bool) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let guild = who.guild;
    let schedule = match resolve(ctx, who, schedule).await {
        Ok(id) => id,
        Err(text) => return say(ctx, text).await,
    };
    ctx.defer_ephemeral().await?;
    let service = &ctx.data().service;
    let result = if skip {
        service.skip(guild, schedule).await
    } else {
        service.reveal_now(guild, schedule).await
    };
    let http = &ctx.serenity_context().http;
    let text = match result {
        Ok(reveal) if reveal.never_posted => "Skipped: the question never reached Discord, so it is closed without a model answer; nobody's streak changes.".to_owned(),
        Ok(reveal) => match ctx
            .data()
            .outbox
            .deliver(http, service, Parcel::Reveal(reveal.post))
            .await
        {
            Ok(_) if skip => {
                "Skipped: the answer is revealed and nobody's streak changes.".to_owned()
            }
            Ok(Sent::Elsewhere) => format!(
                "Revealed; {} answer(s) scored.{} The model answer is being posted now.",
                reveal.answer_count,
                streak_changes(&reveal.streak_events)
            ),
            Ok(_) => format!(
                "Revealed; {} answer(s) scored.{}",
                reveal.answer_count,
                streak_changes(&reveal.streak_events)
            ),
            Err(e) if e.is_transient() => {
                tracing::error!("reveal failed to send: {e}");
                "Revealed and scored, but Discord refused the message for now; the bot keeps trying.".to_owned()
            }
            Err(e) => {
                tracing::error!("reveal was refused for good: {e}");
                "Revealed and scored, but Discord refused the model answer for good: check that the bot can still see the channel and send messages in it.".to_owned()
            }
        },
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

/// Reveal a schedule's open question now and score it (Manage Server).
#[poise::command(
    slash_command,
    guild_only,
    rename = "reveal-now",
    default_member_permissions = "MANAGE_GUILD",
    required_permissions = "MANAGE_GUILD"
)]
pub async fn reveal_now(
    ctx: Context<'_>,
    #[description = "Schedule number (optional when the server has one)"]
    #[autocomplete = "complete_schedule"]
    schedule: Option<i64>,
) -> Result<(), Error> {
    close(ctx, schedule, false).await
}

/// Skip a schedule's open question: revealed, not scored, streaks unchanged (Manage Server).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    required_permissions = "MANAGE_GUILD"
)]
pub async fn skip(
    ctx: Context<'_>,
    #[description = "Schedule number (optional when the server has one)"]
    #[autocomplete = "complete_schedule"]
    schedule: Option<i64>,
) -> Result<(), Error> {
    close(ctx, schedule, true).await
}

/// What the reveal did to the streaks of members who missed it, for the admin: " Streaks: 2 kept
/// by a freeze, 1 broken." or nothing when no streak was at stake.
fn streak_changes(events: &[(UserId, StreakEvent)]) -> String {
    let count = |kind: StreakEvent| events.iter().filter(|(_, e)| *e == kind).count();
    let (frozen, broken) = (count(StreakEvent::FreezeSpent), count(StreakEvent::Broken));
    match (frozen, broken) {
        (0, 0) => String::new(),
        (frozen, 0) => format!(" Streaks: {frozen} kept by a freeze."),
        (0, broken) => format!(" Streaks: {broken} broken."),
        (frozen, broken) => format!(" Streaks: {frozen} kept by a freeze, {broken} broken."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_admin_hears_of_streaks_kept_by_a_freeze_or_broken_and_of_nothing_else() {
        let events = |kinds: &[StreakEvent]| -> Vec<(UserId, StreakEvent)> {
            kinds.iter().map(|k| (UserId(1), *k)).collect()
        };
        assert_eq!(
            streak_changes(&events(&[StreakEvent::Extended, StreakEvent::Unchanged])),
            ""
        );
        assert_eq!(
            streak_changes(&events(&[StreakEvent::FreezeSpent, StreakEvent::Extended])),
            " Streaks: 1 kept by a freeze."
        );
        assert_eq!(
            streak_changes(&events(&[
                StreakEvent::Broken,
                StreakEvent::FreezeSpent,
                StreakEvent::FreezeSpent
            ])),
            " Streaks: 2 kept by a freeze, 1 broken."
        );
    }
}
