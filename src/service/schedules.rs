//! Configuring schedules: where, when, from which tracks, and when the answer is revealed.

use crate::corpus::{Difficulty, TrackId};
use crate::domain::deck;
use crate::domain::ids::{GuildId, ScheduleId};
use crate::domain::schedule;
use crate::store::posts;
use crate::store::schedules::{self as rows, NewSchedule, ScheduleRow, ScheduleUpdate};

use super::{
    Error, MAX_SCHEDULES_PER_GUILD, Refused, Removal, Result, ScheduleEdit, ScheduleSpec,
    ScheduleView, Service,
};

/// What deleting schedule `id` of `guild` takes with it.
async fn removal(
    conn: &mut sqlx::SqliteConnection,
    guild: GuildId,
    id: ScheduleId,
) -> Result<Removal> {
    let row = rows::get(conn, guild, id)
        .await?
        .ok_or(Error::ScheduleNotFound(id))?;
    let (posts, answers, streaks) = rows::removal_counts(conn, id).await?;
    Ok(Removal {
        id,
        channel: row.channel,
        posts,
        answers,
        streaks,
    })
}

fn view(row: ScheduleRow) -> ScheduleView {
    ScheduleView {
        id: row.id,
        channel: row.channel,
        time: row.time,
        zone: row.zone,
        tracks: row.tracks.iter().filter_map(|t| t.parse().ok()).collect(),
        reveal: row.reveal,
        mention_role: row.mention_role,
        paused: row.paused,
        next_post_at: row.next_fire_at,
        difficulty: row.difficulty,
        days: row.days,
        recap: row.next_recap_at.is_some(),
        refused: None,
    }
}

impl Service {
    /// Adds a schedule; its first post is the next time its local time comes round.
    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn add_schedule(&self, guild: GuildId, spec: ScheduleSpec) -> Result<ScheduleView> {
        let tracks = self.check_tracks(guild, &spec.tracks)?;
        self.check_selection(guild, &tracks, spec.difficulty)?;
        let now = self.now();
        let (next_local_date, next_fire_at) =
            schedule::next_post_after(now, spec.time, &spec.zone, spec.days);
        let deck_seed = self.with_rng(deck::new_seed);
        let track_names: Vec<String> = tracks.iter().map(|t| t.to_string()).collect();

        let mut tx = self.store.write().await?;
        if rows::count_in_guild(&mut tx, guild).await? >= MAX_SCHEDULES_PER_GUILD as i64 {
            return Err(Error::TooManySchedules {
                limit: MAX_SCHEDULES_PER_GUILD,
            });
        }
        rows::ensure_guild(&mut tx, guild, spec.zone).await?;
        let id = rows::insert(
            &mut tx,
            &NewSchedule {
                guild,
                channel: spec.channel,
                time: spec.time,
                zone: spec.zone,
                reveal: spec.reveal,
                mention_role: spec.mention_role,
                deck_seed,
                next_fire_at,
                next_local_date,
                tracks: &track_names,
                difficulty: spec.difficulty,
                days: spec.days,
                now,
            },
        )
        .await?;
        let row = rows::get(&mut tx, guild, id)
            .await?
            .ok_or(Error::ScheduleNotFound(id))?;
        tx.commit().await?;
        tracing::info!(schedule = %id, "schedule added");
        Ok(view(row))
    }

    /// The guild's schedules, with when each posts next and whether Discord refused the latest
    /// post for good, so an admin sees why posts stopped.
    pub async fn list_schedules(&self, guild: GuildId) -> Result<Vec<ScheduleView>> {
        let mut conn = self.store.read().await?;
        let mut views = Vec::new();
        for row in rows::list(&mut conn, guild).await? {
            let latest = posts::latest(&mut conn, row.id).await?;
            let mut schedule = view(row);
            schedule.refused = latest.and_then(|post| {
                post.delivery_error.map(|reason| Refused {
                    local_date: post.local_date,
                    reason,
                })
            });
            views.push(schedule);
        }
        Ok(views)
    }

    /// Refuses a choice of tracks and difficulty with no question to post.
    fn check_selection(
        &self,
        guild: GuildId,
        tracks: &[TrackId],
        difficulty: Option<Difficulty>,
    ) -> Result<()> {
        let any = self
            .questions_in(guild)
            .iter()
            .any(|q| tracks.contains(&q.track) && difficulty.is_none_or(|d| q.difficulty == d));
        if any {
            return Ok(());
        }
        Err(Error::NoQuestionsSelected {
            tracks: tracks
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            difficulty,
        })
    }

    /// Known tracks (the corpus's and the server's decks) with at least one question; an empty
    /// request means all of the corpus's: a deck is drawn from only when named.
    fn check_tracks(&self, guild: GuildId, requested: &[TrackId]) -> Result<Vec<TrackId>> {
        let tracks_in = self.tracks_in(guild);
        let known: Vec<&TrackId> = tracks_in.iter().map(|t| &t.id).collect();
        let names = || {
            known
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if requested.is_empty() {
            return Ok(self.corpus.tracks().iter().map(|t| t.id.clone()).collect());
        }
        let mut tracks = Vec::new();
        for track in requested {
            if !known.contains(&track) {
                return Err(Error::UnknownTrack {
                    track: track.to_string(),
                    known: names(),
                });
            }
            if !tracks.contains(track) {
                tracks.push(track.clone());
            }
        }
        Ok(tracks)
    }
}

impl Service {
    /// Changes a schedule. A new time or zone takes effect from the next time it comes round; a
    /// post already made today is not repeated (posts are unique per local date).
    #[tracing::instrument(skip_all, fields(guild = %guild, schedule = %id))]
    pub async fn edit_schedule(
        &self,
        guild: GuildId,
        id: ScheduleId,
        edit: ScheduleEdit,
    ) -> Result<ScheduleView> {
        let tracks = match &edit.tracks {
            Some(tracks) => Some(self.check_tracks(guild, tracks)?),
            None => None,
        };
        let now = self.now();
        let mut tx = self.store.write().await?;
        let row = rows::get(&mut tx, guild, id)
            .await?
            .ok_or(Error::ScheduleNotFound(id))?;
        let time = edit.time.unwrap_or(row.time);
        let zone = edit.zone.unwrap_or(row.zone);
        let reveal = edit.reveal.unwrap_or(row.reveal);
        let days = edit.days.unwrap_or(row.days);
        let when_changed = edit.time.is_some() || edit.zone.is_some() || edit.days.is_some();
        let (next_local_date, next_fire_at) = if when_changed {
            schedule::next_post_after(now, time, &zone, days)
        } else {
            (row.next_local_date, row.next_fire_at)
        };
        let track_names: Vec<String> = match tracks {
            Some(tracks) => tracks.iter().map(ToString::to_string).collect(),
            None => row.tracks.clone(),
        };
        let difficulty = edit.difficulty.unwrap_or(row.difficulty);
        let track_ids: Vec<TrackId> = track_names.iter().filter_map(|t| t.parse().ok()).collect();
        self.check_selection(guild, &track_ids, difficulty)?;
        rows::update(
            &mut tx,
            id,
            &ScheduleUpdate {
                channel: edit.channel.unwrap_or(row.channel),
                time,
                zone,
                reveal,
                mention_role: edit.mention_role.unwrap_or(row.mention_role),
                paused: row.paused,
                next_fire_at,
                next_local_date,
                tracks: &track_names,
                difficulty,
                days,
            },
        )
        .await?;
        let row = rows::get(&mut tx, guild, id)
            .await?
            .ok_or(Error::ScheduleNotFound(id))?;
        tx.commit().await?;
        Ok(view(row))
    }

    /// Deletes a schedule with its posts, answers and streaks; points already earned stay on the
    /// leaderboard.
    #[tracing::instrument(skip_all, fields(guild = %guild, schedule = %id))]
    pub async fn remove_schedule(&self, guild: GuildId, id: ScheduleId) -> Result<Removal> {
        let mut tx = self.store.write().await?;
        let removal = removal(&mut tx, guild, id).await?;
        if !rows::delete(&mut tx, guild, id).await? {
            return Err(Error::ScheduleNotFound(id));
        }
        tx.commit().await?;
        Ok(removal)
    }

    /// What removing a schedule would delete, so the admin can confirm knowing it.
    pub async fn removal(&self, guild: GuildId, id: ScheduleId) -> Result<Removal> {
        let mut conn = self.store.read().await?;
        removal(&mut conn, guild, id).await
    }

    /// Pauses or resumes a schedule. Resuming starts from the next post time: days spent paused
    /// are not "missed", because the admin chose them.
    #[tracing::instrument(skip_all, fields(guild = %guild, schedule = %id))]
    pub async fn set_paused(
        &self,
        guild: GuildId,
        id: ScheduleId,
        paused: bool,
    ) -> Result<ScheduleView> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let row = rows::get(&mut tx, guild, id)
            .await?
            .ok_or(Error::ScheduleNotFound(id))?;
        let (next_local_date, next_fire_at) = if paused {
            (row.next_local_date, row.next_fire_at)
        } else {
            schedule::next_post_after(now, row.time, &row.zone, row.days)
        };
        rows::set_paused(&mut tx, id, paused, next_fire_at, next_local_date).await?;
        let row = rows::get(&mut tx, guild, id)
            .await?
            .ok_or(Error::ScheduleNotFound(id))?;
        tx.commit().await?;
        Ok(view(row))
    }
}
