//! Applying a change of champion: the role taken from the previous holder and given to the new
//! leader. Recorded once applied; a failure that may pass is retried at the next pass, one that
//! cannot (the bot lost Manage Roles, the role was deleted) is logged and the period skipped, so
//! it is not retried against Discord's invalid-request limit.

use std::sync::Arc;

use serenity::all::{GuildId, Http, RoleId, UserId};

use super::Outbox;
use crate::discord::retry::is_transient;
use crate::service::{ChampionChange, Service};

/// The audit log reason Discord shows admins for the bot's role changes.
const REASON: &str = "dailydrill: champion of the period";

impl Outbox {
    /// Applies the champion changes due; returns how many were applied.
    pub async fn apply_champions(&self, http: &Arc<Http>, service: &Service) -> usize {
        let changes = match service.champion_changes_due().await {
            Ok(changes) => changes,
            Err(e) => {
                tracing::warn!("could not read the champion changes due: {e}");
                return 0;
            }
        };
        let mut applied = 0;
        for change in changes {
            match self.apply(http, &change).await {
                Ok(()) => applied += 1,
                Err(e) if is_transient(&e) => {
                    tracing::warn!(guild = %change.guild, "could not change the champion yet: {e}");
                    continue;
                }
                Err(e) => {
                    tracing::warn!(guild = %change.guild, "Discord refused the champion role change; skipped until the next period: {e}");
                }
            }
            if let Err(e) = service.record_champion(change.guild, change.to).await {
                tracing::error!(guild = %change.guild, "could not record the champion: {e}");
            }
        }
        applied
    }

    async fn apply(
        &self,
        http: &Arc<Http>,
        change: &ChampionChange,
    ) -> Result<(), serenity::Error> {
        if change.from == change.to {
            return Ok(()); // the same leader keeps the role
        }
        let (guild, role) = (GuildId::new(change.guild.0), RoleId::new(change.role.0));
        if let Some(from) = change.from {
            let from = UserId::new(from.0);
            let taken = self
                .call(|| http.remove_member_role(guild, from, role, Some(REASON)))
                .await;
            match taken {
                Ok(()) => {}
                Err(e) if is_transient(&e) => return Err(e),
                // The previous holder left the server: nothing to take back.
                Err(e) => {
                    tracing::debug!(guild = %change.guild, "could not take the role back: {e}")
                }
            }
        }
        if let Some(to) = change.to {
            let to = UserId::new(to.0);
            self.call(|| http.add_member_role(guild, to, role, Some(REASON)))
                .await?;
        }
        Ok(())
    }
}
