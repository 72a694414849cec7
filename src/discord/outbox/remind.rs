//! Reminders by direct message: opening the DM channel, then the message. A member whose DMs are
//! closed (Discord refuses for good) is passed over silently: the reminder is recorded as given
//! up, so it is not retried against Discord's invalid-request limit.

use std::sync::Arc;

use serenity::all::{CreateMessage, Http, UserId};

use super::Outbox;
use crate::discord::render;
use crate::discord::retry::is_transient;
use crate::service::Service;

impl Outbox {
    /// Sends `message` to `user` in their DM channel (opened first), retried through what may
    /// pass; a refusal (DMs closed, the member gone) is the caller's to record.
    pub(super) async fn direct_message(
        &self,
        http: &Arc<Http>,
        user: UserId,
        message: CreateMessage,
    ) -> Result<(), serenity::Error> {
        let dm = self.call(|| user.create_dm_channel(http)).await?;
        self.call(|| dm.id.send_message(http, message.clone()))
            .await
            .map(|_| ())
    }

    /// Sends the reminders whose time has come; returns how many Discord accepted. One whose
    /// failure may pass is left for the next pass.
    pub async fn send_reminders(&self, http: &Arc<Http>, service: &Service) -> usize {
        let due = match service.reminders_due().await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!("could not read the reminders due: {e}");
                return 0;
            }
        };
        let mut sent = 0;
        for reminder in due {
            let user = UserId::new(reminder.user.0);
            let result = self
                .direct_message(http, user, render::reminder(&reminder))
                .await;
            match result {
                Ok(()) => sent += 1,
                Err(e) if is_transient(&e) => {
                    tracing::warn!(post = %reminder.post, "could not send a reminder yet: {e}");
                    continue;
                }
                // DMs closed, or the member left: nothing to do but not try again.
                Err(e) => tracing::debug!(post = %reminder.post, "a reminder was refused: {e}"),
            }
            if let Err(e) = service
                .record_reminder_sent(reminder.post, reminder.user)
                .await
            {
                tracing::error!(post = %reminder.post, "could not record a sent reminder: {e}");
            }
        }
        sent
    }
}
