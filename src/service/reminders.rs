//! Reminders by direct message, opt-in per member: `hours` before the reveal of a question the
//! member has not answered. Never a channel ping; a member whose DMs are closed is passed over.

use crate::domain::ids::{GuildId, PostId, UserId};
use crate::domain::reminder::{self, MAX_HOURS};
use crate::store::reminders::{self, Candidate};

use super::{Error, Result, Service};

/// The reminder hours a member gets when they do not choose.
pub const DEFAULT_REMINDER_HOURS: u8 = 2;

impl Service {
    /// Turns a member's reminders on, `hours` before each reveal (1 to [`MAX_HOURS`]), or off
    /// with `None`.
    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn set_reminder(
        &self,
        guild: GuildId,
        user: UserId,
        hours: Option<u8>,
    ) -> Result<()> {
        if let Some(hours) = hours {
            if !(1..=MAX_HOURS).contains(&hours) {
                return Err(Error::ReminderHours {
                    hours,
                    max: MAX_HOURS,
                });
            }
        }
        let mut tx = self.store.write().await?;
        reminders::set(&mut tx, guild, user, hours).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A member's reminder hours, `None` when reminders are off.
    pub async fn reminder(&self, guild: GuildId, user: UserId) -> Result<Option<u8>> {
        let mut conn = self.store.read().await?;
        Ok(reminders::get(&mut conn, guild, user).await?)
    }

    /// The reminders whose time has come, soonest reveal first.
    pub async fn reminders_due(&self) -> Result<Vec<Candidate>> {
        let now = self.now();
        let mut conn = self.store.read().await?;
        let candidates = reminders::candidates(&mut conn).await?;
        Ok(candidates
            .into_iter()
            .filter(|c| reminder::due(c.fire_at, c.reveal_at, c.hours, now))
            .collect())
    }

    /// Records that a post reminded a member (or that it gave up), so it reminds them once.
    pub async fn record_reminder_sent(&self, post: PostId, user: UserId) -> Result<()> {
        let mut tx = self.store.write().await?;
        reminders::mark_sent(&mut tx, post, user, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }
}
