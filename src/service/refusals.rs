//! Telling admins when Discord refused a delivery for good: the server's log channel, set by an
//! admin, gets one report per refused post or reveal (`/schedule list` shows it either way).

use crate::domain::ids::{ChannelId, GuildId, PostId};
use crate::store::guild_settings;
use crate::store::posts::{self, UnloggedRefusal};

use super::{Result, Service};

impl Service {
    /// Sets or clears (`None`) the server's log channel. Refusals recorded before are not
    /// reported to it: they are in `/schedule list` already.
    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn set_log_channel(&self, guild: GuildId, channel: Option<ChannelId>) -> Result<()> {
        let mut tx = self.store.write().await?;
        guild_settings::set_log_channel(&mut tx, guild, channel, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn log_channel(&self, guild: GuildId) -> Result<Option<ChannelId>> {
        let mut conn = self.store.read().await?;
        Ok(guild_settings::log_channel(&mut conn, guild).await?)
    }

    /// Refused deliveries not reported yet to their server's log channel, oldest first.
    pub async fn refusals_to_report(&self) -> Result<Vec<UnloggedRefusal>> {
        let mut conn = self.store.read().await?;
        Ok(posts::unlogged_refusals(&mut conn).await?)
    }

    /// Records that a refusal was reported (or given up on), so it is reported once.
    pub async fn record_refusal_reported(&self, post: PostId) -> Result<()> {
        let mut tx = self.store.write().await?;
        posts::set_refusal_logged(&mut tx, post, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }
}
