//! Schedule time rules: the local post time, the IANA zone and the reveal rule an admin types, and
//! the UTC instants a schedule fires and reveals at, across daylight-saving changes.
//!
//! A schedule fires once per local date. When the post time does not exist that day (clocks jump
//! forward) it fires as much later as the jump; when it happens twice (clocks go back) it fires at
//! the first. So every local date gets exactly one fire, and fires strictly increase from one date
//! to the next, which is what [`next_fire_after`] and [`latest_fire_at_or_before`] rely on.
//!
//! One file per concern: [`PostTime`] in `post_time`, [`PostDays`] in `days`, [`Zone`] in `zone`, [`RevealRule`] in
//! `reveal`, and the instant arithmetic in `fire`. Finding zone names from partial or misspelt
//! text (autocomplete, "did you mean") is presentation, not a rule: it is [`crate::zone_search`].

mod days;
mod fire;
mod post_time;
mod reveal;
mod zone;

pub use days::{DaysError, PostDays};
pub use fire::{
    MAX_PREVIEW_DAYS, fire_at, latest_fire_at_or_before, latest_post_at_or_before, local_date,
    local_instant, next_fire_after, next_post_after, preview, reveal_at,
};
pub use post_time::PostTime;
pub use reveal::{MAX_REVEAL_MINUTES, RevealRule};
pub use zone::{UnknownZone, Zone};
