//! What the bot posts in a question's discussion thread besides the model answer: the group's
//! summary that opens it, and the answers members chose to share. Neither pings anyone, whatever
//! a member wrote.

use serenity::all::{CreateMessage, MessageReference, Nonce};

use super::render::no_mentions;
use super::split;
use crate::domain::group::{GroupSummary, MIN_GRADED_FOR_BREAKDOWN};
use crate::feedback::grade_word;
use crate::service::ShareView;

/// The thread's first message: how many answered, the share who covered each key point, and the
/// misconception stated most often, without names. Its nonce keeps a resend from doubling it.
pub fn group_summary(summary: &GroupSummary, post_id: i64) -> CreateMessage {
    let mut text = match summary.answered {
        0 => "**How the group did** · nobody answered this one.".to_owned(),
        1 => "**How the group did** · 1 member answered.".to_owned(),
        n => format!("**How the group did** · {n} members answered."),
    };
    if summary.key_points.is_empty() && summary.graded > 0 {
        text.push_str(&format!(
            "\nThe share who covered each key point shows from {MIN_GRADED_FOR_BREAKDOWN} answers, so that nobody's answer can be told apart."
        ));
    }
    if !summary.key_points.is_empty() {
        text.push_str("\nKey points covered:");
        for point in &summary.key_points {
            let percent = (point.covered * 100)
                .checked_div(summary.graded)
                .unwrap_or(0);
            text.push_str(&format!(
                "\n- {}: {percent}% ({} of {})",
                point.label, point.covered, summary.graded
            ));
        }
        if let Some((claim, stated)) = &summary.misconception {
            text.push_str(&format!(
                "\nMost common misconception ({stated} of {}): \"{claim}\"",
                summary.graded
            ));
        }
        text.push_str(
            "\nAfter the model answer below, anyone who answered can add theirs with **Share my answer**.",
        );
    }
    let parts = split::split_markdown(&text, split::MESSAGE_LIMIT);
    CreateMessage::new()
        .content(parts.into_iter().next().unwrap_or_default())
        .allowed_mentions(no_mentions())
        .nonce(Nonce::String(format!("r{post_id:x}-s")))
        .enforce_nonce(true)
}

/// A shared answer, in parts that each fit a message with balanced code fences: the member's
/// name (a mention that pings nobody), their grade if they chose to show it, and their answer as
/// they wrote it. `reply_to` is the question's message when there is no thread.
pub fn shared_answer(view: &ShareView, reply_to: Option<(u64, u64)>) -> Vec<CreateMessage> {
    let grade = view.grade.map_or_else(String::new, |g| {
        format!(" · grade {g}/4 ({})", grade_word(g))
    });
    let text = format!(
        "**<@{}> shared their answer**{grade}\n\n{}",
        view.user.0, view.body
    );
    split::split_markdown(&text, split::MESSAGE_LIMIT)
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            // One digit: an answer of 4,000 characters takes at most three parts.
            let nonce = format!("s{:x}-{:x}{i}", view.post.0, view.user.0);
            let mut message = CreateMessage::new()
                .content(part)
                .allowed_mentions(no_mentions())
                .nonce(Nonce::String(nonce))
                .enforce_nonce(true);
            if let (0, Some((channel, message_id))) = (i, reply_to) {
                message = message.reference_message(MessageReference::from((
                    serenity::all::ChannelId::new(channel),
                    serenity::all::MessageId::new(message_id),
                )));
            }
            message
        })
        .collect()
}
