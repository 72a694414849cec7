//! A member's record in a guild: points, rank, coverage, streaks and practice, in words and
//! as a picture.

use std::collections::BTreeMap;

use chrono::Duration;

use crate::domain::ids::{GuildId, ScheduleId, UserId};
use crate::domain::period::{Period, period_key};
use crate::domain::streak::Streak;
use crate::stats_image::{self, StatsPicture, TrackAverage};
use crate::store::{activity, answers, quizzes, standings, streaks};

use super::{MemberStats, Result, Service};

impl Service {
    pub async fn member_stats(&self, guild: GuildId, user: UserId) -> Result<MemberStats> {
        let mut conn = self.store.read().await?;
        let zone = self.guild_zone(&mut conn, guild).await?;
        let all = period_key(Period::AllTime, self.now(), zone);
        let ranked = standings::rank_of(&mut conn, guild, &all, user).await?;
        let answered = answers::totals(&mut conn, guild, user).await?;
        let quizzes = quizzes::totals(&mut conn, guild, user).await?;
        let percent = |avg: Option<f64>| avg.map(|a| a.round().clamp(0.0, 100.0) as u32);
        Ok(MemberStats {
            points: ranked.map_or(0, |(_, r)| r.points),
            answers: ranked.map_or(0, |(_, r)| r.answers),
            rank: ranked.map(|(rank, _)| rank),
            average_coverage_percent: percent(answered.average_percent),
            streaks: streaks::for_member(&mut conn, guild, user).await?,
            quizzes: quizzes.count,
            quiz_average_percent: percent(quizzes.average_percent),
        })
    }
}

impl Service {
    /// What the `/stats` picture shows of a member: their answers per local day (the server's
    /// time zone) over the heatmap's weeks, their average grade per track (most answered
    /// first), and the best of `streaks` (theirs, from [`Service::member_stats`]).
    pub async fn stats_picture(
        &self,
        guild: GuildId,
        user: UserId,
        title: String,
        streaks: &[(ScheduleId, Streak)],
    ) -> Result<StatsPicture> {
        let now = self.now();
        let mut conn = self.store.read().await?;
        let zone = self.guild_zone(&mut conn, guild).await?;
        let today = now.with_timezone(&zone).date_naive();
        let since = now - Duration::weeks(i64::from(stats_image::WEEKS) + 1);
        let mut days = BTreeMap::new();
        for at in activity::answer_times(&mut conn, guild, user, since).await? {
            *days
                .entry(at.with_timezone(&zone).date_naive())
                .or_insert(0) += 1;
        }
        let mut by_track: BTreeMap<String, (f64, u32)> = BTreeMap::new();
        for (question, grade) in activity::grades(&mut conn, guild, user).await? {
            let Some(question) = self.question(&question) else {
                continue; // left the corpus: its track is unknown
            };
            let name = self.track_name(&question.track);
            let entry = by_track.entry(name).or_insert((0.0, 0));
            entry.0 += grade.clamp(0, 4) as f64;
            entry.1 += 1;
        }
        let mut tracks: Vec<TrackAverage> = by_track
            .into_iter()
            .map(|(name, (sum, answers))| TrackAverage {
                name,
                average: sum / f64::from(answers),
                answers,
            })
            .collect();
        tracks.sort_by(|a, b| b.answers.cmp(&a.answers).then(a.name.cmp(&b.name)));
        Ok(StatsPicture {
            title,
            today,
            days,
            tracks,
            current_streak: streaks.iter().map(|(_, s)| s.current).max().unwrap_or(0),
            longest_streak: streaks.iter().map(|(_, s)| s.longest).max().unwrap_or(0),
        })
    }
}
