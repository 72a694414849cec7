//! The weekly recap a schedule may post after each leaderboard week: the server's top members of
//! the week and the key points of the schedule's questions that most answers missed. Opt-in per
//! schedule; committed before it is sent, like a post, so it is posted once.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::ids::{ChannelId, GuildId, ScheduleId};
use crate::domain::period::{self, Period};
use crate::store::recaps;
use crate::store::schedules as rows;
use crate::store::standings::{self, StandingRow};

use super::{Error, Result, Service};

/// How many members the recap lists.
pub const RECAP_TOP: i64 = 5;
/// How many missed key points the recap lists.
pub const RECAP_MISSED: usize = 3;

/// A week's recap of one schedule, as members read it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecapView {
    pub schedule: ScheduleId,
    pub guild: GuildId,
    pub channel: ChannelId,
    /// The week's Monday, in the server's calendar.
    pub week: NaiveDate,
    /// The schedule's questions revealed that week, and the answers scored.
    pub questions: u32,
    pub answers: u32,
    /// The server's leaderboard of the week, best first.
    pub top: Vec<StandingRow>,
    /// Key points most answers missed, most missed first.
    pub missed: Vec<MissedPoint>,
}

/// A key point of one of the week's questions, with how many of its answers missed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissedPoint {
    pub question: String,
    pub label: String,
    pub missed: u32,
    pub answers: u32,
}

impl Service {
    /// Turns a schedule's weekly recap on (the first one comes after the current week) or off.
    #[tracing::instrument(skip_all, fields(guild = %guild, schedule = %schedule))]
    pub async fn set_recap(&self, guild: GuildId, schedule: ScheduleId, on: bool) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        rows::get(&mut tx, guild, schedule)
            .await?
            .ok_or(Error::ScheduleNotFound(schedule))?;
        let next = if on {
            let zone = self.guild_zone(&mut tx, guild).await?;
            period::next_period_start(Period::Week, now, zone)
        } else {
            None
        };
        recaps::set_next(&mut tx, schedule, next).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Commits the recaps whose week has ended: one per schedule with recaps on and at least one
    /// question revealed that week. After downtime only the latest week ended is recapped.
    /// Returns how many were committed.
    #[tracing::instrument(skip_all)]
    pub async fn commit_recaps_due(&self) -> Result<usize> {
        let now = self.now();
        let due = {
            let mut conn = self.store.read().await?;
            recaps::due(&mut conn, now).await?
        };
        let mut committed = 0;
        for schedule in due {
            let mut tx = self.store.write().await?;
            let Some(row) = rows::get_any(&mut tx, schedule).await? else {
                continue;
            };
            if row.next_recap_at.is_none_or(|at| at > now) {
                continue; // committed by a concurrent run, or turned off meanwhile
            }
            let zone = self.guild_zone(&mut tx, row.guild).await?;
            if let Some(week) = period::previous_week(now, zone) {
                let revealed =
                    recaps::revealed_between(&mut tx, schedule, week.start, week.end).await?;
                if revealed > 0 && recaps::insert(&mut tx, schedule, week.monday, now).await? {
                    committed += 1;
                }
            }
            recaps::set_next(
                &mut tx,
                schedule,
                period::next_period_start(Period::Week, now, zone),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(committed)
    }

    /// Recaps committed and not yet accepted or refused by Discord.
    pub async fn unsent_recaps(&self) -> Result<Vec<(ScheduleId, NaiveDate)>> {
        let mut conn = self.store.read().await?;
        Ok(recaps::unsent(&mut conn).await?)
    }

    /// A committed recap's content; `None` when its schedule is gone.
    pub async fn recap(&self, schedule: ScheduleId, week: NaiveDate) -> Result<Option<RecapView>> {
        let mut conn = self.store.read().await?;
        let Some(row) = rows::get_any(&mut conn, schedule).await? else {
            return Ok(None);
        };
        let zone = self.guild_zone(&mut conn, row.guild).await?;
        let start = period::week_of(week, zone)
            .ok_or_else(|| Error::Corrupt(format!("no week starts on {week}")))?;
        let key = period::period_key(Period::Week, start.start, zone);
        let top = standings::page(&mut conn, row.guild, &key, 0, RECAP_TOP).await?;
        let questions =
            recaps::revealed_between(&mut conn, schedule, start.start, start.end).await?;
        let answers = recaps::week_answers(&mut conn, schedule, start.start, start.end).await?;
        Ok(Some(RecapView {
            schedule,
            guild: row.guild,
            channel: row.channel,
            week,
            questions: u32::try_from(questions).unwrap_or(u32::MAX),
            answers: u32::try_from(answers.len()).unwrap_or(u32::MAX),
            top,
            missed: self.most_missed(&answers),
        }))
    }

    /// The key points most answers missed, from each answer's covered key points.
    fn most_missed(&self, answers: &[(String, String)]) -> Vec<MissedPoint> {
        let mut counts: HashMap<(&str, usize), (u32, u32)> = HashMap::new();
        for (question_id, covered) in answers {
            let Some(question) = self.question(question_id) else {
                continue;
            };
            let covered: Vec<usize> = covered
                .split(',')
                .filter_map(|i| i.trim().parse().ok())
                .collect();
            for index in 0..question.key_points.len() {
                let entry = counts.entry((question_id, index)).or_default();
                entry.1 += 1;
                if !covered.contains(&index) {
                    entry.0 += 1;
                }
            }
        }
        let mut missed: Vec<MissedPoint> = counts
            .into_iter()
            .filter(|(_, (missed, _))| *missed > 0)
            .filter_map(|((question_id, index), (missed, answers))| {
                let question = self.question(question_id)?;
                Some(MissedPoint {
                    question: question.question.clone(),
                    label: question.key_points.get(index)?.label.clone(),
                    missed,
                    answers,
                })
            })
            .collect();
        // Most missed first; as a share of the question's answers, then by name for a stable order.
        missed.sort_by(|a, b| {
            (u64::from(b.missed) * u64::from(a.answers))
                .cmp(&(u64::from(a.missed) * u64::from(b.answers)))
                .then(b.missed.cmp(&a.missed))
                .then(a.label.cmp(&b.label))
        });
        missed.truncate(RECAP_MISSED);
        missed
    }

    /// Records Discord's answer to a recap: its message id, or why it refused it for good.
    pub async fn record_recap(
        &self,
        schedule: ScheduleId,
        week: NaiveDate,
        outcome: std::result::Result<u64, &str>,
    ) -> Result<()> {
        let mut tx = self.store.write().await?;
        recaps::record(&mut tx, schedule, week, outcome).await?;
        tx.commit().await?;
        Ok(())
    }
}
