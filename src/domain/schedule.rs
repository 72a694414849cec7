//! Schedule time rules: the local post time, the IANA zone and the reveal rule an admin types, and
//! the UTC instants a schedule fires and reveals at, across daylight-saving changes.
//!
//! A schedule fires once per local date. When the post time does not exist that day (clocks jump
//! forward) it fires as much later as the jump; when it happens twice (clocks go back) it fires at
//! the first. So every local date gets exactly one fire, and fires strictly increase from one date
//! to the next, which is what [`next_fire_after`] and [`latest_fire_at_or_before`] rely on.

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Days, FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeDelta, TimeZone, Timelike, Utc,
};
use chrono_tz::{TZ_VARIANTS, Tz};

/// The longest reveal delay: a question still open after a week is stale, and a cap keeps a typo
/// such as "240h" from hiding an answer for ten days.
pub const MAX_REVEAL_MINUTES: u32 = 7 * 24 * 60;

/// The most days [`preview`] lists; ten years is plenty to eyeball DST changes and bounds the work.
pub const MAX_PREVIEW_DAYS: u32 = 3660;

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

/// The format hint every time error ends with, so admins see one spelling everywhere.
const TIME_FORMAT: &str = "use HH:MM, 24-hour, e.g. 09:30";

/// The format hint for reveal rules, naming both kinds of rule.
const REVEAL_FORMAT: &str =
    "use a delay such as 24h, 90m or 1h30m (at most 7 days), or a local time such as 18:00";

// ---------------------------------------------------------------------------------------------
// PostTime

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

// ---------------------------------------------------------------------------------------------
// Zone

/// An IANA time zone as admins choose it. Wrapping [`Tz`] gives it the forgiving parser and the
/// autocomplete search Discord needs, while storing and showing the canonical name.
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

    /// Autocomplete for the zone option: at most `limit` (and never more than Discord's 25) names
    /// matching what the admin has typed so far, best first. Full-name prefixes come first
    /// ("europe/b"), then names with a later segment starting with the query ("york", "new york"),
    /// then names merely containing it; alphabetical within each group. An empty query offers the
    /// common zones.
    pub fn search(query: &str, limit: usize) -> Vec<&'static str> {
        let limit = limit.min(MAX_SEARCH_RESULTS);
        let query = normalize(query);
        if query.is_empty() {
            return COMMON_ZONES.iter().copied().take(limit).collect();
        }
        ranked(|name| search_rank(name, &query), limit)
    }
}

impl From<Tz> for Zone {
    fn from(tz: Tz) -> Self {
        Zone(tz)
    }
}

impl FromStr for Zone {
    type Err = String;

    /// Accepts an IANA name in any letter case, with spaces for underscores ("america/new york").
    /// The error names the expected form and up to three close names, so a city alone ("Berlin")
    /// leads straight to the right zone.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = normalize(s);
        TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(&wanted))
            .map(|tz| Zone(*tz))
            .ok_or_else(|| unknown_zone(s))
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for an unknown zone, with suggestions when any are close enough to help.
fn unknown_zone(input: &str) -> String {
    let mut message = format!(
        "unknown time zone {input:?}; use an IANA name such as Europe/Berlin or America/New_York"
    );
    let suggestions = suggest(input);
    if !suggestions.is_empty() {
        message.push_str(&format!(" (did you mean {}?)", suggestions.join(", ")));
    }
    message
}

/// Names whose last segment (the city) is close to the last segment of `input`: the same, then
/// starting with it, then containing it, then at most two typos away. Admins usually know the city,
/// not the region, and sometimes misspell it.
fn suggest(input: &str) -> Vec<&'static str> {
    let normalized = normalize(input);
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

/// How typed zone text is compared: trimmed, lower case, spaces as underscores (IANA names have no
/// spaces, so "new york" can only mean New_York).
fn normalize(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace(' ', "_")
}

/// The part after the last '/', usually the city.
fn last_segment(name: &str) -> &str {
    name.rsplit_once('/').map_or(name, |(_, last)| last)
}

// ---------------------------------------------------------------------------------------------
// RevealRule

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

// ---------------------------------------------------------------------------------------------
// Instants

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
    let candidates = fires_around(instant, time, zone);
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
    let candidates = fires_around(instant, time, zone);
    let first = candidates.first().copied();
    candidates
        .into_iter()
        .rev()
        .find(|(_, fire)| *fire <= instant)
        .or(first)
        .unwrap_or_else(|| fallback(instant, time, zone))
}

/// The fires for the local dates two either side of `instant`'s local date, in date order. Wide
/// enough for every real zone: a fire is never more than a day away from its local date.
fn fires_around(
    instant: DateTime<Utc>,
    time: PostTime,
    zone: &Zone,
) -> Vec<(NaiveDate, DateTime<Utc>)> {
    let today = local_date(instant, zone);
    (-2..=2)
        .filter_map(|days| today.checked_add_signed(TimeDelta::days(days)))
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

/// The fires for `days` consecutive local dates from `from` (at most [`MAX_PREVIEW_DAYS`]), one
/// per date and strictly increasing, for admins to check a schedule across DST changes. Stops
/// early only at the end of chrono's calendar.
pub fn preview(from: NaiveDate, days: u32, time: PostTime, zone: &Zone) -> Vec<DateTime<Utc>> {
    (0..days.min(MAX_PREVIEW_DAYS))
        .map_while(|offset| from.checked_add_days(Days::new(u64::from(offset))))
        .map(|date| fire_at(date, time, zone))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Asia, Australia, Europe, Pacific};

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn t(s: &str) -> PostTime {
        s.parse().unwrap()
    }

    fn zone(tz: Tz) -> Zone {
        Zone::from(tz)
    }

    fn at(d: &str, time: &str, tz: Tz) -> DateTime<Utc> {
        fire_at(date(d), t(time), &zone(tz))
    }

    /// The wall clock in `tz` at `instant`, "YYYY-MM-DD HH:MM".
    fn wall(instant: DateTime<Utc>, tz: Tz) -> String {
        instant
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    // --- PostTime

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

    // --- Zone

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
            let err = text.parse::<Zone>().unwrap_err();
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
            let err = text.parse::<Zone>().unwrap_err();
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
        let common = Zone::search("", 25);
        assert_eq!(common, COMMON_ZONES.to_vec());
        assert_eq!(common.first(), Some(&"UTC"));
        for name in &common {
            assert_eq!(name.parse::<Zone>().unwrap().name(), *name);
        }
        assert_eq!(
            Zone::search("  ", 3),
            vec!["UTC", "Europe/London", "Europe/Berlin"]
        );
        assert!(Zone::search("", 0).is_empty());
    }

    #[test]
    fn search_ranks_full_prefix_then_segment_prefix_then_substring() {
        // Two cities start with "ber"; Canberra only contains it, so it comes last.
        assert_eq!(
            Zone::search("ber", 25),
            vec!["Atlantic/Bermuda", "Europe/Berlin", "Australia/Canberra"]
        );
        assert_eq!(
            Zone::search("kol", 25),
            vec!["Asia/Kolkata", "Asia/Srednekolymsk"]
        );
        // A full-name prefix beats everything: all 25 slots go to "Asia/...".
        let found = Zone::search("asia", 25);
        assert_eq!(found.len(), 25);
        assert!(found.iter().all(|n| n.starts_with("Asia/")), "{found:?}");
        assert_eq!(found.first(), Some(&"Asia/Aden"));
        // "york" and "new york" only as a later segment; case and spaces don't matter.
        assert_eq!(Zone::search("york", 25), vec!["America/New_York"]);
        assert_eq!(Zone::search("New York", 1), vec!["America/New_York"]);
        assert_eq!(Zone::search("EUROPE/LON", 25), vec!["Europe/London"]);
        assert_eq!(
            Zone::search("lon", 25),
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
        assert_eq!(Zone::search("angeles", 25), vec!["America/Los_Angeles"]);
        let found = Zone::search("lin", 25);
        assert_eq!(found.first(), Some(&"Australia/Lindeman"));
        assert!(found.contains(&"Europe/Berlin"), "{found:?}");
    }

    #[test]
    fn search_respects_the_limit_and_discords_cap() {
        assert_eq!(Zone::search("america/", 5).len(), 5);
        assert_eq!(Zone::search("america/", 100).len(), MAX_SEARCH_RESULTS);
        assert_eq!(Zone::search("a", usize::MAX).len(), MAX_SEARCH_RESULTS);
        assert!(Zone::search("zzzzzz", 25).is_empty());
        let found = Zone::search("america/", 25);
        let mut sorted = found.clone();
        sorted.sort_unstable();
        assert_eq!(found, sorted, "alphabetical within a rank");
    }

    // --- RevealRule

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

    // --- local_instant: gaps and overlaps

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
            let fires = preview(date("2011-12-29"), 3, t(time), &apia);
            assert!(
                fires[0] < fires[1] && fires[1] < fires[2],
                "{time}: {fires:?}"
            );
        }
        let fires = preview(date("2011-12-28"), 5, t("09:00"), &apia);
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
                    let post = PostTime(time);
                    let _ = local_date(instant, &z);
                    let _ = next_fire_after(instant, post, &z);
                    let _ = latest_fire_at_or_before(instant, post, &z);
                    let _ = reveal_at(instant, RevealRule::default(), &z);
                    let _ = reveal_at(instant, RevealRule::AtLocalTime(post), &z);
                    assert!(preview(d, 3, post, &z).len() <= 3);
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
        let fires = preview(date("2026-03-06"), 4, t("09:00"), &z);
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
        let fires = preview(date("2026-10-24"), 3, t("01:30"), &z);
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
        let fires = preview(date("2026-10-24"), 3, t("09:00"), &z);
        let gaps: Vec<i64> = fires
            .windows(2)
            .map(|w| (w[1] - w[0]).num_hours())
            .collect();
        assert_eq!(gaps, vec![25, 24]);
    }

    #[test]
    fn preview_length_is_days_capped_at_3660() {
        let z = zone(Tz::UTC);
        assert!(preview(date("2026-01-01"), 0, t("09:00"), &z).is_empty());
        assert_eq!(preview(date("2026-01-01"), 1, t("09:00"), &z).len(), 1);
        assert_eq!(
            preview(date("2026-01-01"), 3660, t("09:00"), &z).len(),
            3660
        );
        assert_eq!(
            preview(date("2026-01-01"), u32::MAX, t("09:00"), &z).len(),
            3660
        );
        // At the end of the calendar it stops rather than wrapping or panicking.
        assert_eq!(preview(NaiveDate::MAX, 5, t("09:00"), &z).len(), 1);
    }

    #[test]
    fn preview_is_strictly_increasing_in_every_zone() {
        // Every zone chrono-tz knows, through Samoa's skipped date and through 2026.
        for tz in TZ_VARIANTS {
            let z = zone(tz);
            for (from, days) in [(date("2011-12-01"), 62), (date("2026-01-01"), 365)] {
                for time in ["00:00", "02:30", "23:30"] {
                    let fires = preview(from, days, t(time), &z);
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
                let fires = preview(from, 366, time, &z);
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
}
