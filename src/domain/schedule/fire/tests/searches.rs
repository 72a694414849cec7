//! The next and latest fire, reveals, previews, and every day of 2026 in awkward zones.

use chrono::TimeDelta;
use chrono_tz::{America, Asia, Australia, Europe, Pacific, TZ_VARIANTS};

use super::*;

// --- next / latest

#[test]
fn next_fire_after_exactly_at_a_fire_is_the_next_days() {
    let z = zone(Europe::Berlin);
    let fire = utc("2026-06-10T07:00:00Z"); // 09:00 CEST
    assert_eq!(
        next_fire_after(fire, t("09:00"), &z),
        (date("2026-06-11"), utc("2026-06-11T07:00:00Z"))
    );
    assert_eq!(
        next_fire_after(fire - TimeDelta::seconds(1), t("09:00"), &z),
        (date("2026-06-10"), fire)
    );
    assert_eq!(
        next_fire_after(fire - TimeDelta::nanoseconds(1), t("09:00"), &z),
        (date("2026-06-10"), fire)
    );
}

#[test]
fn next_fire_after_uses_the_local_date_not_the_utc_date() {
    // 2026-03-08 15:30Z is already Monday 00:30 in Tokyo; 08:00 that Monday is still ahead.
    let z = zone(Asia::Tokyo);
    assert_eq!(
        next_fire_after(utc("2026-03-08T15:30:00Z"), t("08:00"), &z),
        (date("2026-03-09"), utc("2026-03-08T23:00:00Z"))
    );
    // 20:00 Sunday in Los Angeles is Monday in UTC; a 21:00 post is still Sunday's.
    let z = zone(America::Los_Angeles);
    assert_eq!(
        next_fire_after(utc("2026-06-15T03:00:00Z"), t("21:00"), &z),
        (date("2026-06-14"), utc("2026-06-15T04:00:00Z"))
    );
}

#[test]
fn next_fire_after_a_dst_change_keeps_the_wall_time() {
    let z = zone(America::New_York);
    // Saturday 09:00 EST fire; the next is Sunday 09:00 EDT, only 23 hours later.
    let saturday = utc("2026-03-07T14:00:00Z");
    assert_eq!(
        next_fire_after(saturday, t("09:00"), &z),
        (date("2026-03-08"), utc("2026-03-08T13:00:00Z"))
    );
    // In the gap itself: 02:10 EST doesn't exist; at 07:10Z (03:10 EDT) the 02:30 post is
    // still ahead, shifted to 03:30 EDT.
    assert_eq!(
        next_fire_after(utc("2026-03-08T07:10:00Z"), t("02:30"), &z),
        (date("2026-03-08"), utc("2026-03-08T07:30:00Z"))
    );
    // During the second 01:xx of the fall-back night, the 01:30 post of that day has gone.
    assert_eq!(
        next_fire_after(utc("2026-11-01T06:15:00Z"), t("01:30"), &z),
        (date("2026-11-02"), utc("2026-11-02T06:30:00Z"))
    );
}

#[test]
fn latest_fire_at_or_before_includes_a_fire_at_that_instant() {
    let z = zone(Europe::Berlin);
    let fire = utc("2026-06-10T07:00:00Z");
    assert_eq!(
        latest_fire_at_or_before(fire, t("09:00"), &z),
        (date("2026-06-10"), fire)
    );
    assert_eq!(
        latest_fire_at_or_before(fire - TimeDelta::seconds(1), t("09:00"), &z),
        (date("2026-06-09"), utc("2026-06-09T07:00:00Z"))
    );
}

#[test]
fn catching_up_after_downtime_finds_the_most_recent_days_fire() {
    // Down from Friday to Monday 06:00 Berlin time; the 09:00 post most recently due is Sunday's.
    let z = zone(Europe::Berlin);
    let now = utc("2026-06-15T04:00:00Z");
    assert_eq!(
        latest_fire_at_or_before(now, t("09:00"), &z),
        (date("2026-06-14"), utc("2026-06-14T07:00:00Z"))
    );
    // A late-evening post seen just after local midnight is the previous local date's.
    assert_eq!(
        latest_fire_at_or_before(utc("2026-06-14T22:05:00Z"), t("23:30"), &z),
        (date("2026-06-14"), utc("2026-06-14T21:30:00Z"))
    );
}

// --- reveal_at

#[test]
fn reveal_after_24h_across_spring_forward_is_24_elapsed_hours() {
    let z = zone(America::New_York);
    let fire = at("2026-03-07", "09:00", America::New_York); // 14:00Z, EST
    let reveal = reveal_at(fire, RevealRule::default(), &z);
    assert_eq!(reveal, utc("2026-03-08T14:00:00Z"));
    assert_eq!(reveal - fire, TimeDelta::hours(24));
    assert_eq!(wall(reveal, America::New_York), "2026-03-08 10:00");
}

#[test]
fn reveal_after_24h_across_fall_back_is_24_elapsed_hours() {
    let z = zone(America::New_York);
    let fire = at("2026-10-31", "09:00", America::New_York); // 13:00Z, EDT
    let reveal = reveal_at(fire, RevealRule::After { minutes: 1440 }, &z);
    assert_eq!(reveal, utc("2026-11-01T13:00:00Z"));
    assert_eq!(wall(reveal, America::New_York), "2026-11-01 08:00");
    assert_eq!(
        reveal_at(fire, RevealRule::After { minutes: 90 }, &z),
        utc("2026-10-31T14:30:00Z")
    );
}

#[test]
fn reveal_at_a_local_time_later_the_same_day() {
    let z = zone(Europe::Berlin);
    let fire = at("2026-06-10", "09:00", Europe::Berlin);
    let rule = RevealRule::AtLocalTime(t("18:00"));
    assert_eq!(reveal_at(fire, rule, &z), utc("2026-06-10T16:00:00Z"));
}

#[test]
fn reveal_at_a_local_time_not_after_the_fire_is_the_next_day() {
    let z = zone(Europe::Berlin);
    let fire = at("2026-06-10", "18:00", Europe::Berlin);
    for (time, expected) in [
        ("08:00", "2026-06-11T06:00:00Z"),
        ("18:00", "2026-06-11T16:00:00Z"),
        ("17:59", "2026-06-11T15:59:00Z"),
    ] {
        let rule = RevealRule::AtLocalTime(t(time));
        assert_eq!(reveal_at(fire, rule, &z), utc(expected), "{time}");
    }
    assert_eq!(
        reveal_at(fire, RevealRule::AtLocalTime(t("18:01")), &z),
        utc("2026-06-10T16:01:00Z")
    );
}

#[test]
fn reveal_at_a_local_time_across_dst_keeps_the_wall_time() {
    let z = zone(America::New_York);
    // Saturday 09:00 EST post, revealed Sunday 08:00 EDT: 22 hours, not 23.
    let fire = at("2026-03-07", "09:00", America::New_York);
    let reveal = reveal_at(fire, RevealRule::AtLocalTime(t("08:00")), &z);
    assert_eq!(reveal, utc("2026-03-08T12:00:00Z"));
    assert_eq!(reveal - fire, TimeDelta::hours(22));
    // A reveal time inside the gap shifts like a fire: 02:30 → 03:30 EDT.
    let reveal = reveal_at(fire, RevealRule::AtLocalTime(t("02:30")), &z);
    assert_eq!(reveal, utc("2026-03-08T07:30:00Z"));
    // Fall back: Saturday 21:00 EDT post, 08:00 EST reveal is 12 hours later.
    let fire = at("2026-10-31", "21:00", America::New_York);
    let reveal = reveal_at(fire, RevealRule::AtLocalTime(t("08:00")), &z);
    assert_eq!(reveal, utc("2026-11-01T13:00:00Z"));
    assert_eq!(reveal - fire, TimeDelta::hours(12));
    // A 01:30 reveal on the fall-back night is the first 01:30 (EDT).
    let reveal = reveal_at(fire, RevealRule::AtLocalTime(t("01:30")), &z);
    assert_eq!(reveal, utc("2026-11-01T05:30:00Z"));
}

#[test]
fn reveal_after_saturates_at_the_end_of_time() {
    let z = zone(Tz::UTC);
    let end = DateTime::<Utc>::MAX_UTC;
    assert_eq!(reveal_at(end, RevealRule::default(), &z), end);
    let rule = RevealRule::After { minutes: u32::MAX };
    assert_eq!(reveal_at(end, rule, &z), end);
}

// --- preview

#[test]
fn preview_across_spring_forward_has_one_fire_per_date_23_hours_apart() {
    let z = zone(America::New_York);
    let fires = preview(date("2026-03-06"), 4, PostDays::EVERY_DAY, t("09:00"), &z);
    assert_eq!(
        fires,
        vec![
            utc("2026-03-06T14:00:00Z"),
            utc("2026-03-07T14:00:00Z"),
            utc("2026-03-08T13:00:00Z"),
            utc("2026-03-09T13:00:00Z"),
        ]
    );
    let gaps: Vec<i64> = fires
        .windows(2)
        .map(|w| (w[1] - w[0]).num_hours())
        .collect();
    assert_eq!(gaps, vec![24, 23, 24]);
}

#[test]
fn preview_across_fall_back_has_one_fire_per_date_25_hours_apart() {
    let z = zone(Europe::London);
    let fires = preview(date("2026-10-24"), 3, PostDays::EVERY_DAY, t("01:30"), &z);
    assert_eq!(
        fires,
        vec![
            utc("2026-10-24T00:30:00Z"),
            utc("2026-10-25T00:30:00Z"), // the first of two 01:30s
            utc("2026-10-26T01:30:00Z"),
        ]
    );
    let gaps: Vec<i64> = fires
        .windows(2)
        .map(|w| (w[1] - w[0]).num_hours())
        .collect();
    assert_eq!(gaps, vec![24, 25]);
    let fires = preview(date("2026-10-24"), 3, PostDays::EVERY_DAY, t("09:00"), &z);
    let gaps: Vec<i64> = fires
        .windows(2)
        .map(|w| (w[1] - w[0]).num_hours())
        .collect();
    assert_eq!(gaps, vec![25, 24]);
}

#[test]
fn preview_length_is_days_capped_at_3660() {
    let z = zone(Tz::UTC);
    assert!(preview(date("2026-01-01"), 0, PostDays::EVERY_DAY, t("09:00"), &z).is_empty());
    assert_eq!(
        preview(date("2026-01-01"), 1, PostDays::EVERY_DAY, t("09:00"), &z).len(),
        1
    );
    assert_eq!(
        preview(
            date("2026-01-01"),
            3660,
            PostDays::EVERY_DAY,
            t("09:00"),
            &z
        )
        .len(),
        3660
    );
    assert_eq!(
        preview(
            date("2026-01-01"),
            u32::MAX,
            PostDays::EVERY_DAY,
            t("09:00"),
            &z
        )
        .len(),
        3660
    );
    // At the end of the calendar it stops rather than wrapping or panicking.
    assert_eq!(
        preview(NaiveDate::MAX, 5, PostDays::EVERY_DAY, t("09:00"), &z).len(),
        1
    );
}

#[test]
fn preview_is_strictly_increasing_in_every_zone() {
    // Every zone chrono-tz knows, through Samoa's skipped date and through 2026.
    for tz in TZ_VARIANTS {
        let z = zone(tz);
        for (from, days) in [(date("2011-12-01"), 62), (date("2026-01-01"), 365)] {
            for time in ["00:00", "02:30", "23:30"] {
                let fires = preview(from, days, PostDays::EVERY_DAY, t(time), &z);
                assert_eq!(fires.len(), days as usize);
                for pair in fires.windows(2) {
                    assert!(pair[0] < pair[1], "{} {time}: {pair:?}", tz.name());
                }
            }
        }
    }
}

// --- the 2026 sweep

#[test]
fn sweep_every_day_of_2026_in_awkward_zones() {
    let zones = [
        Tz::UTC,
        America::New_York,
        Europe::London,
        Australia::Lord_Howe,
        America::Havana,
        America::Santiago,
        Asia::Beirut,
        Pacific::Apia,
        Asia::Kolkata,
        Asia::Kathmandu,
        Pacific::Chatham,
        America::St_Johns,
    ];
    let times = [
        "00:00", "00:30", "01:30", "02:15", "02:45", "09:00", "23:30", "23:59",
    ];
    let one_second = TimeDelta::seconds(1);
    for tz in zones {
        let z = zone(tz);
        for time in times.map(t) {
            let from = date("2026-01-01");
            let dates: Vec<NaiveDate> = from.iter_days().take(366).collect();
            let fires = preview(from, 366, PostDays::EVERY_DAY, time, &z);
            for ((day, next_day), pair) in dates.iter().zip(&dates[1..]).zip(fires.windows(2)) {
                let (fire, next) = (pair[0], pair[1]);
                let context = format!("{} {time} {day}", tz.name());
                assert!(fire < next, "{context}");
                // In 2026 no zone here jumps across midnight, so every fire is on its date.
                assert_eq!(local_date(fire, &z), *day, "{context}");
                assert_eq!(
                    next_fire_after(fire, time, &z),
                    (*next_day, next),
                    "{context}"
                );
                assert_eq!(
                    latest_fire_at_or_before(fire, time, &z),
                    (*day, fire),
                    "{context}"
                );
                assert_eq!(
                    latest_fire_at_or_before(next - one_second, time, &z),
                    (*day, fire),
                    "{context}"
                );
                assert_eq!(
                    next_fire_after(fire - one_second, time, &z),
                    (*day, fire),
                    "{context}"
                );
                // The wall clock shows the post time, or later by at most the DST jump.
                let shown = fire.with_timezone(&tz).time();
                let late = shown - time.time();
                assert!(
                    late >= TimeDelta::zero() && late <= TimeDelta::hours(1),
                    "{context}: {shown}"
                );
            }
        }
    }
}

// --- schedules that post on some weekdays only

#[test]
fn a_weekday_schedule_skips_the_weekend() {
    let z = zone(Europe::Berlin);
    let weekdays = PostDays::WEEKDAYS;
    // Friday 2026-03-06 09:00 CET has fired; the next post is Monday's.
    let friday = at("2026-03-06", "09:00", Europe::Berlin);
    assert_eq!(
        next_post_after(friday, t("09:00"), &z, weekdays),
        (
            date("2026-03-09"),
            at("2026-03-09", "09:00", Europe::Berlin)
        )
    );
    // On Sunday the latest due post is still Friday's.
    let sunday = utc("2026-03-08T20:00:00Z");
    assert_eq!(
        latest_post_at_or_before(sunday, t("09:00"), &z, weekdays),
        (date("2026-03-06"), friday)
    );
    // Every day is what the daily searches return.
    assert_eq!(
        next_post_after(friday, t("09:00"), &z, PostDays::EVERY_DAY),
        next_fire_after(friday, t("09:00"), &z)
    );
}

#[test]
fn one_day_a_week_finds_the_post_a_week_away_across_a_dst_change() {
    let z = zone(Europe::Berlin);
    let sundays: PostDays = "sun".parse().unwrap();
    // Sunday 2026-03-29 is the night Berlin moves to summer time: 02:30 does not exist.
    let after_last = at("2026-03-22", "02:30", Europe::Berlin);
    let (next_date, next) = next_post_after(after_last, t("02:30"), &z, sundays);
    assert_eq!(next_date, date("2026-03-29"));
    assert_eq!(wall(next, Europe::Berlin), "2026-03-29 03:30");
    assert_eq!(
        latest_post_at_or_before(next - TimeDelta::seconds(1), t("02:30"), &z, sundays),
        (date("2026-03-22"), after_last)
    );
}

#[test]
fn weekday_searches_agree_with_a_day_by_day_walk() {
    for tz in [
        Europe::London,
        America::New_York,
        Australia::Lord_Howe,
        Pacific::Apia,
    ] {
        let z = zone(tz);
        for days in ["mon-fri", "sat,sun", "wed", "mon,thu"] {
            let on: PostDays = days.parse().unwrap();
            let fires = preview(date("2026-01-01"), 366, on, t("00:30"), &z);
            for pair in fires.windows(2) {
                let (_, next) = next_post_after(pair[0], t("00:30"), &z, on);
                assert_eq!(next, pair[1], "{tz} {days} after {}", pair[0]);
                let mid = pair[0] + (pair[1] - pair[0]) / 2;
                let (_, latest) = latest_post_at_or_before(mid, t("00:30"), &z, on);
                assert_eq!(latest, pair[0], "{tz} {days} at {mid}");
            }
        }
    }
}

#[test]
fn a_weekday_preview_lists_only_the_chosen_days() {
    let z = zone(Europe::Berlin);
    // 2026-03-02 is a Monday; ten posts from Monday to Friday take two weeks.
    let fires = preview(date("2026-03-02"), 10, PostDays::WEEKDAYS, t("09:00"), &z);
    assert_eq!(fires.len(), 10);
    assert_eq!(fires[9], at("2026-03-13", "09:00", Europe::Berlin));
    assert!(
        fires
            .iter()
            .all(|f| PostDays::WEEKDAYS.contains(local_date(*f, &z).weekday()))
    );
}
