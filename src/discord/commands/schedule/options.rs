//! The text options of `/schedule add|edit` that admins type: autocomplete for zones, tracks and
//! days, and parsing of tracks and days with a refusal that names the word.

use poise::serenity_prelude as serenity;

use crate::corpus::TrackId;
use crate::discord::context::Context;
use crate::discord::reply::MAX_OPTION_CHARS;
use crate::domain::schedule::{DaysError, PostDays};
use crate::zone_search;

pub(super) async fn complete_zone(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    if partial.chars().count() > MAX_OPTION_CHARS {
        // Longer than the option may hold: no zone matches, so it is not searched.
        return serenity::CreateAutocompleteResponse::new();
    }
    let choices = zone_search::search(partial, 25)
        .into_iter()
        .map(serenity::AutocompleteChoice::from)
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Autocomplete for a comma-separated `tracks` option: what was typed, with its last item
/// completed to each track id that starts with (or contains) it and is not listed yet.
pub(super) async fn complete_tracks(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let guild = crate::domain::ids::GuildId(ctx.guild_id().map_or(0, |g| g.get()));
    let choices = track_choices(&ctx.data().service.tracks_in(guild), partial)
        .into_iter()
        .map(|(name, value)| serenity::AutocompleteChoice::new(name, value))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// The completions of `partial` (name shown, value sent), at most 25.
fn track_choices(tracks: &[crate::corpus::Track], partial: &str) -> Vec<(String, String)> {
    if partial.chars().count() > MAX_OPTION_CHARS {
        return Vec::new();
    }
    let (done, last) = match partial.rsplit_once(',') {
        Some((done, last)) => (Some(done), last.trim().to_lowercase()),
        None => (None, partial.trim().to_lowercase()),
    };
    let listed: Vec<&str> = done
        .map(|d| {
            d.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let prefix: String = listed.iter().map(|t| format!("{t}, ")).collect();
    let mut matches: Vec<&crate::corpus::Track> = tracks
        .iter()
        .filter(|t| !listed.contains(&t.id.as_str()))
        .filter(|t| t.id.as_str().contains(&last) || t.name.to_lowercase().contains(&last))
        .collect();
    matches.sort_by_key(|t| !t.id.as_str().starts_with(&last));
    matches
        .into_iter()
        .take(25)
        .map(|t| {
            let value = format!("{prefix}{}", t.id);
            (format!("{value} ({})", t.name), value)
        })
        .filter(|(_, value)| value.chars().count() <= MAX_OPTION_CHARS)
        .collect()
}

/// The day sets offered while typing `days`; what was typed comes first when it reads as days.
const DAY_PRESETS: [&str; 6] = [
    "every day",
    "mon-fri",
    "mon,wed,fri",
    "tue,thu",
    "weekends",
    "mon-sat",
];

pub(super) async fn complete_days(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = day_choices(partial)
        .into_iter()
        .map(|(name, value)| serenity::AutocompleteChoice::new(name, value))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// The completions of a `days` option (name shown, value sent): the typed text with the days it
/// reads as, then the presets that contain it.
fn day_choices(partial: &str) -> Vec<(String, String)> {
    if partial.chars().count() > MAX_OPTION_CHARS {
        return Vec::new();
    }
    let typed = partial.trim().to_lowercase();
    let mut choices: Vec<(String, String)> = Vec::new();
    if let Ok(days) = typed.parse::<PostDays>() {
        choices.push((format!("{typed} ({days})"), typed.clone()));
    }
    for preset in DAY_PRESETS {
        if preset.contains(&typed) && preset != typed {
            if let Ok(days) = preset.parse::<PostDays>() {
                choices.push((format!("{preset} ({days})"), preset.to_owned()));
            }
        }
    }
    choices
}

/// Track ids from a comma-separated option, as admins type them ("python, django").
pub(super) fn parse_tracks(list: &str) -> Result<Vec<TrackId>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().map_err(|why| format!("track {t:?} {why}")))
        .collect()
}

/// The `days` option, refused with the word that is not a day.
pub(super) fn parse_days(days: Option<&str>) -> Result<Option<PostDays>, String> {
    days.map(|d| d.parse().map_err(|e: DaysError| format!("days: {e}")))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracks() -> Vec<crate::corpus::Track> {
        ["python", "django", "databases", "design"]
            .iter()
            .map(|id| crate::corpus::Track {
                id: id.parse().unwrap_or_else(|e| panic!("{e}")),
                name: id.to_uppercase(),
                description: String::new(),
            })
            .collect()
    }

    #[test]
    fn tracks_complete_the_last_item_and_skip_the_listed_ones() {
        let values = |partial: &str| -> Vec<String> {
            track_choices(&tracks(), partial)
                .into_iter()
                .map(|(_, v)| v)
                .collect()
        };
        assert_eq!(values(""), ["python", "django", "databases", "design"]);
        assert_eq!(values("d"), ["django", "databases", "design"]);
        assert_eq!(values("o"), ["python", "django"]);
        assert_eq!(
            values("python, d"),
            ["python, django", "python, databases", "python, design"]
        );
        assert_eq!(values("django,data"), ["django, databases"]);
        assert!(values("rust").is_empty());
        assert!(values(&"x".repeat(101)).is_empty());
        let (name, _) = &track_choices(&tracks(), "pyt")[0];
        assert_eq!(name, "python (PYTHON)");
    }

    #[test]
    fn days_offer_what_was_typed_then_the_presets() {
        let choices = day_choices("mon");
        assert_eq!(choices[0], ("mon (Mon)".to_owned(), "mon".to_owned()));
        let values: Vec<&str> = choices.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(values, ["mon", "mon-fri", "mon,wed,fri", "mon-sat"]);
        assert_eq!(day_choices("").len(), DAY_PRESETS.len());
        assert_eq!(
            day_choices("mon-fri"),
            [(
                "mon-fri (Monday to Friday)".to_owned(),
                "mon-fri".to_owned()
            )]
        );
        assert!(day_choices("funday").is_empty());
        assert!(day_choices(&"x".repeat(101)).is_empty());
    }

    #[test]
    fn days_refused_name_the_word() {
        assert_eq!(parse_days(None), Ok(None));
        assert_eq!(parse_days(Some("mon-fri")), Ok(Some(PostDays::WEEKDAYS)));
        let why = parse_days(Some("mon, funday")).unwrap_err();
        assert!(why.starts_with("days: `funday` is not a day"), "{why}");
    }
}
