//! [`local_instant`] where the wall time is skipped or repeated: DST gaps and overlaps, a skipped
//! date, fractional offsets and the ends of the calendar.

use chrono::{NaiveTime, TimeZone, Timelike};
use chrono_tz::{America, Asia, Australia, Europe, Pacific};

use super::*;

#[test]
fn new_york_spring_forward_gap_shifts_by_the_gap() {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
    let fire = at("2026-03-08", "02:30", America::New_York);
    assert_eq!(fire, utc("2026-03-08T07:30:00Z"));
    assert_eq!(wall(fire, America::New_York), "2026-03-08 03:30");
    assert_eq!(
        at("2026-03-08", "02:00", America::New_York),
        utc("2026-03-08T07:00:00Z")
    );
    assert_eq!(
        at("2026-03-08", "01:59", America::New_York),
        utc("2026-03-08T06:59:00Z")
    );
    assert_eq!(
        at("2026-03-08", "03:00", America::New_York),
        utc("2026-03-08T07:00:00Z"),
        "02:00 and 03:00 are the same instant that night"
    );
}

#[test]
fn new_york_fall_back_overlap_takes_the_earlier() {
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens at 05:30Z and 06:30Z.
    assert_eq!(
        at("2026-11-01", "01:30", America::New_York),
        utc("2026-11-01T05:30:00Z")
    );
    assert_eq!(
        at("2026-11-01", "01:00", America::New_York),
        utc("2026-11-01T05:00:00Z")
    );
    assert_eq!(
        at("2026-11-01", "02:00", America::New_York),
        utc("2026-11-01T07:00:00Z")
    );
}

#[test]
fn london_gap_and_overlap() {
    // 2026-03-29: 01:00 GMT jumps to 02:00 BST.
    assert_eq!(
        at("2026-03-29", "01:30", Europe::London),
        utc("2026-03-29T01:30:00Z")
    );
    assert_eq!(
        wall(at("2026-03-29", "01:30", Europe::London), Europe::London),
        "2026-03-29 02:30"
    );
    // 2026-10-25: 02:00 BST falls back to 01:00 GMT; 01:30 BST is 00:30Z.
    assert_eq!(
        at("2026-10-25", "01:30", Europe::London),
        utc("2026-10-25T00:30:00Z")
    );
    assert_eq!(
        at("2026-10-26", "01:30", Europe::London),
        utc("2026-10-26T01:30:00Z")
    );
}

#[test]
fn lord_howe_shifts_by_half_an_hour() {
    // 2026-10-04: 02:00 +10:30 jumps to 02:30 +11:00, so 02:15 fires at 02:45 +11.
    let fire = at("2026-10-04", "02:15", Australia::Lord_Howe);
    assert_eq!(fire, utc("2026-10-03T15:45:00Z"));
    assert_eq!(wall(fire, Australia::Lord_Howe), "2026-10-04 02:45");
    assert_eq!(
        at("2026-10-04", "02:30", Australia::Lord_Howe),
        utc("2026-10-03T15:30:00Z")
    );
    // 2026-04-05: 02:00 +11:00 falls back to 01:30 +10:30; 01:45 happens twice.
    assert_eq!(
        at("2026-04-05", "01:45", Australia::Lord_Howe),
        utc("2026-04-04T14:45:00Z")
    );
    assert_eq!(
        at("2026-04-05", "01:15", Australia::Lord_Howe),
        utc("2026-04-04T14:15:00Z")
    );
    assert_eq!(
        at("2026-04-05", "02:00", Australia::Lord_Howe),
        utc("2026-04-04T15:30:00Z")
    );
}

#[test]
fn havana_midnight_gap_fires_an_hour_later_the_same_day() {
    // Cuba jumps from 00:00 CST (-05) to 01:00 CDT (-04) on 2026-03-08, per chrono-tz.
    let day = date("2026-03-08");
    assert_eq!(
        America::Havana
            .from_local_datetime(&day.and_time(NaiveTime::MIN))
            .earliest(),
        None,
        "needs a gap at midnight"
    );
    let fire = at("2026-03-08", "00:00", America::Havana);
    assert_eq!(fire, utc("2026-03-08T05:00:00Z"));
    assert_eq!(wall(fire, America::Havana), "2026-03-08 01:00");
    assert_eq!(local_date(fire, &zone(America::Havana)), day);
    assert_eq!(
        at("2026-03-08", "00:30", America::Havana),
        utc("2026-03-08T05:30:00Z")
    );
    // The day before still posts at midnight -05, a full 23 hours earlier.
    assert_eq!(
        at("2026-03-07", "00:00", America::Havana),
        utc("2026-03-07T05:00:00Z")
    );
    // Back at 2026-11-01 01:00 CDT the clock falls back to 00:00 CST: the first midnight.
    assert_eq!(
        at("2026-11-01", "00:30", America::Havana),
        utc("2026-11-01T04:30:00Z")
    );
}

#[test]
fn midnight_gaps_elsewhere_shift_forward_too() {
    // Beirut: 2026-03-29 00:00 +02 jumps to 01:00 +03.
    assert_eq!(
        at("2026-03-29", "00:15", Asia::Beirut),
        utc("2026-03-28T22:15:00Z")
    );
    // Santiago: 2026-09-06 00:00 -04 jumps to 01:00 -03.
    assert_eq!(
        at("2026-09-06", "00:00", America::Santiago),
        utc("2026-09-06T04:00:00Z")
    );
}

#[test]
fn an_overlap_across_midnight_takes_the_first_pass_on_the_right_date() {
    // Santiago: 2026-04-05 00:00 -03 falls back to 2026-04-04 23:00 -04, so 23:30 on the 4th
    // happens at 02:30Z and 03:30Z.
    let fire = at("2026-04-04", "23:30", America::Santiago);
    assert_eq!(fire, utc("2026-04-05T02:30:00Z"));
    assert_eq!(
        local_date(fire, &zone(America::Santiago)),
        date("2026-04-04")
    );
    // Midnight of the 5th happens once, after the second 23:30.
    assert_eq!(
        at("2026-04-05", "00:00", America::Santiago),
        utc("2026-04-05T04:00:00Z")
    );
}

#[test]
fn apia_skipped_date_fires_just_before_the_jump() {
    // Samoa went from 2011-12-29 23:59:59 -10 straight to 2011-12-31 00:00 +14 at 10:00Z, so
    // 2011-12-30 has no local time at all. Its fire is the last second before the jump,
    // between the 29th's and the 31st's fires, so each date still fires once and in order.
    let apia = zone(Pacific::Apia);
    let jump = utc("2011-12-30T10:00:00Z");
    let skipped = utc("2011-12-30T09:59:59Z");
    for time in ["00:00", "09:00", "23:59"] {
        assert_eq!(at("2011-12-30", time, Pacific::Apia), skipped, "{time}");
    }
    assert_eq!(
        skipped.with_timezone(&Pacific::Apia).to_rfc3339(),
        "2011-12-29T23:59:59-10:00"
    );
    assert_eq!(local_date(skipped, &apia), date("2011-12-29"));
    // The neighbours: the 29th's latest possible fire is a minute earlier, the 31st's
    // midnight is the jump itself.
    assert_eq!(
        at("2011-12-29", "23:59", Pacific::Apia),
        utc("2011-12-30T09:59:00Z")
    );
    assert_eq!(at("2011-12-31", "00:00", Pacific::Apia), jump);
    assert_eq!(wall(jump, Pacific::Apia), "2011-12-31 00:00");
    for time in ["00:00", "09:00", "23:59"] {
        let fires = preview(date("2011-12-29"), 3, PostDays::EVERY_DAY, t(time), &apia);
        assert!(
            fires[0] < fires[1] && fires[1] < fires[2],
            "{time}: {fires:?}"
        );
    }
    let fires = preview(
        date("2011-12-28"),
        5,
        PostDays::EVERY_DAY,
        t("09:00"),
        &apia,
    );
    assert_eq!(
        fires,
        vec![
            utc("2011-12-28T19:00:00Z"),
            utc("2011-12-29T19:00:00Z"),
            skipped,
            utc("2011-12-30T19:00:00Z"),
            utc("2011-12-31T19:00:00Z"),
        ]
    );
    // Around the jump the searches step through the skipped date like any other.
    assert_eq!(
        next_fire_after(utc("2011-12-29T19:00:00Z"), t("09:00"), &apia),
        (date("2011-12-30"), skipped)
    );
    assert_eq!(
        next_fire_after(skipped, t("09:00"), &apia),
        (date("2011-12-31"), utc("2011-12-30T19:00:00Z"))
    );
    assert_eq!(
        latest_fire_at_or_before(utc("2011-12-30T18:59:59Z"), t("09:00"), &apia),
        (date("2011-12-30"), skipped)
    );
    assert_eq!(
        latest_fire_at_or_before(jump, t("00:00"), &apia),
        (date("2011-12-31"), jump)
    );
    assert_eq!(
        latest_fire_at_or_before(skipped, t("00:00"), &apia),
        (date("2011-12-30"), skipped)
    );
}

#[test]
fn utc_fires_at_the_wall_time() {
    let z = zone(Tz::UTC);
    assert_eq!(
        fire_at(date("2026-03-08"), t("02:30"), &z),
        utc("2026-03-08T02:30:00Z")
    );
    assert_eq!(
        fire_at(date("2028-02-29"), t("23:59"), &z),
        utc("2028-02-29T23:59:00Z")
    );
    assert_eq!(Zone::UTC, z);
}

#[test]
fn fractional_offsets_are_exact() {
    assert_eq!(
        at("2026-06-01", "09:00", Asia::Kolkata),
        utc("2026-06-01T03:30:00Z")
    );
    assert_eq!(
        at("2026-06-01", "09:00", Asia::Kathmandu),
        utc("2026-06-01T03:15:00Z")
    );
    // Chatham: +12:45 in winter, +13:45 in summer; 2026-09-27 02:45 jumps to 03:45.
    assert_eq!(
        at("2026-06-01", "09:00", Pacific::Chatham),
        utc("2026-05-31T20:15:00Z")
    );
    let fire = at("2026-09-27", "03:00", Pacific::Chatham);
    assert_eq!(fire, utc("2026-09-26T14:15:00Z"));
    assert_eq!(wall(fire, Pacific::Chatham), "2026-09-27 04:00");
    // St John's: -03:30; 2026-03-08 02:00 jumps to 03:00 -02:30, so 02:30 is 03:30 -02:30.
    assert_eq!(
        at("2026-03-08", "02:30", America::St_Johns),
        utc("2026-03-08T06:00:00Z")
    );
    assert_eq!(
        at("2026-03-07", "02:30", America::St_Johns),
        utc("2026-03-07T06:00:00Z")
    );
}

#[test]
fn local_instant_is_total_at_the_ends_of_the_calendar() {
    let zones = [
        Tz::UTC,
        Asia::Tokyo,
        America::New_York,
        Pacific::Apia,
        Pacific::Kiritimati,
        Pacific::Pago_Pago,
    ];
    let times = [NaiveTime::MIN, NaiveTime::from_hms_opt(23, 59, 0).unwrap()];
    for tz in zones {
        for d in [NaiveDate::MIN, NaiveDate::MAX] {
            for time in times {
                let instant = local_instant(d, time, tz);
                let z = zone(tz);
                let post = PostTime::new(time.hour(), time.minute()).unwrap();
                let _ = local_date(instant, &z);
                let _ = next_fire_after(instant, post, &z);
                let _ = latest_fire_at_or_before(instant, post, &z);
                let _ = reveal_at(instant, RevealRule::default(), &z);
                let _ = reveal_at(instant, RevealRule::AtLocalTime(post), &z);
                assert!(preview(d, 3, PostDays::EVERY_DAY, post, &z).len() <= 3);
            }
        }
        for instant in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            let z = zone(tz);
            let (_, next) = next_fire_after(instant, t("12:00"), &z);
            let (_, last) = latest_fire_at_or_before(instant, t("12:00"), &z);
            if instant == DateTime::<Utc>::MIN_UTC {
                assert!(next > instant);
            } else {
                assert!(last <= instant);
            }
        }
    }
    // In the representable middle, a wall time read as UTC is never the answer.
    assert_eq!(
        local_instant(date("2026-01-01"), NaiveTime::MIN, America::New_York),
        utc("2026-01-01T05:00:00Z")
    );
}
