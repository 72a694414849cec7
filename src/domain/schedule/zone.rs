//! The IANA time zone a schedule runs in: what an admin types, parsed into a [`Zone`], and the
//! canonical name it is stored and shown by.

use std::fmt;
use std::str::FromStr;

use chrono_tz::{TZ_VARIANTS, Tz};

/// An IANA time zone as admins choose it. Wrapping [`Tz`] gives it a forgiving parser, while
/// storing and showing the canonical name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone(Tz);

impl Zone {
    /// The zone a guild has before an admin picks one.
    pub const UTC: Zone = Zone(Tz::UTC);

    /// The tz database entry, for chrono's conversions.
    pub fn tz(self) -> Tz {
        self.0
    }

    /// The canonical IANA spelling, as stored and as chrono-tz parses it back.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// How typed zone text is compared: trimmed, lower case, spaces as underscores (IANA names
    /// have no spaces, so "new york" can only mean New_York). Public so that
    /// [`crate::zone_search`] reads a query exactly as parsing does.
    pub fn normalize(text: &str) -> String {
        text.trim().to_ascii_lowercase().replace(' ', "_")
    }
}

impl From<Tz> for Zone {
    fn from(tz: Tz) -> Self {
        Zone(tz)
    }
}

impl FromStr for Zone {
    type Err = UnknownZone;

    /// Accepts an IANA name in any letter case, with spaces for underscores ("america/new york").
    /// The error names the expected form and keeps the text, for the close names shown with it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = Zone::normalize(s);
        TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(&wanted))
            .map(|tz| Zone(*tz))
            .ok_or_else(|| UnknownZone {
                input: s.to_owned(),
            })
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A zone name the tz database does not have. It keeps the text as typed so that where the error
/// is shown, [`crate::zone_search::explain`] can add "did you mean" names: ranking close names is
/// presentation, not a schedule rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownZone {
    input: String,
}

impl UnknownZone {
    /// The text as typed, untrimmed, to look for close names.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for UnknownZone {
    /// A full sentence naming the text and the expected form, without suggestions.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown time zone {:?}; use an IANA name such as Europe/Berlin or America/New_York",
            self.input
        )
    }
}

impl std::error::Error for UnknownZone {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_parses_any_case_to_the_canonical_name() {
        for (text, name) in [
            ("Europe/London", "Europe/London"),
            ("europe/london", "Europe/London"),
            ("EUROPE/BERLIN", "Europe/Berlin"),
            ("america/new york", "America/New_York"),
            (" Asia/Kolkata ", "Asia/Kolkata"),
            ("utc", "UTC"),
            (
                "america/argentina/buenos_aires",
                "America/Argentina/Buenos_Aires",
            ),
            ("asia/kathmandu", "Asia/Kathmandu"),
        ] {
            let zone: Zone = text.parse().unwrap();
            assert_eq!(zone.to_string(), name, "{text:?}");
            assert_eq!(zone.name(), name);
            // The stored name is what chrono-tz itself parses back.
            assert_eq!(name.parse::<Tz>(), Ok(zone.tz()));
        }
    }

    #[test]
    fn every_tz_name_parses_back_to_itself() {
        for tz in TZ_VARIANTS {
            assert_eq!(tz.name().parse::<Zone>(), Ok(Zone(tz)), "{}", tz.name());
            assert_eq!(
                tz.name().to_lowercase().parse::<Zone>(),
                Ok(Zone(tz)),
                "{}",
                tz.name()
            );
        }
    }

    #[test]
    fn unknown_zone_keeps_the_text_and_names_the_form() {
        for text in ["Berlin", " xyzzy ", "", "Europe/Berl\u{7}in"] {
            let err = text.parse::<Zone>().unwrap_err();
            assert_eq!(err.input(), text);
            assert_eq!(
                err.to_string(),
                format!(
                    "unknown time zone {text:?}; use an IANA name such as Europe/Berlin or \
                     America/New_York"
                )
            );
        }
    }
}
