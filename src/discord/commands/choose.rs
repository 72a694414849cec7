//! Picking a schedule in a command: by number, with autocomplete that shows each schedule's
//! channel, time and tracks, or left out when the server has only one.

use poise::serenity_prelude as serenity;

use crate::discord::context::{Context, Invoker};
use crate::discord::reply::command_refusal;
use crate::domain::ids::{GuildId, ScheduleId};
use crate::service::ScheduleView;

/// Discord's limit for an autocomplete choice's name.
const CHOICE_NAME_CHARS: usize = 100;
/// Discord shows at most this many autocomplete choices.
const MAX_CHOICES: usize = 25;

/// A schedule as an admin recognises it: "#2 · #interview-prep · 09:00 Europe/Berlin · django".
fn label(ctx: Context<'_>, s: &ScheduleView) -> String {
    let channel = ctx
        .guild()
        .and_then(|g| {
            g.channels
                .get(&serenity::ChannelId::new(s.channel.0))
                .map(|c| format!("#{}", c.name))
        })
        .unwrap_or_else(|| format!("channel {}", s.channel));
    let corpus = ctx.data().service.corpus().tracks();
    let every = s.tracks.len() == corpus.len() && corpus.iter().all(|t| s.tracks.contains(&t.id));
    let tracks = if s.tracks.is_empty() || every {
        "all tracks".to_owned()
    } else {
        s.tracks
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let paused = if s.paused { " · paused" } else { "" };
    let difficulty = s
        .difficulty
        .map_or_else(String::new, |d| format!(" · {d} only"));
    let days = s
        .days
        .chosen()
        .map_or_else(String::new, |d| format!(" {d}"));
    let text = format!(
        "#{} · {channel} · {} {}{days} · {tracks}{difficulty}{paused}",
        s.id, s.time, s.zone
    );
    text.chars().take(CHOICE_NAME_CHARS).collect()
}

/// Autocomplete for a `schedule` option: the server's schedules whose number or label contains
/// what was typed.
pub async fn complete_schedule(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let none = serenity::CreateAutocompleteResponse::new();
    let Some(guild) = ctx.guild_id() else {
        return none;
    };
    let Ok(schedules) = ctx
        .data()
        .service
        .list_schedules(GuildId(guild.get()))
        .await
    else {
        return none;
    };
    let typed = partial.trim().trim_start_matches('#').to_lowercase();
    let choices = schedules
        .iter()
        .map(|s| (s.id, label(ctx, s)))
        .filter(|(id, label)| {
            typed.is_empty() || id.to_string() == typed || label.to_lowercase().contains(&typed)
        })
        .take(MAX_CHOICES)
        .map(|(id, label)| serenity::AutocompleteChoice::new(label, id.0))
        .collect();
    none.set_choices(choices)
}

/// The schedule a command acts on: the one named, else the server's only schedule. `Err` holds
/// what to tell the admin (no schedule yet, or several to choose from).
pub async fn resolve(
    ctx: Context<'_>,
    who: Invoker,
    schedule: Option<i64>,
) -> Result<ScheduleId, String> {
    if let Some(number) = schedule {
        return Ok(ScheduleId(number));
    }
    let schedules = ctx
        .data()
        .service
        .list_schedules(who.guild)
        .await
        .map_err(|e| command_refusal(ctx, who, &e))?;
    match schedules.as_slice() {
        [] => Err("This server has no schedule yet; `/schedule add` creates one.".to_owned()),
        [only] => Ok(only.id),
        several => {
            let names: Vec<String> = several.iter().map(|s| label(ctx, s)).collect();
            Err(format!(
                "This server has {} schedules; choose one with the `schedule` option:\n{}",
                several.len(),
                names.join("\n")
            ))
        }
    }
}
