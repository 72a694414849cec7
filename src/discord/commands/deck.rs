//! `/deck import|list|show|export|remove` (Manage Server): a server's own questions. An import is
//! an attached question file or zip of them, downloaded with a size cap and checked whole before
//! anything is stored.

use poise::CreateReply;
use poise::serenity_prelude as serenity;

use crate::corpus::TrackId;
use crate::corpus::server_deck::MAX_UPLOAD_BYTES;
use crate::discord::attachments;
use crate::discord::context::{Context, Error, Invoker};
use crate::discord::render::{self, no_mentions};
use crate::discord::reply::{bounded, command_refusal, invalid_options, say};
use crate::domain::ids::{GuildId, ScheduleId};
use crate::service::DeckSummary;

/// The server's own question decks (Manage Server).
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "deck_import",
        "deck_list",
        "deck_show",
        "deck_export",
        "deck_remove",
        "deck_moderation"
    ),
    default_member_permissions = "MANAGE_GUILD",
    required_permissions = "MANAGE_GUILD"
)]
pub async fn deck(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Completes a deck name from the server's decks.
async fn complete_deck(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let guild = GuildId(ctx.guild_id().map_or(0, |g| g.get()));
    let corpus = ctx.data().service.corpus();
    let partial = partial.to_lowercase();
    let choices = ctx
        .data()
        .service
        .tracks_in(guild)
        .into_iter()
        .filter(|t| corpus.track(&t.id).is_none() && t.id.as_str().contains(&partial))
        .take(25)
        .map(|t| serenity::AutocompleteChoice::new(t.id.to_string(), t.id.to_string()))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// A deck name as typed: within the length limit and shaped like a track id.
fn parse_name(name: &str) -> Result<TrackId, String> {
    bounded(&[("name", Some(name))])?;
    name.trim()
        .to_lowercase()
        .parse::<TrackId>()
        .map_err(|why| format!("That deck name {why}."))
}

fn schedules(ids: &[ScheduleId]) -> String {
    ids.iter()
        .map(|s| format!("#{s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe(d: &DeckSummary) -> String {
    let rubric = match d.without_rubric {
        0 => String::new(),
        n => format!(", {n} without a rubric yet"),
    };
    let used = if d.schedules.is_empty() {
        "no schedule".to_owned()
    } else {
        format!("schedule(s) {}", schedules(&d.schedules))
    };
    let by = d
        .imported_by
        .map_or_else(String::new, |u| format!(" by <@{u}>"));
    format!(
        "`{}` · {} question(s){rubric} · used by {used} · imported{by} <t:{}:R>",
        d.name,
        d.questions,
        d.imported_at.timestamp()
    )
}

/// Import a deck: a question file (.md) or a zip of them, up to 1 MB.
#[poise::command(
    slash_command,
    guild_only,
    rename = "import",
    required_permissions = "MANAGE_GUILD"
)]
async fn deck_import(
    ctx: Context<'_>,
    #[description = "A question file (.md) or a .zip of them, up to 1 MB"]
    file: serenity::Attachment,
    #[description = "The deck's name (default: the files' track); an existing deck is replaced"]
    #[max_length = 64]
    name: Option<String>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let name = match name.as_deref().map(parse_name).transpose() {
        Ok(name) => name,
        Err(why) => return say(ctx, invalid_options(ctx, who, &why)).await,
    };
    if file.size as usize > MAX_UPLOAD_BYTES {
        let e = crate::service::Error::UploadTooLarge {
            bytes: file.size as usize,
            limit: MAX_UPLOAD_BYTES,
        };
        return say(ctx, command_refusal(ctx, who, &e)).await;
    }
    ctx.defer_ephemeral().await?;
    let bytes = match attachments::download(&file.url, MAX_UPLOAD_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!(guild = %who.guild, "could not download a deck upload: {e}");
            return say(ctx, format!("{e} Nothing was imported; try again.")).await;
        }
    };
    let service = &ctx.data().service;
    let imported = service
        .import_deck(who.guild, who.user, &file.filename, &bytes, name.as_ref())
        .await;
    let text = match imported {
        Ok(done) => {
            let verb = if done.replaced {
                "Replaced"
            } else {
                "Imported"
            };
            let rubric = match done.without_rubric {
                0 => String::new(),
                n => format!(
                    " Without a rubric yet: {n} (posted and revealed like the others; answers to them earn the points for answering only)."
                ),
            };
            format!(
                "{verb} deck `{0}`: {1} question(s).{rubric}\nUse it like a track: `/schedule add tracks:{0}`, `/quiz track:{0}`; `/deck show name:{0}` lists it.",
                done.name, done.questions
            )
        }
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

/// The server's decks.
#[poise::command(
    slash_command,
    guild_only,
    rename = "list",
    required_permissions = "MANAGE_GUILD"
)]
async fn deck_list(ctx: Context<'_>) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let text = match ctx.data().service.decks(who.guild).await {
        Ok(decks) if decks.is_empty() => {
            "This server has no deck yet. `/deck import` takes a question file or a zip of them; the README's \"Your group's own deck\" says how to write one.".to_owned()
        }
        Ok(decks) => decks
            .iter()
            .map(|d| format!("- {}", describe(d)))
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

/// A deck's questions.
#[poise::command(
    slash_command,
    guild_only,
    rename = "show",
    required_permissions = "MANAGE_GUILD"
)]
async fn deck_show(
    ctx: Context<'_>,
    #[description = "The deck"]
    #[autocomplete = "complete_deck"]
    #[max_length = 64]
    name: String,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let name = match parse_name(&name) {
        Ok(name) => name,
        Err(why) => return say(ctx, invalid_options(ctx, who, &why)).await,
    };
    let text = match ctx.data().service.deck(who.guild, name.as_str()).await {
        Ok((summary, entries)) => {
            let mut text = describe(&summary);
            for (n, e) in entries.iter().enumerate() {
                let rubric = if e.has_rubric {
                    ""
                } else {
                    " · no rubric yet"
                };
                let line = format!(
                    "\n{}. {} ({}{rubric})",
                    n + 1,
                    render::escape_markdown(&render::clip(&e.question, 150)),
                    e.difficulty
                );
                if text.len() + line.len() > 1800 {
                    text.push_str(&format!(
                        "\n…and {} more; `/deck export` gives every file.",
                        entries.len() - n
                    ));
                    break;
                }
                text.push_str(&line);
            }
            text
        }
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

/// A deck's files, as a zip to edit and import again.
#[poise::command(
    slash_command,
    guild_only,
    rename = "export",
    required_permissions = "MANAGE_GUILD"
)]
async fn deck_export(
    ctx: Context<'_>,
    #[description = "The deck"]
    #[autocomplete = "complete_deck"]
    #[max_length = 64]
    name: String,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let name = match parse_name(&name) {
        Ok(name) => name,
        Err(why) => return say(ctx, invalid_options(ctx, who, &why)).await,
    };
    match ctx
        .data()
        .service
        .export_deck(who.guild, name.as_str())
        .await
    {
        Ok((filename, bytes)) => {
            let reply = CreateReply::default()
                .content(format!(
                    "Deck `{name}`, as imported: edit the files and `/deck import` the zip to replace it."
                ))
                .ephemeral(true)
                .allowed_mentions(no_mentions())
                .attachment(serenity::CreateAttachment::bytes(bytes, filename));
            ctx.send(reply).await?;
            Ok(())
        }
        Err(e) => say(ctx, command_refusal(ctx, who, &e)).await,
    }
}

/// Remove a deck; answers already given keep their question.
#[poise::command(
    slash_command,
    guild_only,
    rename = "remove",
    required_permissions = "MANAGE_GUILD"
)]
async fn deck_remove(
    ctx: Context<'_>,
    #[description = "The deck"]
    #[autocomplete = "complete_deck"]
    #[max_length = 64]
    name: String,
    #[description = "Also take it out of the schedules that use it (pausing any left with no track)"]
    force: Option<bool>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let name = match parse_name(&name) {
        Ok(name) => name,
        Err(why) => return say(ctx, invalid_options(ctx, who, &why)).await,
    };
    let removed = ctx
        .data()
        .service
        .remove_deck(who.guild, name.as_str(), force.unwrap_or(false))
        .await;
    let text = match removed {
        Ok(done) => {
            let mut text = format!(
                "Removed deck `{name}`. Answers already given keep their question; an open post is still revealed."
            );
            if !done.unscheduled.is_empty() {
                text.push_str(&format!(
                    " Taken out of schedule(s) {}.",
                    schedules(&done.unscheduled)
                ));
            }
            if !done.paused.is_empty() {
                text.push_str(&format!(
                    " Paused schedule(s) {}, left with no track: `/schedule edit` gives them tracks, `/schedule resume` restarts them.",
                    schedules(&done.paused)
                ));
            }
            text
        }
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

/// Where members' suggestions (/suggest) go for moderation; without options, says where.
#[poise::command(
    slash_command,
    guild_only,
    rename = "moderation",
    required_permissions = "MANAGE_GUILD"
)]
async fn deck_moderation(
    ctx: Context<'_>,
    #[description = "The channel where moderators approve, edit or reject suggestions"]
    #[channel_types("Text")]
    channel: Option<serenity::GuildChannel>,
    #[description = "Stop taking suggestions"] clear: Option<bool>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let service = &ctx.data().service;
    let mut set = false;
    let text = match (channel, clear.unwrap_or(false)) {
        (Some(_), true) => "Give a channel or `clear:True`, not both.".to_owned(),
        (None, true) => match service.set_moderation_channel(who.guild, None).await {
            Ok(()) => "Suggestions are off: `/suggest` tells members this server takes none. Suggestions waiting stay in their posts.".to_owned(),
            Err(e) => command_refusal(ctx, who, &e),
        },
        (Some(channel), false) => {
            if let Some(refused) = crate::discord::permissions::refusal_in(ctx, &channel, |has| {
                crate::discord::permissions::missing_for_log(has)
            })
            .await
            {
                return say(ctx, refused).await;
            }
            let id = crate::domain::ids::ChannelId(channel.id.get());
            match service.set_moderation_channel(who.guild, Some(id)).await {
                Ok(()) => {
                    set = true;
                    format!(
                        "Members' suggestions (`/suggest`) now go to <#{}>, each with Approve, Edit and Reject for members with Manage Server. Approved ones join the deck you choose, credited to their author.",
                        channel.id
                    )
                }
                Err(e) => command_refusal(ctx, who, &e),
            }
        }
        (None, false) => match service.moderation_channel(who.guild).await {
            Ok(Some(channel)) => {
                let refused = match service.refused_suggestions(who.guild).await {
                    Ok((0, _)) | Err(_) => String::new(),
                    Ok((n, reason)) => format!(
                        "\n⚠ Discord refused to post {n} suggestion(s) there ({}). Check that I can see <#{channel}> and send messages and embeds there, then set the channel again: they are posted then.",
                        render::quoted(&render::clip(reason.as_deref().unwrap_or_default(), 200))
                    ),
                };
                format!("Suggestions go to <#{channel}>; `clear:True` stops them.{refused}")
            }
            Ok(None) => "This server takes no suggestions yet; `/deck moderation channel:#mods` turns them on.".to_owned(),
            Err(e) => command_refusal(ctx, who, &e),
        },
    };
    say(ctx, text).await?;
    if set {
        // Suggestions waiting for their post (refused ones, retried) go to the new channel now.
        ctx.data()
            .outbox
            .send_suggestions(&ctx.serenity_context().http, service)
            .await;
    }
    Ok(())
}
