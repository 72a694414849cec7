//! The champion role: an admin picks a role, and at the end of each week or month (in the
//! server's time zone) the bot gives it to that period's leader and takes it from the previous
//! holder. The change is decided here; the Discord layer applies it and records it.

use crate::domain::ids::{GuildId, RoleId, UserId};
use crate::domain::period::{self, Period};
use crate::store::guild_settings::{self, Champion};
use crate::store::standings;

use super::{Result, Service};

/// A change of champion to apply: take the role from `from`, give it to `to` (either may be
/// `None`: no previous holder, or nobody scored in the period).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChampionChange {
    pub guild: GuildId,
    pub role: RoleId,
    pub from: Option<UserId>,
    pub to: Option<UserId>,
}

impl Service {
    /// Sets the champion role, given to each `period`'s leader from the end of the current one,
    /// or stops with `None`.
    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn set_champion(
        &self,
        guild: GuildId,
        champion: Option<(RoleId, Period)>,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let zone = self.guild_zone(&mut tx, guild).await?;
        let setting = champion.and_then(|(role, period)| {
            period::next_period_start(period, now, zone).map(|next| (role, period, next))
        });
        guild_settings::set_champion(&mut tx, guild, setting).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The server's champion role, if set.
    pub async fn champion(&self, guild: GuildId) -> Result<Option<Champion>> {
        let mut conn = self.store.read().await?;
        Ok(guild_settings::champion(&mut conn, guild).await?)
    }

    /// The champion changes due now: for each server whose period has ended, its leader (first
    /// on that period's leaderboard) against the current holder.
    pub async fn champion_changes_due(&self) -> Result<Vec<ChampionChange>> {
        let now = self.now();
        let mut conn = self.store.read().await?;
        let due = guild_settings::champions_due(&mut conn, now).await?;
        let mut changes = Vec::new();
        for champion in due {
            let zone = self.guild_zone(&mut conn, champion.guild).await?;
            let leader = match period::previous_period_key(champion.period, now, zone) {
                Some(key) => standings::page(&mut conn, champion.guild, &key, 0, 1)
                    .await?
                    .first()
                    .map(|row| row.user),
                None => None,
            };
            changes.push(ChampionChange {
                guild: champion.guild,
                role: champion.role,
                from: champion.holder,
                to: leader,
            });
        }
        Ok(changes)
    }

    /// Records that a change was applied (or given up): who holds the role, and when the next
    /// change is due.
    pub async fn record_champion(&self, guild: GuildId, holder: Option<UserId>) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let zone = self.guild_zone(&mut tx, guild).await?;
        let Some(champion) = guild_settings::champion(&mut tx, guild).await? else {
            return Ok(()); // turned off meanwhile
        };
        let next = period::next_period_start(champion.period, now, zone);
        guild_settings::record_champion(&mut tx, guild, holder, next).await?;
        tx.commit().await?;
        Ok(())
    }
}
