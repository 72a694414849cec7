//! `/schedule add|edit|list|pause|resume|remove` (Manage Server): where, when and what a server's
//! daily questions are. Options are bounded and parsed here; a refusal quotes what was typed,
//! escaped.

use poise::serenity_prelude as serenity;

use super::choose::{complete_schedule, resolve};
use super::practice::DifficultyChoice;
use crate::discord::context::{Context, Data, Error, Invoker};
use crate::discord::permissions;
use crate::discord::render::{custom_id, no_mentions, settled};
use crate::discord::reply::{Origin, bounded, command_refusal, invalid_options, refusal, say};
use crate::domain::ids::{ChannelId, RoleId, ScheduleId};
use crate::domain::schedule::RevealRule;
use crate::service::{ScheduleEdit, ScheduleSpec, ScheduleView};
use crate::zone_search;

mod options;
mod settings;
use options::{complete_days, complete_tracks, complete_zone, parse_days, parse_tracks};
use settings::{schedule_champion, schedule_log_channel, schedule_recap};

/// The custom_id prefix of the button that confirms `/schedule remove`.
pub const REMOVE_BUTTON: &str = "rmsched";

fn describe(s: &ScheduleView) -> String {
    let tracks: Vec<&str> = s.tracks.iter().map(|t| t.as_str()).collect();
    let difficulty = s
        .difficulty
        .map_or_else(String::new, |d| format!("; {d} only"));
    let days = s
        .days
        .chosen()
        .map_or_else(String::new, |d| format!(", {d}"));
    format!(
        "#{} in <#{}>: {} {}{days} ({}{difficulty}), reveal {}{}{}{}. Next post <t:{}:f>.",
        s.id,
        s.channel,
        s.time,
        s.zone,
        tracks.join(", "),
        s.reveal,
        s.mention_role
            .map_or_else(String::new, |r| format!(", mentions <@&{r}>")),
        if s.recap { ", weekly recap" } else { "" },
        if s.paused { ", **paused**" } else { "" },
        s.next_post_at.timestamp()
    ) + &refused(s)
}

/// A warning under a schedule whose latest post Discord refused for good.
fn refused(s: &ScheduleView) -> String {
    s.refused.as_ref().map_or_else(String::new, |r| {
        format!(
            "\n  ⚠ Discord refused the post of {} for good ({}). Check that the bot can see <#{}> and send messages, embeds and threads there; the next post is tried at its time.",
            r.local_date,
            crate::discord::render::quoted(&crate::discord::render::clip(&r.reason, 200)),
            s.channel
        )
    })
}

/// Daily question schedules (Manage Server).
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "schedule_add",
        "schedule_edit",
        "schedule_list",
        "schedule_pause",
        "schedule_resume",
        "schedule_remove",
        "schedule_recap",
        "schedule_champion",
        "schedule_log_channel"
    ),
    default_member_permissions = "MANAGE_GUILD",
    required_permissions = "MANAGE_GUILD"
)]
pub async fn schedule(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Post a daily question in a channel.
#[poise::command(
    slash_command,
    guild_only,
    rename = "add",
    required_permissions = "MANAGE_GUILD"
)]
// poise turns each parameter into a slash command option; this command has one per setting.
#[allow(clippy::too_many_arguments)]
async fn schedule_add(
    ctx: Context<'_>,
    #[description = "Where to post (a text or announcement channel)"]
    #[channel_types("Text", "News")]
    channel: serenity::GuildChannel,
    #[description = "Local time, 24-hour HH:MM"]
    #[max_length = 100]
    time: String,
    #[description = "IANA time zone, e.g. Europe/Berlin"]
    #[autocomplete = "complete_zone"]
    #[max_length = 100]
    timezone: String,
    #[description = "Tracks, comma-separated (default: all)"]
    #[autocomplete = "complete_tracks"]
    #[max_length = 100]
    tracks: Option<String>,
    #[description = "Reveal after a delay (24h, 90m) or at a local time (18:00); default 24h"]
    #[max_length = 100]
    reveal: Option<String>,
    #[description = "A role to mention in each post"] role: Option<serenity::Role>,
    #[description = "Post only questions of this difficulty (default: all)"] difficulty: Option<
        DifficultyChoice,
    >,
    #[description = "Days to post on, e.g. mon-fri or mon,wed,fri (default: every day)"]
    #[autocomplete = "complete_days"]
    #[max_length = 100]
    days: Option<String>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let guild = who.guild;
    let parsed = (|| -> Result<ScheduleSpec, String> {
        bounded(&[
            ("time", Some(&time)),
            ("timezone", Some(&timezone)),
            ("tracks", tracks.as_deref()),
            ("reveal", reveal.as_deref()),
            ("days", days.as_deref()),
        ])?;
        let tracks = parse_tracks(tracks.as_deref().unwrap_or(""))?;
        Ok(ScheduleSpec {
            channel: ChannelId(channel.id.get()),
            time: time.parse()?,
            zone: zone_search::parse(&timezone)?,
            tracks,
            reveal: reveal
                .as_deref()
                .map_or(Ok(RevealRule::default()), str::parse)?,
            mention_role: role.as_ref().map(|r| RoleId(r.id.get())),
            difficulty: difficulty.map(DifficultyChoice::difficulty),
            days: parse_days(days.as_deref())?.unwrap_or_default(),
        })
    })();
    let spec = match parsed {
        Err(why) => return say(ctx, invalid_options(ctx, who, &why)).await,
        Ok(spec) => spec,
    };
    ctx.defer_ephemeral().await?;
    if let Some(refused) = cannot_post_in(ctx, &channel, role.as_ref()).await {
        return say(ctx, refused).await;
    }
    let text = match ctx.data().service.add_schedule(guild, spec).await {
        Ok(s) => format!("Scheduled: {}", describe(&s)),
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

/// This server's schedules, with their next post.
#[poise::command(
    slash_command,
    guild_only,
    rename = "list",
    required_permissions = "MANAGE_GUILD"
)]
async fn schedule_list(ctx: Context<'_>) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let guild = who.guild;
    let text = match ctx.data().service.list_schedules(guild).await {
        Ok(list) if list.is_empty() => "No schedules yet: `/schedule add` creates one.".to_owned(),
        Ok(list) => list.iter().map(describe).collect::<Vec<_>>().join("\n"),
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

async fn set_paused(ctx: Context<'_>, id: Option<i64>, paused: bool) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let guild = who.guild;
    let id = match resolve(ctx, who, id).await {
        Ok(id) => id,
        Err(text) => return say(ctx, text).await,
    };
    let text = match ctx.data().service.set_paused(guild, id, paused).await {
        Ok(s) => describe(&s),
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

/// Stop posting until resumed.
#[poise::command(
    slash_command,
    guild_only,
    rename = "pause",
    required_permissions = "MANAGE_GUILD"
)]
async fn schedule_pause(
    ctx: Context<'_>,
    #[description = "Schedule number (optional when the server has one)"]
    #[autocomplete = "complete_schedule"]
    schedule: Option<i64>,
) -> Result<(), Error> {
    set_paused(ctx, schedule, true).await
}

/// Post again from the next post time.
#[poise::command(
    slash_command,
    guild_only,
    rename = "resume",
    required_permissions = "MANAGE_GUILD"
)]
async fn schedule_resume(
    ctx: Context<'_>,
    #[description = "Schedule number (optional when the server has one)"]
    #[autocomplete = "complete_schedule"]
    schedule: Option<i64>,
) -> Result<(), Error> {
    set_paused(ctx, schedule, false).await
}

/// Delete a schedule and its history (asks first; points already earned stay).
#[poise::command(
    slash_command,
    guild_only,
    rename = "remove",
    required_permissions = "MANAGE_GUILD"
)]
async fn schedule_remove(
    ctx: Context<'_>,
    #[description = "Schedule number (optional when the server has one)"]
    #[autocomplete = "complete_schedule"]
    schedule: Option<i64>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let schedule = match resolve(ctx, who, schedule).await {
        Ok(id) => id,
        Err(text) => return say(ctx, text).await,
    };
    let removal = match ctx.data().service.removal(who.guild, schedule).await {
        Ok(removal) => removal,
        Err(e) => return say(ctx, command_refusal(ctx, who, &e)).await,
    };
    let confirm = serenity::CreateButton::new(custom_id(REMOVE_BUTTON, removal.id.0))
        .label(format!("Remove schedule #{}", removal.id))
        .style(serenity::ButtonStyle::Danger);
    let reply = poise::CreateReply::default()
        .content(format!(
            "Removing schedule #{id} (<#{channel}>) deletes it with its {posts} post(s), the {answers} answer(s) to them and {streaks} member streak(s). Points already earned stay on the leaderboard. Press **Remove schedule #{id}** to confirm, or dismiss this message.",
            id = removal.id,
            channel = removal.channel,
            posts = removal.posts,
            answers = removal.answers,
            streaks = removal.streaks,
        ))
        .components(vec![serenity::CreateActionRow::Buttons(vec![confirm])])
        .ephemeral(true)
        .allowed_mentions(no_mentions());
    ctx.send(reply).await?;
    Ok(())
}

/// The confirmation click. The button is in a reply only the admin sees, and the click is checked
/// again: a member without Manage Server (a forwarded or crafted button) removes nothing.
pub async fn confirm_remove(
    data: &Data,
    click: &serenity::ComponentInteraction,
    who: Invoker,
    id: i64,
) -> serenity::CreateInteractionResponse {
    let allowed = click
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.manage_guild());
    let text = if !allowed {
        tracing::warn!(guild = %who.guild, user = %who.user, custom_id = %click.data.custom_id, "refused: schedule removal without Manage Server");
        "You need the Manage Server permission to remove a schedule.".to_owned()
    } else {
        match data
            .service
            .remove_schedule(who.guild, ScheduleId(id))
            .await
        {
            Ok(r) => format!(
                "Schedule #{} removed, with {} post(s), {} answer(s) and {} member streak(s).",
                r.id, r.posts, r.answers, r.streaks
            ),
            Err(e) => refusal(&e, Origin::Component(&click.data.custom_id), who),
        }
    };
    settled(text)
}

/// Change a schedule: channel, time, time zone, days, tracks, reveal or role (or no role).
#[poise::command(
    slash_command,
    guild_only,
    rename = "edit",
    required_permissions = "MANAGE_GUILD"
)]
// poise turns each parameter into a slash command option; this command has one per setting.
#[allow(clippy::too_many_arguments)]
async fn schedule_edit(
    ctx: Context<'_>,
    #[description = "Schedule number (optional when the server has one)"]
    #[autocomplete = "complete_schedule"]
    schedule: Option<i64>,
    #[description = "Where to post (a text or announcement channel)"]
    #[channel_types("Text", "News")]
    channel: Option<serenity::GuildChannel>,
    #[description = "Local time, 24-hour HH:MM"]
    #[max_length = 100]
    time: Option<String>,
    #[description = "IANA time zone"]
    #[autocomplete = "complete_zone"]
    #[max_length = 100]
    timezone: Option<String>,
    #[description = "Tracks, comma-separated"]
    #[autocomplete = "complete_tracks"]
    #[max_length = 100]
    tracks: Option<String>,
    #[description = "Reveal after a delay (24h) or at a local time (18:00)"]
    #[max_length = 100]
    reveal: Option<String>,
    #[description = "A role to mention in each post"] role: Option<serenity::Role>,
    #[description = "Stop mentioning a role in posts"] clear_role: Option<bool>,
    #[description = "Post only questions of this difficulty"] difficulty: Option<DifficultyChoice>,
    #[description = "Post questions of every difficulty again"] any_difficulty: Option<bool>,
    #[description = "Days to post on, e.g. mon-fri, mon,wed,fri or every day"]
    #[autocomplete = "complete_days"]
    #[max_length = 100]
    days: Option<String>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let guild = who.guild;
    let schedule = match resolve(ctx, who, schedule).await {
        Ok(id) => id,
        Err(text) => return say(ctx, text).await,
    };
    let parsed = (|| -> Result<ScheduleEdit, String> {
        bounded(&[
            ("time", time.as_deref()),
            ("timezone", timezone.as_deref()),
            ("tracks", tracks.as_deref()),
            ("reveal", reveal.as_deref()),
            ("days", days.as_deref()),
        ])?;
        Ok(ScheduleEdit {
            channel: channel.as_ref().map(|c| ChannelId(c.id.get())),
            time: time.as_deref().map(str::parse).transpose()?,
            zone: timezone.as_deref().map(zone_search::parse).transpose()?,
            tracks: tracks.as_deref().map(parse_tracks).transpose()?,
            reveal: reveal.as_deref().map(str::parse).transpose()?,
            mention_role: match (role.as_ref(), clear_role.unwrap_or(false)) {
                (Some(_), true) => {
                    return Err("choose either `role` or `clear_role`, not both".to_owned());
                }
                (Some(r), false) => Some(Some(RoleId(r.id.get()))),
                (None, true) => Some(None),
                (None, false) => None,
            },
            difficulty: match (difficulty, any_difficulty.unwrap_or(false)) {
                (Some(_), true) => {
                    return Err(
                        "choose either `difficulty` or `any_difficulty`, not both".to_owned()
                    );
                }
                (Some(d), false) => Some(Some(d.difficulty())),
                (None, true) => Some(None),
                (None, false) => None,
            },
            days: parse_days(days.as_deref())?,
        })
    })();
    let edit = match parsed {
        Err(why) => return say(ctx, invalid_options(ctx, who, &why)).await,
        Ok(edit) => edit,
    };
    if channel.is_some() || role.is_some() {
        ctx.defer_ephemeral().await?;
        let target = match &channel {
            Some(channel) => Some(channel.clone()),
            None => current_channel(ctx, who, schedule).await,
        };
        if let Some(target) = target {
            if let Some(refused) = cannot_post_in(ctx, &target, role.as_ref()).await {
                return say(ctx, refused).await;
            }
        }
    }
    let text = match ctx
        .data()
        .service
        .edit_schedule(guild, schedule, edit)
        .await
    {
        Ok(s) => format!("Updated: {}", describe(&s)),
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

/// The refusal when the bot lacks a permission it needs to post in `channel` (mentioning `role`).
async fn cannot_post_in(
    ctx: Context<'_>,
    channel: &serenity::GuildChannel,
    role: Option<&serenity::Role>,
) -> Option<String> {
    let mentionable = role.map(|r| r.mentionable);
    permissions::refusal_in(ctx, channel, |has| permissions::missing(has, mentionable)).await
}

/// The channel a schedule posts in now, fetched so its permissions can be checked; `None` when
/// the schedule or the channel cannot be read (the edit itself then says why, or goes through).
async fn current_channel(
    ctx: Context<'_>,
    who: Invoker,
    schedule: ScheduleId,
) -> Option<serenity::GuildChannel> {
    let schedules = ctx.data().service.list_schedules(who.guild).await.ok()?;
    let current = schedules.into_iter().find(|s| s.id == schedule)?;
    serenity::ChannelId::new(current.channel.0)
        .to_channel(ctx)
        .await
        .ok()?
        .guild()
}
