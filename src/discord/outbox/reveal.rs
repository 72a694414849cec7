//! The delivery of a reveal. The model answer goes into a discussion thread started from the
//! question, and the channel gets one short notice (with the My feedback button, linking the
//! thread), so a channel shows a question and a notice a day instead of two to four long messages.
//! Without a thread (the question never reached Discord, or Discord refuses the bot threads) the
//! model answer is posted in the channel, in reply to the question, as before.

use serenity::all::{AutoArchiveDuration, ChannelId, CreateThread, Http, MessageId};
use std::sync::Arc;

use super::outcome::discord_code;
use super::{Claim, DeliveryError, Edited, Outbox, Sent};
use crate::discord::render;
use crate::discord::retry::is_transient;
use crate::domain::ids::PostId;
use crate::service::Service;

/// Discord's code for a second thread started from the same message.
const THREAD_ALREADY_CREATED: isize = 160004;

impl Outbox {
    /// The delivery of a claimed reveal: the discussion thread on the question, the model answer
    /// in it (in parts, each with its own nonce), the notice in the channel, the question's post
    /// closed (final count, button greyed out), and the reveal recorded as sent. Any step that
    /// fails for now leaves the reveal unrecorded; the next pass repeats it, and the thread, the
    /// nonces and the edit make the repeat a no-op for what already arrived.
    pub(super) async fn send_reveal(
        &self,
        http: &Arc<Http>,
        service: &Service,
        post: PostId,
        _claim: &Claim,
    ) -> Result<Sent, DeliveryError> {
        let Some(reveal) = service.reveal_to_send(post).await? else {
            return Ok(Sent::Already);
        };
        let channel = ChannelId::new(reveal.channel.0);
        let Some(question) = &reveal.question else {
            tracing::warn!(post = %reveal.post, "revealed a question no longer in the corpus");
            service.record_reveal_sent(reveal.post).await?;
            return Ok(Sent::Now);
        };
        let question_message = reveal.message_id.map(|m| (reveal.channel.0, m));
        let thread = match reveal.message_id {
            Some(message) => {
                self.open_thread(http, channel, message, &question.question, post)
                    .await?
            }
            None => None,
        };
        let (target, reply_to) = match thread {
            Some(thread) => (thread, None),
            None => (channel, question_message),
        };
        let mut messages = render::reveal_messages(question, reply_to, reveal.post.0);
        // The thread opens with how the group did (no names), then the model answer; a question
        // nobody answered has nothing to sum up, and costs no message.
        if let (Some(_), Some(summary)) = (thread, &reveal.summary)
            && summary.answered > 0
        {
            let summary = crate::discord::thread_messages::group_summary(summary, reveal.post.0);
            messages.insert(0, summary);
        }
        for message in messages {
            if let Err(e) = self
                .call(|| target.send_message(http, message.clone()))
                .await
            {
                return Err(self.refused(service, reveal.post, e).await);
            }
        }
        if let Some(thread) = thread {
            let notice = render::reveal_notice(thread.get(), question_message, reveal.post.0);
            if let Err(e) = self
                .call(|| channel.send_message(http, notice.clone()))
                .await
            {
                return Err(self.refused(service, reveal.post, e).await);
            }
        }
        // The question's post says answers are closed, with the final count, and loses its
        // button. Not recorded as sent when this may pass: the next pass repeats the reveal
        // (its parts and notice are deduplicated) and this edit.
        match self
            .edit_question(http, service, reveal.guild, reveal.post)
            .await
        {
            Edited::Done => {}
            Edited::Transient(e) => return Err(DeliveryError::Edit(e)),
            // The question was deleted, say: nothing left to close.
            Edited::Refused(e) => {
                tracing::warn!(post = %reveal.post, "could not close the question's post: {e}")
            }
        }
        service.record_reveal_sent(reveal.post).await?;
        Ok(Sent::Now)
    }

    /// The discussion thread started from the question's message: the one opened now, or the one
    /// an earlier pass opened (a thread started from a message shares its id). `None` when
    /// Discord refuses for good (no permission to open threads, say): the model answer then goes
    /// to the channel, since members must get it either way.
    pub(super) async fn open_thread(
        &self,
        http: &Arc<Http>,
        channel: ChannelId,
        message: u64,
        question: &str,
        post: PostId,
    ) -> Result<Option<ChannelId>, DeliveryError> {
        let name: String = format!("Discuss: {question}").chars().take(100).collect();
        let thread = CreateThread::new(name).auto_archive_duration(AutoArchiveDuration::OneDay);
        let opened = self
            .call(|| {
                channel.create_thread_from_message(http, MessageId::new(message), thread.clone())
            })
            .await;
        match opened {
            Ok(thread) => Ok(Some(thread.id)),
            Err(e) if discord_code(&e) == Some(THREAD_ALREADY_CREATED) => {
                Ok(Some(ChannelId::new(message)))
            }
            Err(e) if is_transient(&e) => Err(e.into()),
            Err(e) => {
                tracing::warn!(post = %post, "could not open the discussion thread; the model answer goes to the channel: {e}");
                Ok(None)
            }
        }
    }
}
