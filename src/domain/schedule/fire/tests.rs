//! Tests of the fire arithmetic: the helpers here, [`local_instant`] on days clocks change in
//! `dst`, and the searches, reveals, previews and a sweep of 2026 in `searches`.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::*;

mod dst;
mod searches;

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
