//! `/quiz`: a practice question now, privately, answered through a form and scored at once.

use poise::serenity_prelude as serenity;

use crate::corpus::{Difficulty, TrackId};
use crate::discord::context::{Context, Error, Invoker};
use crate::discord::render;
use crate::discord::reply::{bounded, command_refusal, invalid_options, say};
use crate::service::QuizFilter;

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum DifficultyChoice {
    Easy,
    Medium,
    Hard,
}

impl DifficultyChoice {
    pub fn difficulty(self) -> Difficulty {
        match self {
            DifficultyChoice::Easy => Difficulty::Easy,
            DifficultyChoice::Medium => Difficulty::Medium,
            DifficultyChoice::Hard => Difficulty::Hard,
        }
    }
}

pub(super) async fn complete_track(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let guild = ctx.guild_id().map_or(0, |g| g.get());
    let choices = ctx
        .data()
        .service
        .tracks_in(crate::domain::ids::GuildId(guild))
        .iter()
        .filter(|t| t.id.as_str().contains(&partial.to_lowercase()))
        .map(|t| serenity::AutocompleteChoice::new(t.name.clone(), t.id.as_str()))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// A track option as typed: within the length limit and a valid track id (which may still be
/// unknown: the service says so).
pub(super) fn parse_track(track: Option<&str>) -> Result<Option<TrackId>, String> {
    bounded(&[("track", track)])?;
    track
        .map(str::parse)
        .transpose()
        .map_err(|why| format!("That track name {why}."))
}

/// A practice question now, privately: answered through a form, scored at once.
#[poise::command(slash_command, guild_only)]
pub async fn quiz(
    ctx: Context<'_>,
    #[description = "Track"]
    #[autocomplete = "complete_track"]
    #[max_length = 100]
    track: Option<String>,
    #[description = "Difficulty"] difficulty: Option<DifficultyChoice>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let (guild, user) = (who.guild, who.user);
    let track = match parse_track(track.as_deref()) {
        Ok(track) => track,
        Err(why) => return say(ctx, invalid_options(ctx, who, &why)).await,
    };
    let difficulty = difficulty.map(DifficultyChoice::difficulty);
    let service = &ctx.data().service;
    match service
        .start_quiz(guild, user, QuizFilter { track, difficulty })
        .await
    {
        Ok(quiz) => {
            let track_name = service.track_name(&quiz.question.track);
            let message = render::quiz_message(&quiz, &track_name);
            if let Context::Application(app) = ctx {
                let response = serenity::CreateInteractionResponse::Message(message);
                app.interaction.create_response(ctx, response).await?;
                app.has_sent_initial_response
                    .store(true, std::sync::atomic::Ordering::SeqCst);
            }
            Ok(())
        }
        Err(e) => say(ctx, command_refusal(ctx, who, &e)).await,
    }
}
