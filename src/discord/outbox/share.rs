//! Posting an answer a member chose to share: in the question's discussion thread (opened now
//! if the reveal could not open it), or in the channel in reply to the question when Discord
//! refuses threads. Each part has a nonce, so pressing again after a failure does not double it.

use std::sync::Arc;

use serenity::all::{ChannelId, Http};

use super::{DeliveryError, Outbox};
use crate::service::ShareView;

impl Outbox {
    /// Posts the shared answer; returns where it went and its first message's id.
    pub async fn send_share(
        &self,
        http: &Arc<Http>,
        view: &ShareView,
    ) -> Result<(ChannelId, u64), DeliveryError> {
        let channel = ChannelId::new(view.channel.0);
        let thread = self
            .open_thread(
                http,
                channel,
                view.question_message,
                &view.question,
                view.post,
            )
            .await?;
        let (target, reply_to) = match thread {
            Some(thread) => (thread, None),
            None => (channel, Some((view.channel.0, view.question_message))),
        };
        let mut first = None;
        for message in crate::discord::thread_messages::shared_answer(view, reply_to) {
            let sent = self
                .call(|| target.send_message(http, message.clone()))
                .await?;
            first.get_or_insert(sent.id.get());
        }
        Ok((target, first.unwrap_or_default()))
    }
}
