//! The UTC instants a schedule fires and reveals at: one fire per local date, through
//! daylight-saving gaps and overlaps and up to the ends of chrono's calendar.

use chrono::{
    DateTime, Datelike, Days, FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;

use super::{PostDays, PostTime, RevealRule, Zone};

/// The most days [`preview`] lists; ten years is plenty to eyeball DST changes and bounds the work.
pub const MAX_PREVIEW_DAYS: u32 = 3660;

/// When the wall clock in `zone` shows `time` on `date`, so a schedule fires exactly once that day.
///
/// - Normal day: the one instant.
/// - Clocks go back and `time` happens twice: the earlier, so the post is not late by an hour.
/// - Clocks jump forward over `time`: shifted forward by the length of the jump (02:30 on a night
///   that skips 02:00–03:00 fires at 03:30), the "compatible" choice of RFC 5545 and TC39 Temporal,
///   so the post still goes out that day. A jump at midnight (Havana, Beirut, Santiago) does the
///   same: 00:30 fires at 01:30.
/// - A jump of a day or more, which skips a whole local date when a zone crosses the date line
///   (Pacific/Apia had no 2011-12-30): the last second before the jump. Shifting by the whole
///   jump would land on the next date's own fire, and the jump itself is the next date's
///   midnight; one second earlier lies strictly between the neighbouring dates' fires for any
///   whole-minute time, so each date still fires once, in order. That fire's local date is the
///   date before (23:59:59 on 2011-12-29), the one case where a fire is not on its own date or,
///   after a sub-day jump across midnight, the next.
/// - At the very ends of chrono's calendar, where the instant is not representable, the wall time
///   read as UTC, so the function never fails.
pub fn local_instant(date: NaiveDate, time: NaiveTime, zone: Tz) -> DateTime<Utc> {
    let local = date.and_time(time);
    match zone.from_local_datetime(&local) {
        MappedLocalTime::Single(instant) => instant.to_utc(),
        MappedLocalTime::Ambiguous(earlier, _) => earlier.to_utc(),
        MappedLocalTime::None => across_gap(local, zone),
    }
}

/// Resolves a wall time that does not exist (or is not representable), per [`local_instant`].
/// The offsets a day either side are those before and after the jump, as in Temporal; no zone
/// changes its offset twice within two days.
fn across_gap(local: NaiveDateTime, zone: Tz) -> DateTime<Utc> {
    let as_utc = local.and_utc();
    let day = TimeDelta::days(1);
    let before = offset_at(as_utc.checked_sub_signed(day).unwrap_or(as_utc), zone);
    let after = offset_at(as_utc.checked_add_signed(day).unwrap_or(as_utc), zone);
    let shifted = to_utc(local, before);
    let jump = i64::from(after.local_minus_utc()) - i64::from(before.local_minus_utc());
    if jump < day.num_seconds() {
        return shifted;
    }
    // `local` read with the later offset is before the jump, read with the earlier one after it.
    let jump_at = jump_instant(to_utc(local, after), shifted, zone, before);
    jump_at
        .checked_sub_signed(TimeDelta::seconds(1))
        .unwrap_or(jump_at)
}

/// The first instant in `(from, to]` whose offset is no longer `before`: the moment of the jump.
/// Binary search over whole seconds, as tz transitions are.
fn jump_instant(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zone: Tz,
    before: FixedOffset,
) -> DateTime<Utc> {
    let (mut lo, mut hi) = (from.timestamp(), to.timestamp());
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match DateTime::from_timestamp(mid, 0) {
            Some(instant) if offset_at(instant, zone) == before => lo = mid,
            _ => hi = mid,
        }
    }
    DateTime::from_timestamp(hi, 0).unwrap_or(to)
}

/// The zone's UTC offset at `instant`.
fn offset_at(instant: DateTime<Utc>, zone: Tz) -> FixedOffset {
    zone.offset_from_utc_datetime(&instant.naive_utc()).fix()
}

/// `local` at `offset` as a UTC instant; the wall time as UTC at the ends of chrono's range.
fn to_utc(local: NaiveDateTime, offset: FixedOffset) -> DateTime<Utc> {
    local.checked_sub_offset(offset).unwrap_or(local).and_utc()
}

/// The instant a schedule posting at `time` in `zone` fires for local date `date`; see
/// [`local_instant`] for days when clocks change.
pub fn fire_at(date: NaiveDate, time: PostTime, zone: &Zone) -> DateTime<Utc> {
    local_instant(date, time.time(), zone.tz())
}

/// The calendar date in `zone` at `instant`, the date a post made then belongs to. Adds the offset
/// with a check, as `with_timezone` would panic at the very ends of chrono's range, where the UTC
/// date is returned instead.
pub fn local_date(instant: DateTime<Utc>, zone: &Zone) -> NaiveDate {
    let offset = offset_at(instant, zone.tz());
    instant
        .naive_utc()
        .checked_add_offset(offset)
        .map_or_else(|| instant.date_naive(), |local| local.date())
}

/// The next fire strictly after `instant`, with its local date, for scheduling the next post. A
/// fire at exactly `instant` has happened, so the next day's is returned.
///
/// DST shifts can move a fire across local midnight, so the dates around `instant`'s local date
/// are all tried; fires increase with the date, so the first later one is the answer. At the end
/// of chrono's calendar, where no later fire exists, the last one tried is returned.
pub fn next_fire_after(
    instant: DateTime<Utc>,
    time: PostTime,
    zone: &Zone,
) -> (NaiveDate, DateTime<Utc>) {
    next_post_after(instant, time, zone, PostDays::EVERY_DAY)
}

/// [`next_fire_after`] for a schedule that posts on some days of the week only: the next fire
/// whose local date falls on one of `days`.
pub fn next_post_after(
    instant: DateTime<Utc>,
    time: PostTime,
    zone: &Zone,
    days: PostDays,
) -> (NaiveDate, DateTime<Utc>) {
    let candidates = fires_around(instant, time, zone, days);
    let last = candidates.last().copied();
    candidates
        .into_iter()
        .find(|(_, fire)| *fire > instant)
        .or(last)
        .unwrap_or_else(|| fallback(instant, time, zone))
}

/// The most recent fire at or before `instant`, with its local date, for catching up after the
/// bot was down. At the start of chrono's calendar, where no earlier fire exists, the first one
/// tried is returned.
pub fn latest_fire_at_or_before(
    instant: DateTime<Utc>,
    time: PostTime,
    zone: &Zone,
) -> (NaiveDate, DateTime<Utc>) {
    latest_post_at_or_before(instant, time, zone, PostDays::EVERY_DAY)
}

/// [`latest_fire_at_or_before`] among the local dates that fall on one of `days`.
pub fn latest_post_at_or_before(
    instant: DateTime<Utc>,
    time: PostTime,
    zone: &Zone,
    days: PostDays,
) -> (NaiveDate, DateTime<Utc>) {
    let candidates = fires_around(instant, time, zone, days);
    let first = candidates.first().copied();
    candidates
        .into_iter()
        .rev()
        .find(|(_, fire)| *fire <= instant)
        .or(first)
        .unwrap_or_else(|| fallback(instant, time, zone))
}

/// The fires for the local dates on `days` around `instant`'s local date, in date order. Two
/// dates either side are wide enough for every real zone (a fire is never more than a day away
/// from its local date); a week more either side finds a posting day whichever days are chosen.
fn fires_around(
    instant: DateTime<Utc>,
    time: PostTime,
    zone: &Zone,
    days: PostDays,
) -> Vec<(NaiveDate, DateTime<Utc>)> {
    let today = local_date(instant, zone);
    let reach = if days.is_every_day() { 2 } else { 9 };
    (-reach..=reach)
        .filter_map(|offset| today.checked_add_signed(TimeDelta::days(offset)))
        .filter(|date| days.contains(date.weekday()))
        .map(|date| (date, fire_at(date, time, zone)))
        .collect()
}

/// Unreachable in practice (the local date itself is always a candidate); keeps the search total
/// without a panic path.
fn fallback(instant: DateTime<Utc>, time: PostTime, zone: &Zone) -> (NaiveDate, DateTime<Utc>) {
    let today = local_date(instant, zone);
    (today, fire_at(today, time, zone))
}

/// When a post fired at `fire` is revealed.
///
/// A delay is elapsed time, so a 24 h reveal across a DST change shows 25:00 or 23:00 later on the
/// clock but gives members exactly 24 hours. A local time is the first time the clock shows it
/// strictly after the fire: later the same local date, else the next date, with
/// [`local_instant`]'s rules (shifted past a jump, the first of two). As with fires, the second of
/// two equal wall times on a night the clocks go back does not count. Saturates at the end of
/// chrono's range.
pub fn reveal_at(fire: DateTime<Utc>, rule: RevealRule, zone: &Zone) -> DateTime<Utc> {
    match rule {
        RevealRule::After { minutes } => fire
            .checked_add_signed(TimeDelta::minutes(i64::from(minutes)))
            .unwrap_or(DateTime::<Utc>::MAX_UTC),
        RevealRule::AtLocalTime(time) => next_fire_after(fire, time, zone).1,
    }
}

/// The first `count` fires (at most [`MAX_PREVIEW_DAYS`]) on the local dates from `from` that
/// fall on `on`, one per date and strictly increasing, for admins to check a schedule across DST
/// changes. Stops early only at the end of chrono's calendar.
pub fn preview(
    from: NaiveDate,
    count: u32,
    on: PostDays,
    time: PostTime,
    zone: &Zone,
) -> Vec<DateTime<Utc>> {
    let count = count.min(MAX_PREVIEW_DAYS) as usize;
    (0u64..)
        .map_while(|offset| from.checked_add_days(Days::new(offset)))
        .filter(|date| on.contains(date.weekday()))
        .take(count)
        .map(|date| fire_at(date, time, zone))
        .collect()
}

#[cfg(test)]
mod tests;
