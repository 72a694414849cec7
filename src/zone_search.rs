//! Finding IANA zone names from partial or misspelt text: the `/schedule` time-zone autocomplete,
//! and the "did you mean" names added to an unknown zone error where it is shown (slash commands,
//! `dailydrill schedule preview`).
//!
//! The domain only parses a name into a [`Zone`]; which names are close to a typo is a matter of
//! presentation, so it lives here.

use chrono_tz::TZ_VARIANTS;

use crate::domain::schedule::{UnknownZone, Zone};

/// The most choices Discord shows in an autocomplete list.
pub const MAX_SEARCH_RESULTS: usize = 25;

/// Offered before the admin has typed anything, so the usual zones are one click away.
const COMMON_ZONES: [&str; 13] = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
];

/// How many "did you mean" names an unknown zone error lists; more would bury the right one.
const MAX_SUGGESTIONS: usize = 3;

/// Autocomplete for the zone option: at most `limit` (and never more than Discord's 25) names
/// matching what the admin has typed so far, best first. Full-name prefixes come first
/// ("europe/b"), then names with a later segment starting with the query ("york", "new york"),
/// then names merely containing it; alphabetical within each group. An empty query offers the
/// common zones.
pub fn search(query: &str, limit: usize) -> Vec<&'static str> {
    let limit = limit.min(MAX_SEARCH_RESULTS);
    let query = Zone::normalize(query);
    if query.is_empty() {
        return COMMON_ZONES.iter().copied().take(limit).collect();
    }
    ranked(|name| search_rank(name, &query), limit)
}

/// Parses a zone an admin typed, as the edges that show the error need it: the error names the
/// expected form and up to three close names, so a city alone ("Berlin") leads straight to the
/// right zone.
pub fn parse(text: &str) -> Result<Zone, String> {
    text.parse().map_err(|error| explain(&error))
}

/// The message for an unknown zone: the domain's sentence, with suggestions when any are close
/// enough to help.
pub fn explain(error: &UnknownZone) -> String {
    let mut message = error.to_string();
    let suggestions = suggest(error.input());
    if !suggestions.is_empty() {
        message.push_str(&format!(" (did you mean {}?)", suggestions.join(", ")));
    }
    message
}

/// Names whose last segment (the city) is close to the last segment of `input`: the same, then
/// starting with it, then containing it, then at most two typos away. Admins usually know the city,
/// not the region, and sometimes misspell it.
fn suggest(input: &str) -> Vec<&'static str> {
    let normalized = Zone::normalize(input);
    let city = last_segment(&normalized);
    if city.is_empty() {
        return Vec::new();
    }
    ranked(|name| suggestion_rank(name, city), MAX_SUGGESTIONS)
}

/// The zone names `rank` accepts, best rank first, then alphabetical, at most `limit`.
fn ranked(rank: impl Fn(&str) -> Option<usize>, limit: usize) -> Vec<&'static str> {
    let mut hits: Vec<(usize, &'static str)> = TZ_VARIANTS
        .iter()
        .filter_map(|tz| rank(tz.name()).map(|r| (r, tz.name())))
        .collect();
    hits.sort_unstable();
    hits.into_iter().take(limit).map(|(_, name)| name).collect()
}

/// 0 for a full-name prefix, 1 for a later segment's prefix, 2 for a substring; None otherwise.
fn search_rank(name: &str, query: &str) -> Option<usize> {
    let name = name.to_ascii_lowercase();
    if name.starts_with(query) {
        Some(0)
    } else if name
        .split('/')
        .skip(1)
        .any(|segment| segment.starts_with(query))
    {
        Some(1)
    } else if name.contains(query) {
        Some(2)
    } else {
        None
    }
}

/// Lower is closer; typos rank after every exact, prefix or substring match. Typo matching needs
/// four letters, below which everything is a couple of edits from everything.
fn suggestion_rank(name: &str, city: &str) -> Option<usize> {
    let segment = last_segment(name).to_ascii_lowercase();
    if segment == city {
        Some(0)
    } else if segment.starts_with(city) {
        Some(1)
    } else if segment.contains(city) {
        Some(2)
    } else if city.len() >= 4 {
        let distance = edit_distance(&segment, city);
        (distance <= 2).then_some(2 + distance)
    } else {
        None
    }
}

/// Levenshtein distance (insertions, deletions, substitutions), one row at a time.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for ((diagonal, above), cb) in previous.iter().zip(previous.iter().skip(1)).zip(&b) {
            let left = current.last().copied().unwrap_or(usize::MAX);
            let substitute = diagonal + usize::from(ca != *cb);
            current.push(substitute.min(above + 1).min(left.saturating_add(1)));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

/// The part after the last '/', usually the city.
fn last_segment(name: &str) -> &str {
    name.rsplit_once('/').map_or(name, |(_, last)| last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_zone_names_the_form_and_suggests_the_city() {
        for (text, suggestion) in [
            ("Berlin", "Europe/Berlin"),
            ("berlin", "Europe/Berlin"),
            ("new york", "America/New_York"),
            ("New_York", "America/New_York"),
            ("Kolkata", "Asia/Kolkata"),
            ("Europa/Berlin", "Europe/Berlin"),
            ("Europe/Berln", "Europe/Berlin"),
            ("Kathmandu", "Asia/Kathmandu"),
            ("los angeles", "America/Los_Angeles"),
            ("sidney", "Australia/Sydney"),
            ("calcuta", "Asia/Calcutta"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(
                err.starts_with(&format!(
                    "unknown time zone {text:?}; use an IANA name such as Europe/Berlin or \
                     America/New_York"
                )),
                "{err}"
            );
            assert!(err.contains("did you mean"), "{text:?}: {err}");
            assert!(err.contains(suggestion), "{text:?}: {err}");
        }
    }

    #[test]
    fn an_exact_city_is_the_first_suggestion() {
        assert_eq!(suggest("berlin"), vec!["Europe/Berlin"]);
        assert_eq!(suggest("Tokyo"), vec!["Asia/Tokyo"]);
        assert_eq!(suggest("new york").first(), Some(&"America/New_York"));
        assert_eq!(suggest("Paris").first(), Some(&"Europe/Paris"));
    }

    #[test]
    fn suggestions_are_at_most_three() {
        // "san" starts many cities (Santiago, Santo_Domingo, San_Marino, ...).
        let found = suggest("san");
        assert_eq!(found.len(), 3, "{found:?}");
        for name in found {
            assert!(
                last_segment(name).to_lowercase().starts_with("san"),
                "{name}"
            );
        }
    }

    #[test]
    fn nothing_close_means_no_suggestion() {
        for text in ["xyzzy", "", "   ", "Mars/Olympus_Mons", "qq"] {
            let err = parse(text).unwrap_err();
            assert!(!err.contains("did you mean"), "{text:?}: {err}");
            assert!(err.contains("use an IANA name"), "{err}");
        }
    }

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("berlin", "berlin"), 0);
        assert_eq!(edit_distance("berlin", "berln"), 1);
        assert_eq!(edit_distance("berlin", "bxrlin"), 1);
        assert_eq!(edit_distance("berlin", "berlinx"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", ""), 0);
    }

    #[test]
    fn empty_search_offers_the_common_zones() {
        let common = search("", 25);
        assert_eq!(common, COMMON_ZONES.to_vec());
        assert_eq!(common.first(), Some(&"UTC"));
        for name in &common {
            assert_eq!(name.parse::<Zone>().unwrap().name(), *name);
        }
        assert_eq!(
            search("  ", 3),
            vec!["UTC", "Europe/London", "Europe/Berlin"]
        );
        assert!(search("", 0).is_empty());
    }

    #[test]
    fn search_ranks_full_prefix_then_segment_prefix_then_substring() {
        // Two cities start with "ber"; Canberra only contains it, so it comes last.
        assert_eq!(
            search("ber", 25),
            vec!["Atlantic/Bermuda", "Europe/Berlin", "Australia/Canberra"]
        );
        assert_eq!(
            search("kol", 25),
            vec!["Asia/Kolkata", "Asia/Srednekolymsk"]
        );
        // A full-name prefix beats everything: all 25 slots go to "Asia/...".
        let found = search("asia", 25);
        assert_eq!(found.len(), 25);
        assert!(found.iter().all(|n| n.starts_with("Asia/")), "{found:?}");
        assert_eq!(found.first(), Some(&"Asia/Aden"));
        // "york" and "new york" only as a later segment; case and spaces don't matter.
        assert_eq!(search("york", 25), vec!["America/New_York"]);
        assert_eq!(search("New York", 1), vec!["America/New_York"]);
        assert_eq!(search("EUROPE/LON", 25), vec!["Europe/London"]);
        assert_eq!(
            search("lon", 25),
            vec![
                "Arctic/Longyearbyen",
                "Europe/London",
                "America/Blanc-Sablon",
                "America/Miquelon"
            ]
        );
    }

    #[test]
    fn search_puts_a_substring_after_prefixes() {
        assert_eq!(search("angeles", 25), vec!["America/Los_Angeles"]);
        let found = search("lin", 25);
        assert_eq!(found.first(), Some(&"Australia/Lindeman"));
        assert!(found.contains(&"Europe/Berlin"), "{found:?}");
    }

    #[test]
    fn search_respects_the_limit_and_discords_cap() {
        assert_eq!(search("america/", 5).len(), 5);
        assert_eq!(search("america/", 100).len(), MAX_SEARCH_RESULTS);
        assert_eq!(search("a", usize::MAX).len(), MAX_SEARCH_RESULTS);
        assert!(search("zzzzzz", 25).is_empty());
        let found = search("america/", 25);
        let mut sorted = found.clone();
        sorted.sort_unstable();
        assert_eq!(found, sorted, "alphabetical within a rank");
    }
}
