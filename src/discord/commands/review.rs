//! `/review`: the member's due cards one at a time, privately: the question with an Answer
//! button, the form, then feedback with the missed key points, the model answer and when the
//! question comes back, and a Next review button while more are due.

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateInteractionResponse,
    CreateInteractionResponseMessage, ModalInteraction,
};

use super::practice::{complete_track, parse_track};
use crate::corpus::TrackId;
use crate::discord::context::{Context, Data, Error, Invoker};
use crate::discord::render::{self, GENERIC_PLACEHOLDER, custom_id, ephemeral, form};
use crate::discord::reply::invalid_options;
use crate::discord::reply::{Origin, command_refusal, refusal, refused_click, say};
use crate::discord::split;
use crate::domain::ids::{GuildId, ReviewId};
use crate::domain::review::Recall;
use crate::service::{ReviewResult, ReviewStart, Service};

/// A review's Answer button, its form, and the Next review button (id 0: it starts whichever
/// card is due when pressed; id k > 0: the next due card of the track `k`, see [`track_of`]).
pub const REVIEW_BUTTON: &str = "rv";
pub const REVIEW_MODAL: &str = "ra";
pub const NEXT_BUTTON: &str = "rn";
/// The Answer button and form of a review started with a track: their id packs the review's id
/// with the track's number, so that Next review stays in the track.
pub const TRACK_REVIEW_BUTTON: &str = "rvt";
pub const TRACK_REVIEW_MODAL: &str = "rat";

/// How many track numbers there are; 0 is "every track".
const TRACKS: i64 = 1 << 16;

/// A review id with the number of its track.
fn pack(id: i64, track: i64) -> i64 {
    id.saturating_mul(TRACKS) + track
}

/// The review id and track number of a packed id.
pub fn unpack(packed: i64) -> (i64, i64) {
    (packed.div_euclid(TRACKS), packed.rem_euclid(TRACKS))
}

/// A track's number: a hash of its name (FNV-1a), so that it stays the same while the server's
/// decks come and go; 1 to 65,535.
fn number(track: &TrackId) -> i64 {
    let hash = track.as_str().bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    i64::from(hash % (TRACKS as u32 - 1)) + 1
}

/// The server's track numbered `k`; `None` for 0, or when no track has that number any more (a
/// deck removed meanwhile: the review goes on with every track).
fn track_of(service: &Service, guild: GuildId, k: i64) -> Option<TrackId> {
    service
        .tracks_in(guild)
        .into_iter()
        .map(|t| t.id)
        .find(|t| k != 0 && number(t) == k)
}

/// The number of `track`, when the server has it (0 otherwise).
fn number_of(service: &Service, guild: GuildId, track: &TrackId) -> i64 {
    if service.tracks_in(guild).iter().any(|t| &t.id == track) {
        number(track)
    } else {
        0
    }
}

/// Your own questions again when they are due: what you missed comes back first.
#[poise::command(slash_command, guild_only)]
pub async fn review(
    ctx: Context<'_>,
    #[description = "Only this track (or this server's deck)"]
    #[autocomplete = "complete_track"]
    #[max_length = 100]
    track: Option<String>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let service = &ctx.data().service;
    let track = match parse_track(track.as_deref()) {
        Ok(track) => track,
        Err(why) => return say(ctx, invalid_options(ctx, who, &why)).await,
    };
    let k = match &track {
        None => 0,
        Some(track) => match number_of(service, who.guild, track) {
            0 => {
                let known: Vec<String> = service
                    .tracks_in(who.guild)
                    .iter()
                    .map(|t| t.id.to_string())
                    .collect();
                let e = crate::service::Error::UnknownTrack {
                    track: track.to_string(),
                    known: known.join(", "),
                };
                return say(ctx, command_refusal(ctx, who, &e)).await;
            }
            k => k,
        },
    };
    match service
        .start_review(who.guild, who.user, track.as_ref())
        .await
    {
        Ok(start) => {
            let message = start_message(service, &start, track.as_ref().map(|t| (t, k)));
            if let Context::Application(app) = ctx {
                let response = CreateInteractionResponse::Message(message);
                app.interaction.create_response(ctx, response).await?;
                app.has_sent_initial_response
                    .store(true, std::sync::atomic::Ordering::SeqCst);
            }
            Ok(())
        }
        Err(e) => say(ctx, command_refusal(ctx, who, &e)).await,
    }
}

/// The due card with its Answer button, or when the next one is due; `track` (with its number)
/// when the review keeps to one.
fn start_message(
    service: &Service,
    start: &ReviewStart,
    track: Option<(&TrackId, i64)>,
) -> CreateInteractionResponseMessage {
    if let (Some((track, _)), ReviewStart::NothingDue { cards: 1.., .. }) = (track, start) {
        return ephemeral(format!(
            "Nothing due in `{track}` right now; `/review` without a track shows every card due."
        ));
    }
    let view = match start {
        ReviewStart::Card(view) => view,
        ReviewStart::NothingDue { cards: 0, .. } => {
            return ephemeral(
                "No reviews yet. Every question you answer (the daily question, /quiz) comes back \
                 here when you are about to forget it: the next day if you missed it, weeks later \
                 if you nailed it.",
            );
        }
        ReviewStart::NothingDue {
            next: Some(next), ..
        } => {
            return ephemeral(format!(
                "Nothing due; your next review is <t:{0}:R> (<t:{0}:f>).",
                next.timestamp()
            ));
        }
        ReviewStart::NothingDue { next: None, .. } => {
            return ephemeral(
                "Nothing to review right now: your due questions are open as a daily question in \
                 this server; they come back after its reveal.",
            );
        }
    };
    let q = &view.question;
    let track_name = service.track_name(&q.track);
    let embed = CreateEmbed::new()
        .title(format!("Review · {track_name} · {}", q.difficulty))
        .description(format!(
            "{}\n\nLast answered <t:{}:R>. Answer with the button; you get your feedback, the \
             model answer and when it comes back at once.",
            q.question,
            view.card.last_review.timestamp()
        ))
        .footer(serenity::CreateEmbedFooter::new(format!(
            "{} review(s) due",
            view.due
        )));
    let id = match track {
        Some((_, k)) => custom_id(TRACK_REVIEW_BUTTON, pack(view.id.0, k)),
        None => custom_id(REVIEW_BUTTON, view.id.0),
    };
    let button = CreateButton::new(id)
        .label("Answer")
        .style(ButtonStyle::Primary);
    ephemeral("")
        .embed(embed)
        .components(vec![CreateActionRow::Buttons(vec![button])])
}

/// A click on a review's Answer button (the form) or on Next review (the next due card).
pub async fn on_click(
    data: &Data,
    who: Invoker,
    clicked: &str,
    prefix: &str,
    id: i64,
) -> CreateInteractionResponse {
    let service = &data.service;
    let refuse = |e| refused_click(&e, clicked, who);
    if prefix == NEXT_BUTTON {
        let track = track_of(service, who.guild, id);
        let k = if track.is_some() { id } else { 0 };
        return match service
            .start_review(who.guild, who.user, track.as_ref())
            .await
        {
            Ok(start) => CreateInteractionResponse::Message(start_message(
                service,
                &start,
                track.as_ref().map(|t| (t, k)),
            )),
            Err(e) => refuse(e),
        };
    }
    let (review, modal) = match prefix {
        TRACK_REVIEW_BUTTON => (unpack(id).0, custom_id(TRACK_REVIEW_MODAL, id)),
        _ => (id, custom_id(REVIEW_MODAL, id)),
    };
    match service
        .check_review(who.guild, who.user, ReviewId(review))
        .await
    {
        Ok(()) => CreateInteractionResponse::Modal(form(modal, GENERIC_PLACEHOLDER, None)),
        Err(e) => refuse(e),
    }
}

/// A review's feedback in parts that each fit a message; the last ends with when the question
/// comes back.
fn result_parts(result: &ReviewResult, remaining: u32) -> Vec<String> {
    let due = result.next_due.timestamp();
    let why = match result.recall {
        Recall::Again => "it comes back soon, since the answer missed what matters",
        Recall::Hard => "a partial answer comes back sooner than a good one",
        Recall::Good | Recall::Easy => "each answer you recall makes the gap longer",
    };
    let more = match remaining {
        0 => "That was your last due review.".to_owned(),
        n => format!("{n} more due."),
    };
    let text = format!(
        "{}\n\n{}\n\n**Next review:** <t:{due}:D> (<t:{due}:R>): {why}. {more}",
        result.assessment.markdown(),
        split::model_answer(&result.question.answer, &result.question.follow_ups)
    );
    split::split_markdown(&text, split::MESSAGE_LIMIT)
}

/// A review answer: graded at once; the feedback comes back privately, with a Next review
/// button on its last message while more are due.
pub async fn on_answer(
    ctx: &serenity::Context,
    data: &Data,
    submit: &ModalInteraction,
    who: Invoker,
    prefix: &str,
    id: i64,
) -> Result<(), Error> {
    let text = render::modal_text(submit);
    let service = &data.service;
    // A review started with a track goes on in it (while the track still exists).
    let (review, track) = match prefix {
        TRACK_REVIEW_MODAL => {
            let (review, k) = unpack(id);
            (review, track_of(service, who.guild, k).map(|t| (t, k)))
        }
        _ => (id, None),
    };
    let (parts, remaining) = match service
        .answer_review(who.guild, who.user, ReviewId(review), &text)
        .await
    {
        Ok(result) => {
            let remaining = match &track {
                Some((track, _)) => service
                    .reviews_due_in(who.guild, who.user, track)
                    .await
                    .unwrap_or(result.remaining),
                None => result.remaining,
            };
            (result_parts(&result, remaining), remaining)
        }
        Err(e) => (
            vec![refusal(&e, Origin::Component(&submit.data.custom_id), who)],
            0,
        ),
    };
    let next = (remaining > 0).then(|| {
        vec![CreateActionRow::Buttons(vec![
            CreateButton::new(custom_id(
                NEXT_BUTTON,
                track.as_ref().map_or(0, |(_, k)| *k),
            ))
            .label("Next review")
            .style(ButtonStyle::Primary),
        ])]
    });
    Ok(render::send_parts(ctx, submit, parts, next, true).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_track_number_survives_the_custom_id_and_the_bundled_tracks_differ() {
        let corpus = crate::corpus::CorpusSource::Bundled.load().unwrap();
        let numbers: std::collections::HashSet<i64> =
            corpus.tracks().iter().map(|t| number(&t.id)).collect();
        assert_eq!(numbers.len(), corpus.tracks().len());
        let deck: TrackId = "our-deck".parse().unwrap();
        let k = number(&deck);
        assert!((1..TRACKS).contains(&k));
        assert_eq!(unpack(pack(1234, k)), (1234, k));
        assert!(custom_id(TRACK_REVIEW_MODAL, pack(i64::from(u32::MAX), k)).len() <= 100);
    }
}
