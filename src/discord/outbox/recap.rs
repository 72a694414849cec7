//! Delivery of committed weekly recaps, in the schedule's channel. A recap Discord refuses for
//! good is recorded and not retried; one whose failure may pass waits for the next pass, and its
//! nonce keeps a resend after a crash from doubling it.

use std::sync::Arc;

use serenity::all::{ChannelId, CreateMessage, Http, Nonce};

use super::Outbox;
use crate::discord::render::{clip, no_mentions};
use crate::discord::retry::is_transient;
use crate::service::{RecapView, Service};

impl Outbox {
    /// Sends the recaps committed and not yet sent; returns how many Discord accepted.
    pub async fn send_recaps(&self, http: &Arc<Http>, service: &Service) -> usize {
        let unsent = match service.unsent_recaps().await {
            Ok(unsent) => unsent,
            Err(e) => {
                tracing::warn!("could not read the recaps to send: {e}");
                return 0;
            }
        };
        let mut sent = 0;
        for (schedule, week) in unsent {
            let view = match service.recap(schedule, week).await {
                Ok(Some(view)) => view,
                Ok(None) => continue, // the schedule was removed; its recaps went with it
                Err(e) => {
                    tracing::warn!(schedule = %schedule, "could not read a recap: {e}");
                    continue;
                }
            };
            let channel = ChannelId::new(view.channel.0);
            let message = message(&view);
            let outcome = match self
                .call(|| channel.send_message(http, message.clone()))
                .await
            {
                Ok(posted) => {
                    sent += 1;
                    Ok(posted.id.get())
                }
                Err(e) if is_transient(&e) => {
                    tracing::warn!(schedule = %schedule, "could not post a weekly recap yet: {e}");
                    continue;
                }
                Err(e) => {
                    tracing::warn!(schedule = %schedule, "Discord refused a weekly recap for good: {e}");
                    Err(e.to_string())
                }
            };
            let outcome = outcome.as_ref().copied().map_err(String::as_str);
            if let Err(e) = service.record_recap(schedule, week, outcome).await {
                tracing::error!(schedule = %schedule, "could not record a weekly recap: {e}");
            }
        }
        sent
    }
}

/// The recap as members read it. Members are named by mention for the names to show, but nobody
/// is pinged.
fn message(view: &RecapView) -> CreateMessage {
    let mut text = format!(
        "**Week of {}** · schedule #{}: {} question(s), {} answer(s)\n",
        view.week.format("%-d %B"),
        view.schedule,
        view.questions,
        view.answers
    );
    if view.top.is_empty() {
        text.push_str("Nobody scored points this week.\n");
    } else {
        text.push_str("**Top of the week**\n");
        for (rank, row) in view.top.iter().enumerate() {
            text.push_str(&format!(
                "{}. <@{}> — {} pts, {} answer(s)\n",
                rank + 1,
                row.user,
                row.points,
                row.answers
            ));
        }
    }
    if !view.missed.is_empty() {
        text.push_str("**Most missed key points** (worth a second look)\n");
        for point in &view.missed {
            text.push_str(&format!(
                "- {} — missed by {} of {} answer(s) to “{}”\n",
                point.label,
                point.missed,
                point.answers,
                clip(&point.question, 120)
            ));
        }
    }
    text.push_str("-# `/past` shows the week's questions with their model answers.");
    CreateMessage::new()
        .content(clip(&text, crate::discord::split::MESSAGE_LIMIT))
        .allowed_mentions(no_mentions())
        .nonce(Nonce::String(format!(
            "w{:x}-{:x}",
            view.schedule.0,
            chrono::Datelike::num_days_from_ce(&view.week)
        )))
        .enforce_nonce(true)
}
