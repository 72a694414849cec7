//! Suggestions on their way: each new one posted in its server's moderation channel (with a nonce,
//! so a retry after a lost answer posts nothing twice), and each decision told to the suggester by
//! direct message, once (a member whose DMs are closed is passed over).

use std::sync::Arc;

use serenity::all::{ChannelId, Http, UserId};

use super::Outbox;
use crate::discord::commands::suggest::{decision_message, moderation_post};
use crate::discord::retry::is_transient;
use crate::service::Service;

impl Outbox {
    /// Posts new suggestions and tells suggesters of decisions; returns how many messages
    /// Discord accepted. What may pass (a 5xx, a timeout) is tried again at the next tick.
    pub async fn send_suggestions(&self, http: &Arc<Http>, service: &Service) -> usize {
        let mut sent = 0;
        match service.suggestions_to_post().await {
            Ok(rows) => {
                for (row, channel) in rows {
                    let message = moderation_post(&row);
                    let to = ChannelId::new(channel.0);
                    match self.call(|| to.send_message(http, message.clone())).await {
                        Ok(posted) => {
                            sent += 1;
                            if let Err(e) = service
                                .record_suggestion_posted(row.id, channel, posted.id.get())
                                .await
                            {
                                tracing::error!(
                                    suggestion = row.id,
                                    "could not record a moderation post: {e}"
                                );
                            }
                        }
                        Err(e) if is_transient(&e) => {
                            tracing::warn!(guild = %row.guild, suggestion = row.id, "could not post a suggestion for moderation yet: {e}")
                        }
                        // The bot lost the channel or a permission: not retried (Discord counts
                        // refusals towards its ban) until an admin sets the channel again.
                        Err(e) => {
                            tracing::warn!(guild = %row.guild, suggestion = row.id, "Discord refused a suggestion's moderation post: {e}");
                            if let Err(e) = service
                                .record_suggestion_refused(row.id, &e.to_string())
                                .await
                            {
                                tracing::error!(
                                    suggestion = row.id,
                                    "could not record a refused moderation post: {e}"
                                );
                            }
                        }
                    }
                }
            }
            Err(e) => tracing::warn!("could not read the suggestions to post: {e}"),
        }
        let decided = match service.suggestions_to_notify().await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!("could not read the suggestions decided: {e}");
                return sent;
            }
        };
        for row in decided {
            let user = UserId::new(row.user.0);
            let result = self
                .direct_message(http, user, decision_message(&row))
                .await;
            match result {
                Ok(()) => sent += 1,
                Err(e) if is_transient(&e) => {
                    tracing::warn!(suggestion = row.id, "could not tell a suggester yet: {e}");
                    continue;
                }
                Err(e) => tracing::debug!(suggestion = row.id, "a suggester's DM was refused: {e}"),
            }
            if let Err(e) = service.record_suggestion_notified(row.id).await {
                tracing::error!(
                    suggestion = row.id,
                    "could not record a told suggester: {e}"
                );
            }
        }
        sent
    }
}
