//! When a post's model answer is revealed, as admins type it ("24h", "18:00") and as it is stored.

use std::fmt;
use std::str::FromStr;

use super::post_time::{PostTime, TIME_FORMAT};

/// The longest reveal delay: a question still open after a week is stale, and a cap keeps a typo
/// such as "240h" from hiding an answer for ten days.
pub const MAX_REVEAL_MINUTES: u32 = 7 * 24 * 60;

/// The format hint for reveal rules, naming both kinds of rule.
const REVEAL_FORMAT: &str =
    "use a delay such as 24h, 90m or 1h30m (at most 7 days), or a local time such as 18:00";

/// When a post's model answer is revealed. A delay suits groups that want the same answering time
/// every day; a local time suits groups that discuss the answer together at a fixed hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevealRule {
    /// Elapsed time after the post, 1 ..= [`MAX_REVEAL_MINUTES`] minutes when parsed or built
    /// with [`RevealRule::after`].
    After { minutes: u32 },
    /// The next time the schedule's local clock shows this time after the post.
    AtLocalTime(PostTime),
}

impl RevealRule {
    /// A checked delay, so code building rules directly obeys the same limits as admins' text.
    pub fn after(minutes: u32) -> Result<RevealRule, String> {
        match minutes {
            0 => Err(format!(
                "a reveal delay of 0 minutes would reveal the answer as it is posted; {REVEAL_FORMAT}"
            )),
            m if m > MAX_REVEAL_MINUTES => Err(format!(
                "a reveal delay of {} is longer than 7 days; {REVEAL_FORMAT}",
                format_minutes(m)
            )),
            m => Ok(RevealRule::After { minutes: m }),
        }
    }
}

impl Default for RevealRule {
    /// A day to answer: members in every time zone get a full waking day before the reveal.
    fn default() -> Self {
        RevealRule::After { minutes: 24 * 60 }
    }
}

impl FromStr for RevealRule {
    type Err = String;

    /// Parses what an admin types: a local time ("18:00") or a delay made of days, hours and
    /// minutes in that order ("24h", "90m", "1h30m", "2d"), any letter case, spaces ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(format!("the reveal rule is empty; {REVEAL_FORMAT}"));
        }
        if compact.contains(':') {
            return compact
                .parse()
                .map(RevealRule::AtLocalTime)
                .map_err(|_| format!("invalid reveal time {s:?}; {TIME_FORMAT}"));
        }
        let minutes = parse_delay(&compact.to_ascii_lowercase())
            .ok_or_else(|| format!("invalid reveal rule {s:?}; {REVEAL_FORMAT}"))?;
        match u32::try_from(minutes) {
            Ok(minutes) if minutes <= MAX_REVEAL_MINUTES => RevealRule::after(minutes),
            _ => Err(format!(
                "a reveal delay of {} is longer than 7 days; {REVEAL_FORMAT}",
                s.trim()
            )),
        }
    }
}

/// Minutes in a "1d2h30m"-style delay: each unit at most once, larger units first, every number
/// followed by its unit. None for anything else.
fn parse_delay(s: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut previous_unit: Option<u64> = None;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let (number, tail) = rest.split_at(digits);
        let mut tail = tail.chars();
        let unit = match tail.next()? {
            'd' => 24 * 60,
            'h' => 60,
            'm' => 1,
            _ => return None,
        };
        if previous_unit.is_some_and(|previous| previous <= unit) {
            return None;
        }
        previous_unit = Some(unit);
        total = total.checked_add(number.parse::<u64>().ok()?.checked_mul(unit)?)?;
        rest = tail.as_str();
    }
    Some(total)
}

/// "1h30m", "45m", "24h": hours and minutes, the shortest text that parses back to the same rule.
fn format_minutes(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}

impl fmt::Display for RevealRule {
    /// The stored form; parses back to the same rule.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RevealRule::After { minutes } => f.write_str(&format_minutes(*minutes)),
            RevealRule::AtLocalTime(time) => time.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> PostTime {
        s.parse().unwrap()
    }

    #[test]
    fn reveal_rule_default_is_24_hours() {
        assert_eq!(RevealRule::default(), RevealRule::After { minutes: 1440 });
        assert_eq!(RevealRule::default().to_string(), "24h");
    }

    #[test]
    fn reveal_rule_parses_delays() {
        for (text, minutes) in [
            ("24h", 1440),
            ("90m", 90),
            ("1h30m", 90),
            ("1m", 1),
            ("2d", 2880),
            ("7d", 10080),
            ("168h", 10080),
            ("10080m", 10080),
            ("1d12h", 2160),
            ("1h 30m", 90),
            ("24H", 1440),
            (" 45m ", 45),
            ("0h5m", 5),
        ] {
            assert_eq!(
                text.parse::<RevealRule>(),
                Ok(RevealRule::After { minutes }),
                "{text:?}"
            );
        }
    }

    #[test]
    fn reveal_rule_parses_a_local_time() {
        assert_eq!(
            "18:00".parse::<RevealRule>(),
            Ok(RevealRule::AtLocalTime(t("18:00")))
        );
        assert_eq!(
            "7:05".parse::<RevealRule>(),
            Ok(RevealRule::AtLocalTime(t("07:05")))
        );
        let err = "25:00".parse::<RevealRule>().unwrap_err();
        assert!(err.contains("use HH:MM"), "{err}");
    }

    #[test]
    fn reveal_rule_rejects_zero_with_a_reason() {
        for zero in ["0m", "0h", "0h0m", "0d"] {
            let err = zero.parse::<RevealRule>().unwrap_err();
            assert!(err.contains("as it is posted"), "{zero}: {err}");
        }
        assert!(RevealRule::after(0).is_err());
    }

    #[test]
    fn reveal_rule_rejects_more_than_a_week_with_a_reason() {
        for long in [
            "169h",
            "10081m",
            "8d",
            "7d1m",
            "4294967296m",
            "999999999999d",
        ] {
            let err = long.parse::<RevealRule>().unwrap_err();
            assert!(
                err.contains(&format!("{long} is longer than 7 days")),
                "{long}: {err}"
            );
        }
        // Too large even to add up is not a number of minutes at all.
        let err = "99999999999999999999h".parse::<RevealRule>().unwrap_err();
        assert!(err.contains("invalid reveal rule"), "{err}");
        let err = "169h".parse::<RevealRule>().unwrap_err();
        assert!(err.contains("169h is longer than 7 days"), "{err}");
        assert_eq!(
            RevealRule::after(MAX_REVEAL_MINUTES),
            Ok(RevealRule::After { minutes: 10080 })
        );
        assert!(RevealRule::after(MAX_REVEAL_MINUTES + 1).is_err());
    }

    #[test]
    fn reveal_rule_rejects_garbage_naming_both_forms() {
        for bad in [
            "", "  ", "24", "h", "1h30", "30m1h", "1h1h", "1x", "-5m", "1.5h", "tomorrow", "m5",
            "1hm", "5mm", "+5m",
        ] {
            let err = bad.parse::<RevealRule>().unwrap_err();
            assert!(err.contains("24h, 90m or 1h30m"), "{bad:?}: {err}");
            assert!(err.contains("18:00"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn reveal_rule_display_round_trips() {
        for (rule, text) in [
            (RevealRule::After { minutes: 1440 }, "24h"),
            (RevealRule::After { minutes: 90 }, "1h30m"),
            (RevealRule::After { minutes: 45 }, "45m"),
            (RevealRule::After { minutes: 10080 }, "168h"),
            (RevealRule::AtLocalTime(t("18:00")), "18:00"),
            (RevealRule::AtLocalTime(t("7:05")), "07:05"),
        ] {
            assert_eq!(rule.to_string(), text);
            assert_eq!(text.parse::<RevealRule>(), Ok(rule));
        }
        for minutes in 1..=MAX_REVEAL_MINUTES {
            let rule = RevealRule::After { minutes };
            assert_eq!(rule.to_string().parse::<RevealRule>(), Ok(rule));
        }
    }
}
