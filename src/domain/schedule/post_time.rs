//! The local time of day a schedule posts at, as admins type it ("09:30") and as it is stored.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveTime, Timelike};

/// The format hint every time error ends with, so admins see one spelling everywhere.
pub(super) const TIME_FORMAT: &str = "use HH:MM, 24-hour, e.g. 09:30";

/// A local time of day at minute precision. Schedules are set and shown in minutes, so seconds are
/// kept at zero and two equal-looking times are always equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostTime(NaiveTime);

impl PostTime {
    /// Builds a time from code (tests, defaults) without going through text; None when out of range.
    pub fn new(hour: u32, minute: u32) -> Option<PostTime> {
        NaiveTime::from_hms_opt(hour, minute, 0).map(PostTime)
    }

    /// The time for chrono's arithmetic; always whole minutes.
    pub fn time(self) -> NaiveTime {
        self.0
    }
}

impl FromStr for PostTime {
    type Err = String;

    /// Parses what an admin types: "H:MM" or "HH:MM", 24-hour, surrounding spaces ignored. The
    /// error is a full sentence that can be shown as is.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_hh_mm(s.trim()).ok_or_else(|| format!("invalid time {s:?}; {TIME_FORMAT}"))
    }
}

/// The strict shape check chrono's lenient parser lacks ("7:5" and "+7:05" are not times here);
/// chrono still decides the range.
fn parse_hh_mm(s: &str) -> Option<PostTime> {
    let (hour, minute) = s.split_once(':')?;
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let shaped = (1..=2).contains(&hour.len()) && minute.len() == 2;
    if !(shaped && all_digits(hour) && all_digits(minute)) {
        return None;
    }
    PostTime::new(hour.parse().ok()?, minute.parse().ok()?)
}

impl fmt::Display for PostTime {
    /// Zero-padded "HH:MM", the form stored in the database and shown to members.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> PostTime {
        s.parse().unwrap()
    }

    #[test]
    fn post_time_accepts_24_hour_times_with_one_or_two_hour_digits() {
        for (text, h, m) in [
            ("7:05", 7, 5),
            ("07:05", 7, 5),
            ("23:59", 23, 59),
            ("00:00", 0, 0),
            ("0:00", 0, 0),
            ("12:30", 12, 30),
            (" 09:30 ", 9, 30),
        ] {
            let parsed: PostTime = text.parse().unwrap();
            assert_eq!(parsed, PostTime::new(h, m).unwrap(), "{text:?}");
            assert_eq!(parsed.time(), NaiveTime::from_hms_opt(h, m, 0).unwrap());
        }
    }

    #[test]
    fn post_time_rejects_everything_else_naming_the_format() {
        for bad in [
            "24:00",
            "7:60",
            "7pm",
            "",
            " 07:05x",
            "7",
            "0705",
            "7:5",
            "07:055",
            "007:05",
            "+7:05",
            "07:-5",
            "07:05:00",
            "07.05",
            ":05",
            "07:",
            "٠٧:٠٥",
            "99999999999:00",
            "7 :05",
        ] {
            let err = bad.parse::<PostTime>().unwrap_err();
            assert!(
                err.contains("use HH:MM, 24-hour, e.g. 09:30"),
                "{bad:?}: {err}"
            );
            assert!(err.contains(&format!("{bad:?}")), "{bad:?}: {err}");
        }
    }

    #[test]
    fn post_time_displays_zero_padded_and_every_minute_round_trips() {
        assert_eq!(t("7:05").to_string(), "07:05");
        assert_eq!(t("0:00").to_string(), "00:00");
        for hour in 0..24 {
            for minute in 0..60 {
                let time = PostTime::new(hour, minute).unwrap();
                let text = time.to_string();
                assert_eq!(text.len(), 5);
                assert_eq!(text.parse::<PostTime>(), Ok(time));
            }
        }
        assert_eq!(PostTime::new(24, 0), None);
        assert_eq!(PostTime::new(0, 60), None);
    }
}
