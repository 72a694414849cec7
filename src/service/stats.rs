//! A member's record in a guild: points, rank, coverage, streaks and practice.

use crate::domain::ids::{GuildId, UserId};
use crate::domain::period::{Period, period_key};
use crate::store::{answers, quizzes, standings, streaks};

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
