//! Leaderboard periods and ordering: which week or month an award counts towards in the guild's
//! time zone, when the current period began, and how members are ranked within one.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;

use crate::domain::ids::UserId;

/// Shown under every leaderboard so members know why a tied member ranks above them. User ids are
/// Discord snowflakes, which grow with account creation time, so the lowest id is the oldest account.
pub const TIE_BREAK: &str =
    "Ties go to more answers, then the longer current streak, then the older Discord account.";

/// A leaderboard's time window. Weeks and months follow the guild's calendar, not UTC, so a week
/// resets at the members' own Monday midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Week,
    Month,
    AllTime,
}

impl Period {
    /// Every period, for command choices and for recording an award in each bucket at once.
    pub const ALL: [Period; 3] = [Period::Week, Period::Month, Period::AllTime];

    /// The word members type and the bot stores; one spelling for parsing and display.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::AllTime => "all",
        }
    }
}

impl FromStr for Period {
    type Err = String;

    /// Parses the command option; the error names the choices so it can be shown as is.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("unknown period {s:?}; use week, month or all"))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The bucket an award made at `instant` counts towards, named by the local calendar so a key is
/// stable and readable in the database: "all", "week:YYYY-MM-DD" (the Monday starting the ISO
/// week) or "month:YYYY-MM".
pub fn period_key(period: Period, instant: DateTime<Utc>, zone: Tz) -> String {
    // Only an instant at the very edge of chrono's range has no local date; its UTC date will do.
    let local = local_date(instant, zone).unwrap_or_else(|| instant.date_naive());
    match period {
        Period::AllTime => "all".to_owned(),
        Period::Week => format!("week:{}", week_start(local).format("%Y-%m-%d")),
        Period::Month => format!("month:{}", local.format("%Y-%m")),
    }
}

/// When the current period began, for "this week since …". Local midnight of its first day, or the
/// first existing local minute of that day when midnight falls in a DST gap. None for all time, which
/// has no start (and, in theory, for a day with no existing local minute at all).
pub fn period_start(period: Period, now: DateTime<Utc>, zone: Tz) -> Option<DateTime<Utc>> {
    let today = local_date(now, zone)?;
    let first_day = match period {
        Period::AllTime => return None,
        Period::Week => week_start(today),
        Period::Month => today.with_day(1)?,
    };
    start_of_day(first_day, zone)
}

/// A leaderboard week that has ended: its Monday, and its first and last-plus-one instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Week {
    pub monday: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The week before the one `now` falls in, in `zone`: what a weekly recap posted now is about.
pub fn previous_week(now: DateTime<Utc>, zone: Tz) -> Option<Week> {
    let this_monday = week_start(local_date(now, zone)?);
    week_of(this_monday.checked_sub_signed(TimeDelta::days(7))?, zone)
}

/// The week that starts on `monday`, in `zone`.
pub fn week_of(monday: NaiveDate, zone: Tz) -> Option<Week> {
    Some(Week {
        monday,
        start: start_of_day(monday, zone)?,
        end: start_of_day(monday.checked_add_signed(TimeDelta::days(7))?, zone)?,
    })
}

/// When the period after the one `now` falls in begins, in `zone` (a week's Monday or a month's
/// first day, at local midnight); `None` for all time, which does not end.
pub fn next_period_start(period: Period, now: DateTime<Utc>, zone: Tz) -> Option<DateTime<Utc>> {
    let today = local_date(now, zone)?;
    let next = match period {
        Period::AllTime => return None,
        Period::Week => week_start(today).checked_add_signed(TimeDelta::days(7))?,
        Period::Month => today
            .with_day(1)?
            .checked_add_months(chrono::Months::new(1))?,
    };
    start_of_day(next, zone)
}

/// The key of the period before the one `now` falls in (see [`period_key`]): the week or month
/// that has just ended, whose leader becomes champion.
pub fn previous_period_key(period: Period, now: DateTime<Utc>, zone: Tz) -> Option<String> {
    let start = period_start(period, now, zone)?;
    let before = start.checked_sub_signed(TimeDelta::hours(12))?;
    Some(period_key(period, before, zone))
}

/// The calendar date in `zone` at `instant`. `DateTime::with_timezone` would panic for the first and
/// last hours chrono can represent, so the offset is added with a check instead.
fn local_date(instant: DateTime<Utc>, zone: Tz) -> Option<NaiveDate> {
    let offset = zone.offset_from_utc_datetime(&instant.naive_utc()).fix();
    let local = instant.naive_utc().checked_add_offset(offset)?;
    Some(local.date())
}

/// The Monday that starts `date`'s ISO week. Falls back to `date` itself only at the very start of
/// chrono's calendar, where that Monday is not representable.
fn week_start(date: NaiveDate) -> NaiveDate {
    date.week(Weekday::Mon).checked_first_day().unwrap_or(date)
}

/// The first instant of `date` in `zone`. Takes the earlier of two midnights when clocks go back,
/// and walks forward by minutes past a gap when clocks go forward at midnight. Minute steps are
/// exact: since Liberia's change in 1972 every tz offset, and so every gap's end, is a whole minute.
fn start_of_day(date: NaiveDate, zone: Tz) -> Option<DateTime<Utc>> {
    let midnight = NaiveDateTime::new(date, NaiveTime::MIN);
    (0..24 * 60)
        .filter_map(|minute| midnight.checked_add_signed(TimeDelta::minutes(minute)))
        .find_map(|local| zone.from_local_datetime(&local).earliest())
        .map(|start| start.with_timezone(&Utc))
}

/// One member's line on a leaderboard, with just the fields the ordering needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub user: UserId,
    pub points: i64,
    pub answers: i64,
    pub current_streak: u32,
}

/// The leaderboard order: points, then answers, then current streak, all highest first, then user
/// id lowest first. The final key makes the order total, so equal members never swap places between
/// two renderings; [`TIE_BREAK`] explains it to members.
pub fn compare(a: &Standing, b: &Standing) -> Ordering {
    b.points
        .cmp(&a.points)
        .then_with(|| b.answers.cmp(&a.answers))
        .then_with(|| b.current_streak.cmp(&a.current_streak))
        .then_with(|| a.user.cmp(&b.user))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{Africa, America, Asia, Europe, UTC};

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_previous_week_runs_monday_to_monday_in_the_zone() {
        // Wednesday 2026-06-10 in Berlin (CEST, UTC+2): last week is 1-7 June.
        let week = previous_week(utc("2026-06-10T12:00:00Z"), Europe::Berlin).unwrap();
        assert_eq!(week.monday.to_string(), "2026-06-01");
        assert_eq!(week.start, utc("2026-05-31T22:00:00Z"));
        assert_eq!(week.end, utc("2026-06-07T22:00:00Z"));
        assert_eq!(
            next_period_start(Period::Week, utc("2026-06-10T12:00:00Z"), Europe::Berlin),
            Some(utc("2026-06-14T22:00:00Z"))
        );
        assert_eq!(week_of(week.monday, Europe::Berlin), Some(week));
        // Just after Monday's midnight the week that ended is the one before.
        let week = previous_week(utc("2026-06-07T22:00:00Z"), Europe::Berlin).unwrap();
        assert_eq!(week.monday.to_string(), "2026-06-01");
        // A week with a DST change is 167 hours long.
        let week = previous_week(utc("2026-04-01T00:00:00Z"), Europe::Berlin).unwrap();
        assert_eq!(week.monday.to_string(), "2026-03-23");
        assert_eq!((week.end - week.start).num_hours(), 167);
    }

    #[test]
    fn the_next_period_and_the_one_just_ended() {
        let now = utc("2026-06-10T12:00:00Z");
        assert_eq!(
            next_period_start(Period::Month, now, Europe::Berlin),
            Some(utc("2026-06-30T22:00:00Z"))
        );
        assert_eq!(
            next_period_start(Period::Week, now, Europe::Berlin),
            Some(utc("2026-06-14T22:00:00Z"))
        );
        assert_eq!(next_period_start(Period::AllTime, now, UTC), None);
        assert_eq!(
            previous_period_key(Period::Week, now, UTC).as_deref(),
            Some("week:2026-06-01")
        );
        assert_eq!(
            previous_period_key(Period::Month, now, UTC).as_deref(),
            Some("month:2026-05")
        );
        // December's next month is January of the next year.
        assert_eq!(
            next_period_start(Period::Month, utc("2026-12-15T00:00:00Z"), UTC),
            Some(utc("2027-01-01T00:00:00Z"))
        );
    }

    fn st(user: u64, points: i64, answers: i64, current_streak: u32) -> Standing {
        Standing {
            user: UserId(user),
            points,
            answers,
            current_streak,
        }
    }

    #[test]
    fn period_words_round_trip() {
        for p in Period::ALL {
            assert_eq!(p.to_string().parse::<Period>(), Ok(p));
        }
        assert_eq!("all".parse::<Period>(), Ok(Period::AllTime));
        assert_eq!(Period::Week.to_string(), "week");
        assert_eq!(Period::Month.to_string(), "month");
    }

    #[test]
    fn unknown_period_names_the_choices() {
        for bad in ["", "Week", "alltime", "year", " week"] {
            let err = bad.parse::<Period>().unwrap_err();
            assert!(err.contains("week, month or all"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn all_time_key_is_constant() {
        for t in ["1999-01-01T00:00:00Z", "2026-06-15T12:00:00Z"] {
            assert_eq!(period_key(Period::AllTime, utc(t), Asia::Tokyo), "all");
        }
    }

    #[test]
    fn tokyo_sunday_late_evening_is_still_the_old_week() {
        // Sunday 2026-03-08 23:30 in Tokyo (+09:00) is 14:30 UTC that Sunday.
        let t = utc("2026-03-08T14:30:00Z");
        assert_eq!(period_key(Period::Week, t, Asia::Tokyo), "week:2026-03-02");
    }

    #[test]
    fn tokyo_monday_early_morning_is_the_new_week_though_utc_says_sunday() {
        // Monday 2026-03-09 00:30 in Tokyo is 15:30 UTC on Sunday the 8th.
        let t = utc("2026-03-08T15:30:00Z");
        assert_eq!(period_key(Period::Week, t, Asia::Tokyo), "week:2026-03-09");
        assert_eq!(period_key(Period::Week, t, UTC), "week:2026-03-02");
    }

    #[test]
    fn west_of_utc_monday_morning_utc_is_still_last_week() {
        // 03:00 UTC on Monday is 20:00 Sunday in Los Angeles (PDT, -07:00).
        let t = utc("2026-06-15T03:00:00Z");
        assert_eq!(
            period_key(Period::Week, t, America::Los_Angeles),
            "week:2026-06-08"
        );
        assert_eq!(period_key(Period::Week, t, UTC), "week:2026-06-15");
    }

    #[test]
    fn month_boundaries_follow_the_local_calendar() {
        // 2026-01-31 16:00 UTC is already 1 February 01:00 in Tokyo.
        let t = utc("2026-01-31T16:00:00Z");
        assert_eq!(period_key(Period::Month, t, Asia::Tokyo), "month:2026-02");
        assert_eq!(period_key(Period::Month, t, UTC), "month:2026-01");
        // 2026-03-01 05:00 UTC is still February in New York (EST, -05:00).
        let t = utc("2026-03-01T04:59:59Z");
        assert_eq!(
            period_key(Period::Month, t, America::New_York),
            "month:2026-02"
        );
        let t = utc("2026-03-01T05:00:00Z");
        assert_eq!(
            period_key(Period::Month, t, America::New_York),
            "month:2026-03"
        );
    }

    #[test]
    fn iso_weeks_cross_new_year() {
        // Thursday 2026-12-31 belongs to the week starting Monday 2026-12-28.
        let t = utc("2026-12-31T12:00:00Z");
        assert_eq!(period_key(Period::Week, t, UTC), "week:2026-12-28");
        // Sunday 2027-01-03 is still in that week; Monday the 4th starts the next.
        let t = utc("2027-01-03T12:00:00Z");
        assert_eq!(period_key(Period::Week, t, UTC), "week:2026-12-28");
        assert_eq!(period_key(Period::Month, t, UTC), "month:2027-01");
        let t = utc("2027-01-04T00:00:00Z");
        assert_eq!(period_key(Period::Week, t, UTC), "week:2027-01-04");
    }

    #[test]
    fn a_week_containing_a_dst_change_keeps_one_key() {
        // Europe/Berlin springs forward on Sunday 2026-03-29; the week runs Mon 23rd..Sun 29th.
        let zone = Europe::Berlin;
        let instants = [
            "2026-03-22T23:00:00Z", // Mon 00:00 CET
            "2026-03-29T00:59:59Z", // Sun 01:59:59 CET, just before the jump
            "2026-03-29T01:00:00Z", // Sun 03:00 CEST, just after
            "2026-03-29T21:59:59Z", // Sun 23:59:59 CEST, the week's last second
        ];
        for t in instants {
            assert_eq!(
                period_key(Period::Week, utc(t), zone),
                "week:2026-03-23",
                "{t}"
            );
        }
        // The next week starts at local midnight, now one hour earlier in UTC than a week before.
        let next = utc("2026-03-29T22:00:00Z");
        assert_eq!(period_key(Period::Week, next, zone), "week:2026-03-30");
        assert_eq!(
            period_start(Period::Week, next, zone),
            Some(utc("2026-03-29T22:00:00Z"))
        );
        assert_eq!(
            period_start(Period::Week, utc("2026-03-29T21:59:59Z"), zone),
            Some(utc("2026-03-22T23:00:00Z"))
        );
    }

    #[test]
    fn period_start_is_local_midnight() {
        // Wednesday 2026-03-11 12:00 in Tokyo.
        let now = utc("2026-03-11T03:00:00Z");
        assert_eq!(
            period_start(Period::Week, now, Asia::Tokyo),
            Some(utc("2026-03-08T15:00:00Z")) // Mon 9th 00:00 +09:00
        );
        assert_eq!(
            period_start(Period::Month, now, Asia::Tokyo),
            Some(utc("2026-02-28T15:00:00Z")) // 1 March 00:00 +09:00
        );
        assert_eq!(period_start(Period::AllTime, now, Asia::Tokyo), None);
    }

    #[test]
    fn period_start_of_a_monday_at_midnight_is_now() {
        let now = utc("2026-03-09T00:00:00Z");
        assert_eq!(period_start(Period::Week, now, UTC), Some(now));
        let first = utc("2026-03-01T00:00:00Z");
        assert_eq!(period_start(Period::Month, first, UTC), Some(first));
    }

    #[test]
    fn period_start_skips_a_midnight_dst_gap_at_a_week_start() {
        // Iran sprang forward at midnight on Monday 2021-03-22: 00:00 +03:30 became 01:00 +04:30,
        // so the week's first instant is 01:00 local, 2021-03-21T20:30Z.
        let zone = Asia::Tehran;
        let monday = NaiveDate::from_ymd_opt(2021, 3, 22).unwrap();
        assert_eq!(
            zone.from_local_datetime(&monday.into()).earliest(),
            None,
            "needs a gap"
        );
        let now = utc("2021-03-24T08:00:00Z");
        let start = period_start(Period::Week, now, zone).unwrap();
        assert_eq!(start, utc("2021-03-21T20:30:00Z"));
        assert_eq!(start.with_timezone(&zone).date_naive(), monday);
        assert_eq!(period_key(Period::Week, start, zone), "week:2021-03-22");
        let just_before = start - TimeDelta::seconds(1);
        assert_eq!(
            period_key(Period::Week, just_before, zone),
            "week:2021-03-15"
        );
    }

    #[test]
    fn period_start_skips_a_midnight_dst_gap_at_a_month_start() {
        // Paraguay sprang forward at midnight on 2023-10-01: 00:00 -04:00 became 01:00 -03:00.
        let zone = America::Asuncion;
        let now = utc("2023-10-15T12:00:00Z");
        assert_eq!(
            period_start(Period::Month, now, zone),
            Some(utc("2023-10-01T04:00:00Z"))
        );
    }

    #[test]
    fn a_gap_on_a_monday_the_first_starts_both_periods_together() {
        // Morocco sprang forward at midnight on Monday 2009-06-01: 00:00 +00 became 01:00 +01.
        let zone = Africa::Casablanca;
        let now = utc("2009-06-03T12:00:00Z");
        let expected = Some(utc("2009-06-01T00:00:00Z"));
        assert_eq!(period_start(Period::Week, now, zone), expected);
        assert_eq!(period_start(Period::Month, now, zone), expected);
    }

    #[test]
    fn period_start_takes_the_first_of_two_midnights() {
        // Cuba fell back from 01:00 to 00:00 on Sunday 2025-11-02, so midnight happened twice:
        // 00:00 -04:00 (04:00Z) and 00:00 -05:00 (05:00Z). The day starts at the first.
        let zone = America::Havana;
        let day = NaiveDate::from_ymd_opt(2025, 11, 2).unwrap();
        let both = zone.from_local_datetime(&day.into());
        assert_ne!(
            both.earliest(),
            both.latest(),
            "needs an ambiguous midnight"
        );
        assert_eq!(start_of_day(day, zone), Some(utc("2025-11-02T04:00:00Z")));
    }

    #[test]
    fn period_start_at_the_edges_of_time_does_not_panic() {
        for zone in [Asia::Tokyo, America::Los_Angeles, UTC] {
            for t in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
                for p in Period::ALL {
                    let _ = period_start(p, t, zone);
                    assert!(!period_key(p, t, zone).is_empty());
                }
            }
        }
    }

    #[test]
    fn more_points_rank_first() {
        let a = st(9, 10, 1, 0);
        let b = st(1, 9, 50, 50);
        assert_eq!(compare(&a, &b), Ordering::Less);
        assert_eq!(compare(&b, &a), Ordering::Greater);
    }

    #[test]
    fn equal_points_go_to_more_answers() {
        assert_eq!(compare(&st(9, 10, 5, 0), &st(1, 10, 4, 30)), Ordering::Less);
    }

    #[test]
    fn equal_points_and_answers_go_to_the_longer_streak() {
        assert_eq!(compare(&st(9, 10, 5, 3), &st(1, 10, 5, 2)), Ordering::Less);
    }

    #[test]
    fn full_ties_go_to_the_lower_user_id() {
        assert_eq!(compare(&st(1, 10, 5, 3), &st(2, 10, 5, 3)), Ordering::Less);
        assert_eq!(compare(&st(2, 10, 5, 3), &st(2, 10, 5, 3)), Ordering::Equal);
    }

    #[test]
    fn negative_and_extreme_values_compare_without_overflow() {
        assert_eq!(
            compare(&st(1, i64::MIN, 0, 0), &st(2, i64::MAX, 0, 0)),
            Ordering::Greater
        );
        assert_eq!(
            compare(&st(1, -1, 0, 0), &st(2, 0, 0, 0)),
            Ordering::Greater
        );
        assert_eq!(
            compare(&st(u64::MAX, 0, 0, u32::MAX), &st(0, 0, 0, 0)),
            Ordering::Less
        );
    }

    #[test]
    fn a_shuffled_board_sorts_into_the_documented_order() {
        let expected = vec![
            st(40, 30, 3, 0),
            st(12, 20, 6, 1),
            st(77, 20, 5, 9),
            st(3, 20, 5, 2),
            st(8, 20, 5, 2),
            st(50, 20, 5, 2),
            st(2, 5, 9, 9),
            st(1, 0, 0, 0),
            st(5, -3, 1, 0),
        ];
        let mut board = vec![
            expected[5],
            expected[8],
            expected[0],
            expected[3],
            expected[7],
            expected[1],
            expected[6],
            expected[4],
            expected[2],
        ];
        board.sort_by(compare);
        assert_eq!(board, expected);
    }

    #[test]
    fn tie_break_text_matches_the_order() {
        assert!(TIE_BREAK.contains("answers"));
        assert!(TIE_BREAK.contains("streak"));
        assert!(TIE_BREAK.contains("older"));
        assert!(TIE_BREAK.find("answers") < TIE_BREAK.find("streak"));
    }
}
