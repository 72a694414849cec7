//! Leaderboards per guild for this week, this month and all time, in the guild's time zone.

use crate::domain::ids::{GuildId, UserId};
use crate::domain::period::{Period, TIE_BREAK, period_key, period_start};
use crate::store::standings::{self, StandingRow};

use super::{Leaderboard, Ranked, Result, Service};

/// Lines per leaderboard page: ten fit a Discord embed comfortably.
pub const PAGE_SIZE: i64 = 10;

fn ranked(rank: i64, row: StandingRow) -> Ranked {
    Ranked {
        rank,
        user: row.user,
        points: row.points,
        answers: row.answers,
        streak: row.streak,
    }
}

impl Service {
    /// One page (1-based; out-of-range pages show the last one) and the caller's own line, even
    /// when they rank outside the page.
    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn leaderboard(
        &self,
        guild: GuildId,
        period: Period,
        page: u32,
        caller: UserId,
    ) -> Result<Leaderboard> {
        let now = self.now();
        let mut conn = self.store.read().await?;
        let zone = self.guild_zone(&mut conn, guild).await?;
        let key = period_key(period, now, zone);
        let members = standings::count(&mut conn, guild, &key).await?;
        let pages = u32::try_from((members + PAGE_SIZE - 1) / PAGE_SIZE)
            .unwrap_or(u32::MAX)
            .max(1);
        let page = page.clamp(1, pages);
        let offset = i64::from(page - 1) * PAGE_SIZE;
        let rows = standings::page(&mut conn, guild, &key, offset, PAGE_SIZE)
            .await?
            .into_iter()
            .zip(offset + 1..)
            .map(|(row, rank)| ranked(rank, row))
            .collect();
        let caller = standings::rank_of(&mut conn, guild, &key, caller)
            .await?
            .map(|(rank, row)| ranked(rank, row));
        Ok(Leaderboard {
            period,
            since: period_start(period, now, zone),
            rows,
            page,
            pages,
            members,
            caller,
            tie_break: TIE_BREAK,
        })
    }
}
