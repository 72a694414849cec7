//! The days of the week a schedule posts on, as an admin types them ("mon-fri", "mon,wed,fri",
//! "weekdays") and as they are stored (one bit a day).

use std::fmt;
use std::str::FromStr;

use chrono::Weekday;

/// The local weekdays a schedule posts on; never empty, so a schedule always has a next post.
/// A day off is neither a post nor a miss: streaks count posts, not calendar days, so a
/// Monday-to-Friday group keeps its streaks over the weekend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PostDays(u8);

const ALL_BITS: u8 = 0b111_1111;
const WEEKDAY_BITS: u8 = 0b001_1111;
const WEEKEND_BITS: u8 = 0b110_0000;

const NAMES: [(&str, &str, Weekday); 7] = [
    ("mon", "monday", Weekday::Mon),
    ("tue", "tuesday", Weekday::Tue),
    ("wed", "wednesday", Weekday::Wed),
    ("thu", "thursday", Weekday::Thu),
    ("fri", "friday", Weekday::Fri),
    ("sat", "saturday", Weekday::Sat),
    ("sun", "sunday", Weekday::Sun),
];

/// Shorter forms members write: "tues", "thur", "thurs".
const ALIASES: [(&str, Weekday); 3] = [
    ("tues", Weekday::Tue),
    ("thur", Weekday::Thu),
    ("thurs", Weekday::Thu),
];

fn bit(day: Weekday) -> u8 {
    1 << day.num_days_from_monday()
}

impl PostDays {
    /// Every day of the week, what schedules did before days could be chosen.
    pub const EVERY_DAY: PostDays = PostDays(ALL_BITS);
    /// Monday to Friday.
    pub const WEEKDAYS: PostDays = PostDays(WEEKDAY_BITS);

    /// From the stored bits (Monday is bit 0); `None` for an empty or out-of-range set, which no
    /// command can store.
    pub fn from_bits(bits: u8) -> Option<PostDays> {
        (bits != 0 && bits & !ALL_BITS == 0).then_some(PostDays(bits))
    }

    /// The bits to store: Monday is bit 0, Sunday bit 6.
    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & bit(day) != 0
    }

    pub fn is_every_day(self) -> bool {
        self.0 == ALL_BITS
    }

    /// The days when they are a choice to mention; `None` for every day, which goes unsaid.
    pub fn chosen(self) -> Option<PostDays> {
        (!self.is_every_day()).then_some(self)
    }
}

impl Default for PostDays {
    fn default() -> Self {
        PostDays::EVERY_DAY
    }
}

fn day_named(word: &str) -> Option<Weekday> {
    NAMES
        .iter()
        .find(|(short, long, _)| word == *short || word == *long)
        .map(|(_, _, day)| *day)
        .or_else(|| {
            ALIASES
                .iter()
                .find(|(alias, _)| word == *alias)
                .map(|(_, day)| *day)
        })
}

/// Why days typed by an admin were not understood; the message names the word.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DaysError {
    #[error("no days given")]
    Empty,
    #[error(
        "`{0}` is not a day; write days like `mon-fri`, `mon,wed,fri`, `weekdays`, `weekends` or `every day`"
    )]
    Unknown(String),
}

impl FromStr for PostDays {
    type Err = DaysError;

    /// Accepts `every day` (or `daily`), `weekdays`, `weekends`, and lists of days or ranges
    /// separated by commas or spaces: `mon-fri`, `Monday to Friday`, `mon, wed, fri`, `fri-mon`
    /// (a range may wrap past Sunday). Day names may be full or three letters, in any case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // "Monday - Friday" and "Monday to Friday" are ranges as "mon-fri" is.
        let lower = text
            .trim()
            .to_lowercase()
            .replace('–', "-")
            .replace(" to ", "-");
        let lower: String = lower
            .split('-')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join("-");
        match lower.as_str() {
            "" => return Err(DaysError::Empty),
            "every day" | "everyday" | "daily" | "all" => return Ok(PostDays::EVERY_DAY),
            _ => {}
        }
        let mut bits = 0u8;
        for word in lower
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|w| !w.is_empty())
        {
            bits |= match word {
                "weekdays" | "workdays" => WEEKDAY_BITS,
                "weekends" | "weekend" => WEEKEND_BITS,
                _ => range_bits(word).ok_or_else(|| DaysError::Unknown(word.to_owned()))?,
            };
        }
        PostDays::from_bits(bits).ok_or(DaysError::Empty)
    }
}

/// One day (`wed`) or a range of days (`mon-fri`, wrapping with `sat-mon`).
fn range_bits(word: &str) -> Option<u8> {
    let (first, last) = match word.split_once('-') {
        Some((first, last)) => (day_named(first)?, day_named(last)?),
        None => {
            let day = day_named(word)?;
            (day, day)
        }
    };
    let mut bits = 0;
    let mut day = first;
    loop {
        bits |= bit(day);
        if day == last {
            return Some(bits);
        }
        day = day.succ();
    }
}

impl fmt::Display for PostDays {
    /// What a member reads: "every day", "Monday to Friday", "weekends", or the days in order
    /// ("Mon, Wed, Fri"). Parses back to the same days.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ALL_BITS => f.write_str("every day"),
            WEEKDAY_BITS => f.write_str("Monday to Friday"),
            WEEKEND_BITS => f.write_str("weekends"),
            _ => {
                let names: Vec<String> = NAMES
                    .iter()
                    .filter(|(_, _, day)| self.contains(*day))
                    .map(|(short, _, _)| {
                        let mut name = short.to_string();
                        name[..1].make_ascii_uppercase();
                        name
                    })
                    .collect();
                f.write_str(&names.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(text: &str) -> PostDays {
        text.parse().unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn reads_the_forms_admins_type() {
        assert_eq!(days("mon-fri"), PostDays::WEEKDAYS);
        assert_eq!(days("Weekdays"), PostDays::WEEKDAYS);
        assert_eq!(
            days("Monday - Friday").bits(),
            WEEKDAY_BITS,
            "spaces around the dash"
        );
        assert_eq!(days("every day"), PostDays::EVERY_DAY);
        assert_eq!(days("daily"), PostDays::EVERY_DAY);
        assert_eq!(days("weekends").bits(), WEEKEND_BITS);
        assert_eq!(days("mon,wed,fri").bits(), 0b001_0101);
        assert_eq!(days("MON WED  fri").bits(), 0b001_0101);
        assert_eq!(days("tues, thurs").bits(), 0b000_1010);
        assert_eq!(
            days("fri-mon").bits(),
            0b111_0001,
            "a range wraps past Sunday"
        );
        assert_eq!(days("sun").bits(), 0b100_0000);
        assert_eq!(days("mon-sun"), PostDays::EVERY_DAY);
        assert_eq!(days("weekdays, sat").bits(), 0b011_1111);
    }

    #[test]
    fn names_the_word_it_does_not_know() {
        assert_eq!(
            "mon,funday".parse::<PostDays>(),
            Err(DaysError::Unknown("funday".into()))
        );
        assert_eq!(
            "mon-".parse::<PostDays>(),
            Err(DaysError::Unknown("mon-".into()))
        );
        assert_eq!("  ".parse::<PostDays>(), Err(DaysError::Empty));
        assert_eq!(" , ".parse::<PostDays>(), Err(DaysError::Empty));
        let message = DaysError::Unknown("funday".into()).to_string();
        assert!(message.contains("`funday`") && message.contains("mon-fri"));
    }

    #[test]
    fn display_reads_back_as_the_same_days() {
        for bits in 1..=ALL_BITS {
            let set = PostDays::from_bits(bits).unwrap();
            assert_eq!(days(&set.to_string()), set, "{set}");
        }
        assert_eq!(days("mon,wed,fri").to_string(), "Mon, Wed, Fri");
        assert_eq!(PostDays::WEEKDAYS.to_string(), "Monday to Friday");
    }

    #[test]
    fn stored_bits_are_checked() {
        assert_eq!(PostDays::from_bits(0), None);
        assert_eq!(PostDays::from_bits(0x80), None);
        assert_eq!(PostDays::from_bits(0x7f), Some(PostDays::EVERY_DAY));
        assert!(PostDays::WEEKDAYS.contains(Weekday::Fri));
        assert!(!PostDays::WEEKDAYS.contains(Weekday::Sat));
    }
}
