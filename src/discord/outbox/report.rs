//! Reports of refused deliveries to a server's log channel: one message per post or reveal that
//! Discord refused for good, sent once, so admins learn that posts stopped without running
//! `/schedule list`.

use std::sync::Arc;

use serenity::all::{ChannelId, Http};

use super::Outbox;
use crate::discord::render;
use crate::discord::retry::is_transient;
use crate::service::Service;

impl Outbox {
    /// Sends the reports not sent yet; returns how many Discord accepted. A report refused for
    /// good (the log channel is gone too) is given up and logged rather than retried forever; one
    /// whose failure may pass waits for the next pass, with those after it.
    pub async fn report_refusals(&self, http: &Arc<Http>, service: &Service) -> usize {
        let refusals = match service.refusals_to_report().await {
            Ok(refusals) => refusals,
            Err(e) => {
                tracing::warn!("could not read the refusals to report: {e}");
                return 0;
            }
        };
        let mut sent = 0;
        for refusal in refusals {
            let channel = ChannelId::new(refusal.log_channel.0);
            let message = render::refusal_report(&refusal);
            match self
                .call(|| channel.send_message(http, message.clone()))
                .await
            {
                Ok(_) => sent += 1,
                Err(e) if is_transient(&e) => {
                    tracing::warn!(post = %refusal.post, "could not report a refused delivery yet: {e}");
                    break;
                }
                Err(e) => {
                    tracing::warn!(post = %refusal.post, "the log channel refused a report; it is not retried: {e}");
                }
            }
            if let Err(e) = service.record_refusal_reported(refusal.post).await {
                tracing::error!(post = %refusal.post, "could not record a reported refusal: {e}");
            }
        }
        sent
    }
}
