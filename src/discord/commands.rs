//! Slash commands: each parses its options, calls one use case and renders the result, always
//! ephemerally. Admin commands declare Manage Server (hiding them from members) and poise checks
//! it again from the interaction's permissions, since server admins can override the declaration.

use poise::CreateReply;
use poise::serenity_prelude as serenity;

use super::bot::{Data, Error, user_message};
use super::outbox::{Parcel, Sent};
use super::render::{self, no_mentions};
use super::retry::with_retry;
use crate::corpus::{Difficulty, TrackId};
use crate::domain::ids::{ChannelId, GuildId, RoleId, ScheduleId, UserId};
use crate::domain::period::Period;
use crate::domain::schedule::RevealRule;
use crate::service::Error as ServiceError;
use crate::service::{Leaderboard, QuizFilter, ScheduleEdit, ScheduleSpec, ScheduleView};
use crate::zone_search;

pub type Context<'a> = poise::Context<'a, Data, Error>;

/// Every command the bot registers.
pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![
        help(),
        question(),
        quiz(),
        streak(),
        stats(),
        leaderboard(),
        schedule(),
        post_now(),
        reveal_now(),
        skip(),
        super::member_data::my_data(),
        super::member_data::forget_me(),
    ]
}

/// Replies privately, pinging nobody, within Discord's message limit whatever the text echoes.
/// After a defer the reply is a follow-up, which the interaction's token allows for 15 minutes:
/// it is retried through server errors, so an admin is not left with "thinking…" after the work
/// was done. A first response is not: its 3 s would be gone.
async fn say(ctx: Context<'_>, text: impl Into<String>) -> Result<(), Error> {
    let text = render::clip(&text.into(), super::split::MESSAGE_LIMIT);
    let reply = CreateReply::default()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(no_mentions());
    let deferred = match ctx {
        poise::Context::Application(app) => app
            .has_sent_initial_response
            .load(std::sync::atomic::Ordering::SeqCst),
        poise::Context::Prefix(_) => false,
    };
    if deferred {
        with_retry(ctx.data().outbox.backoff(), || ctx.send(reply.clone())).await?;
    } else {
        ctx.send(reply).await?;
    }
    Ok(())
}

pub(super) fn ids(ctx: Context<'_>) -> (GuildId, UserId) {
    (
        GuildId(ctx.guild_id().map_or(0, |g| g.get())),
        UserId(ctx.author().id.get()),
    )
}

/// The member's message for a refused command, logged at info with who asked (a schedule number
/// of another server is refused here like an unknown one: nothing crosses servers).
fn refusal(ctx: Context<'_>, error: &ServiceError) -> String {
    if !error.is_internal() {
        let (guild, user) = ids(ctx);
        let command = &ctx.command().qualified_name;
        tracing::info!(%command, %guild, %user, "refused: {error}");
    }
    user_message(error)
}

/// The longest text option read (a time, a time zone, tracks, a reveal rule); Discord would
/// deliver up to 6,000 characters, and a refusal that quoted them could not be sent.
pub const MAX_OPTION_CHARS: usize = 100;

/// Options that did not parse: the reason quotes what was typed, so it is length-limited and
/// escaped before it is shown, and logged at info. Overlong options are refused without being
/// quoted at all.
fn invalid_options(ctx: Context<'_>, why: &str) -> String {
    let (guild, user) = ids(ctx);
    let command = &ctx.command().qualified_name;
    tracing::info!(%command, %guild, %user, reason = ?why, "refused: invalid options");
    render::quoted(why)
}

/// Refuses text options longer than [`MAX_OPTION_CHARS`], naming the option, not its value.
/// Discord enforces the same limit (each option declares it), unless a client bypasses it.
fn bounded(options: &[(&str, Option<&str>)]) -> Result<(), String> {
    for (name, value) in options {
        let length = value.map_or(0, |v| v.chars().count());
        if length > MAX_OPTION_CHARS {
            return Err(format!(
                "the {name} option is {length} characters long; at most {MAX_OPTION_CHARS} are read"
            ));
        }
    }
    Ok(())
}

/// How dailydrill works, and its commands.
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    say(
        ctx,
        "**dailydrill** posts an interview question every day. Press **Answer** on the post to \
         answer privately; you can edit your answer until the reveal. At the reveal, the model \
         answer is posted and **My feedback** shows which key points you covered.\n\n\
         `/question` today's question again · `/quiz` a practice question now\n\
         `/streak` your streaks · `/stats` your record · `/leaderboard` the rankings\n\
         `/my-data` everything kept about you, as a file · `/forget-me` delete it\n\
         Admins (Manage Server): `/schedule add|edit|list|pause|resume|remove`, `/post-now`, \
         `/reveal-now`, `/skip`.",
    )
    .await
}

/// Your current and longest streaks, and the freezes you hold.
#[poise::command(slash_command, guild_only)]
pub async fn streak(ctx: Context<'_>) -> Result<(), Error> {
    let (guild, user) = ids(ctx);
    let text = match ctx.data().service.member_stats(guild, user).await {
        Ok(stats) if stats.streaks.is_empty() => {
            "No streak yet: answer today's question to start one.".to_owned()
        }
        Ok(stats) => stats
            .streaks
            .iter()
            .map(|(schedule, s)| {
                format!(
                    "Schedule #{schedule}: **{}** in a row (longest {}), {} freeze(s) held",
                    s.current, s.longest, s.freezes
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => refusal(ctx, &e),
    };
    say(ctx, text).await
}

/// Points, answers, coverage and streaks of a member (you by default).
#[poise::command(slash_command, guild_only)]
pub async fn stats(
    ctx: Context<'_>,
    #[description = "Whose record"] member: Option<serenity::User>,
) -> Result<(), Error> {
    let (guild, me) = ids(ctx);
    let user = member.as_ref().map_or(me, |m| UserId(m.id.get()));
    let text = match ctx.data().service.member_stats(guild, user).await {
        Ok(s) => format!(
            "<@{}>: **{}** points from {} answers{}, average coverage {}; {} practice quiz(zes){}.",
            user,
            s.points,
            s.answers,
            s.rank.map_or_else(String::new, |r| format!(" (rank {r})")),
            s.average_coverage_percent
                .map_or_else(|| "—".to_owned(), |p| format!("{p}%")),
            s.quizzes,
            s.quiz_average_percent
                .map_or_else(String::new, |p| format!(" averaging {p}%")),
        ),
        Err(e) => refusal(ctx, &e),
    };
    say(ctx, text).await
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum PeriodChoice {
    #[name = "this week"]
    Week,
    #[name = "this month"]
    Month,
    #[name = "all time"]
    All,
}

fn render_board(board: &Leaderboard, caller: UserId) -> String {
    let period = match board.period {
        Period::Week => "this week",
        Period::Month => "this month",
        Period::AllTime => "all time",
    };
    let mut lines = vec![format!(
        "**Leaderboard, {period}** (page {}/{})",
        board.page, board.pages
    )];
    if board.rows.is_empty() {
        lines.push("Nobody has scored yet.".to_owned());
    }
    for row in &board.rows {
        let me = if row.user == caller { " ← you" } else { "" };
        lines.push(format!(
            "{}. <@{}> — {} pts, {} answers, streak {}{me}",
            row.rank, row.user, row.points, row.answers, row.streak
        ));
    }
    if let Some(mine) = board
        .caller
        .filter(|c| !board.rows.iter().any(|r| r.user == c.user))
    {
        lines.push(format!(
            "…\n{}. you — {} pts, {} answers",
            mine.rank, mine.points, mine.answers
        ));
    }
    lines.push(format!("_{}_", board.tie_break));
    lines.join("\n")
}

/// The leaderboard for this week, this month or all time.
#[poise::command(slash_command, guild_only)]
pub async fn leaderboard(
    ctx: Context<'_>,
    #[description = "Which period"] period: Option<PeriodChoice>,
    #[description = "Page"]
    #[min = 1]
    page: Option<u32>,
) -> Result<(), Error> {
    let (guild, user) = ids(ctx);
    let period = match period.unwrap_or(PeriodChoice::Week) {
        PeriodChoice::Week => Period::Week,
        PeriodChoice::Month => Period::Month,
        PeriodChoice::All => Period::AllTime,
    };
    let text = match ctx
        .data()
        .service
        .leaderboard(guild, period, page.unwrap_or(1), user)
        .await
    {
        Ok(board) => render_board(&board, user),
        Err(e) => refusal(ctx, &e),
    };
    say(ctx, text).await
}

async fn complete_zone(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    if partial.chars().count() > MAX_OPTION_CHARS {
        // Longer than the option may hold: no zone matches, so it is not searched.
        return serenity::CreateAutocompleteResponse::new();
    }
    let choices = zone_search::search(partial, 25)
        .into_iter()
        .map(serenity::AutocompleteChoice::from)
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Track ids from a comma-separated option, as admins type them ("python, django").
fn parse_tracks(list: &str) -> Result<Vec<TrackId>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().map_err(|why| format!("track {t:?} {why}")))
        .collect()
}

fn describe(s: &ScheduleView) -> String {
    let tracks: Vec<&str> = s.tracks.iter().map(|t| t.as_str()).collect();
    format!(
        "#{} in <#{}>: {} {} ({}), reveal {}{}{}. Next post <t:{}:f>.",
        s.id,
        s.channel,
        s.time,
        s.zone,
        tracks.join(", "),
        s.reveal,
        s.mention_role
            .map_or_else(String::new, |r| format!(", mentions <@&{r}>")),
        if s.paused { ", **paused**" } else { "" },
        s.next_post_at.timestamp()
    )
}

/// Daily question schedules (Manage Server).
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "schedule_add",
        "schedule_edit",
        "schedule_list",
        "schedule_pause",
        "schedule_resume",
        "schedule_remove"
    ),
    default_member_permissions = "MANAGE_GUILD",
    required_permissions = "MANAGE_GUILD"
)]
pub async fn schedule(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Post a daily question in a channel.
#[poise::command(
    slash_command,
    guild_only,
    rename = "add",
    required_permissions = "MANAGE_GUILD"
)]
async fn schedule_add(
    ctx: Context<'_>,
    #[description = "Where to post"] channel: serenity::GuildChannel,
    #[description = "Local time, 24-hour HH:MM"]
    #[max_length = 100]
    time: String,
    #[description = "IANA time zone, e.g. Europe/Berlin"]
    #[autocomplete = "complete_zone"]
    #[max_length = 100]
    timezone: String,
    #[description = "Tracks, comma-separated (default: all)"]
    #[max_length = 100]
    tracks: Option<String>,
    #[description = "Reveal after a delay (24h, 90m) or at a local time (18:00); default 24h"]
    #[max_length = 100]
    reveal: Option<String>,
    #[description = "A role to mention in each post"] role: Option<serenity::Role>,
) -> Result<(), Error> {
    let (guild, _) = ids(ctx);
    let parsed = (|| -> Result<ScheduleSpec, String> {
        bounded(&[
            ("time", Some(&time)),
            ("timezone", Some(&timezone)),
            ("tracks", tracks.as_deref()),
            ("reveal", reveal.as_deref()),
        ])?;
        let tracks = parse_tracks(tracks.as_deref().unwrap_or(""))?;
        Ok(ScheduleSpec {
            channel: ChannelId(channel.id.get()),
            time: time.parse()?,
            zone: zone_search::parse(&timezone)?,
            tracks,
            reveal: reveal
                .as_deref()
                .map_or(Ok(RevealRule::default()), str::parse)?,
            mention_role: role.map(|r| RoleId(r.id.get())),
        })
    })();
    let text = match parsed {
        Err(why) => invalid_options(ctx, &why),
        Ok(spec) => match ctx.data().service.add_schedule(guild, spec).await {
            Ok(s) => format!("Scheduled: {}", describe(&s)),
            Err(e) => refusal(ctx, &e),
        },
    };
    say(ctx, text).await
}

/// This server's schedules, with their next post.
#[poise::command(
    slash_command,
    guild_only,
    rename = "list",
    required_permissions = "MANAGE_GUILD"
)]
async fn schedule_list(ctx: Context<'_>) -> Result<(), Error> {
    let (guild, _) = ids(ctx);
    let text = match ctx.data().service.list_schedules(guild).await {
        Ok(list) if list.is_empty() => "No schedules yet: `/schedule add` creates one.".to_owned(),
        Ok(list) => list.iter().map(describe).collect::<Vec<_>>().join("\n"),
        Err(e) => refusal(ctx, &e),
    };
    say(ctx, text).await
}

async fn set_paused(ctx: Context<'_>, id: i64, paused: bool) -> Result<(), Error> {
    let (guild, _) = ids(ctx);
    let text = match ctx
        .data()
        .service
        .set_paused(guild, ScheduleId(id), paused)
        .await
    {
        Ok(s) => describe(&s),
        Err(e) => refusal(ctx, &e),
    };
    say(ctx, text).await
}

/// Stop posting until resumed.
#[poise::command(
    slash_command,
    guild_only,
    rename = "pause",
    required_permissions = "MANAGE_GUILD"
)]
async fn schedule_pause(
    ctx: Context<'_>,
    #[description = "Schedule number"] schedule: i64,
) -> Result<(), Error> {
    set_paused(ctx, schedule, true).await
}

/// Post again from the next post time.
#[poise::command(
    slash_command,
    guild_only,
    rename = "resume",
    required_permissions = "MANAGE_GUILD"
)]
async fn schedule_resume(
    ctx: Context<'_>,
    #[description = "Schedule number"] schedule: i64,
) -> Result<(), Error> {
    set_paused(ctx, schedule, false).await
}

/// Delete a schedule and its history (points already earned stay).
#[poise::command(
    slash_command,
    guild_only,
    rename = "remove",
    required_permissions = "MANAGE_GUILD"
)]
async fn schedule_remove(
    ctx: Context<'_>,
    #[description = "Schedule number"] schedule: i64,
) -> Result<(), Error> {
    let (guild, _) = ids(ctx);
    let text = match ctx
        .data()
        .service
        .remove_schedule(guild, ScheduleId(schedule))
        .await
    {
        Ok(()) => format!("Schedule #{schedule} removed."),
        Err(e) => refusal(ctx, &e),
    };
    say(ctx, text).await
}

/// Post a schedule's next question now (Manage Server).
#[poise::command(
    slash_command,
    guild_only,
    rename = "post-now",
    default_member_permissions = "MANAGE_GUILD",
    required_permissions = "MANAGE_GUILD"
)]
pub async fn post_now(
    ctx: Context<'_>,
    #[description = "Schedule number"] schedule: i64,
) -> Result<(), Error> {
    let (guild, _) = ids(ctx);
    ctx.defer_ephemeral().await?;
    let text = match ctx
        .data()
        .service
        .post_now(guild, ScheduleId(schedule))
        .await
    {
        Ok(post) => {
            let data = ctx.data();
            let http = &ctx.serenity_context().http;
            match data
                .outbox
                .deliver(http, &data.service, Parcel::Post(post.id))
                .await
            {
                Ok(Sent::Now | Sent::Already) => format!("Posted in <#{}>.", post.channel),
                Ok(Sent::Elsewhere) => {
                    format!("Saved; it is being posted in <#{}> now.", post.channel)
                }
                Err(e) if e.is_transient() => {
                    tracing::error!("post-now failed to send: {e}");
                    "The question is saved but Discord refused it for now; the bot keeps trying until its reveal time.".to_owned()
                }
                Err(e) => {
                    tracing::error!("post-now was refused for good: {e}");
                    "The question is saved but Discord refused it for good: check that the bot can see the channel and send messages in it.".to_owned()
                }
            }
        }
        Err(e) => refusal(ctx, &e),
    };
    say(ctx, text).await
}

async fn close(ctx: Context<'_>, schedule: i64, skip: bool) -> Result<(), Error> {
    let (guild, _) = ids(ctx);
    ctx.defer_ephemeral().await?;
    let service = &ctx.data().service;
    let result = if skip {
        service.skip(guild, ScheduleId(schedule)).await
    } else {
        service.reveal_now(guild, ScheduleId(schedule)).await
    };
    let http = &ctx.serenity_context().http;
    let text = match result {
        Ok(reveal) if reveal.never_posted => "Skipped: the question never reached Discord, so it is closed without a model answer; nobody's streak changes.".to_owned(),
        Ok(reveal) => match ctx
            .data()
            .outbox
            .deliver(http, service, Parcel::Reveal(reveal.post))
            .await
        {
            Ok(_) if skip => {
                "Skipped: the answer is revealed and nobody's streak changes.".to_owned()
            }
            Ok(Sent::Elsewhere) => format!(
                "Revealed; {} answer(s) scored. The model answer is being posted now.",
                reveal.answer_count
            ),
            Ok(_) => format!("Revealed; {} answer(s) scored.", reveal.answer_count),
            Err(e) if e.is_transient() => {
                tracing::error!("reveal failed to send: {e}");
                "Revealed and scored, but Discord refused the message for now; the bot keeps trying.".to_owned()
            }
            Err(e) => {
                tracing::error!("reveal was refused for good: {e}");
                "Revealed and scored, but Discord refused the model answer for good: check that the bot can still see the channel and send messages in it.".to_owned()
            }
        },
        Err(e) => refusal(ctx, &e),
    };
    say(ctx, text).await
}

/// Reveal a schedule's open question now and score it (Manage Server).
#[poise::command(
    slash_command,
    guild_only,
    rename = "reveal-now",
    default_member_permissions = "MANAGE_GUILD",
    required_permissions = "MANAGE_GUILD"
)]
pub async fn reveal_now(
    ctx: Context<'_>,
    #[description = "Schedule number"] schedule: i64,
) -> Result<(), Error> {
    close(ctx, schedule, false).await
}

/// Skip a schedule's open question: revealed, not scored, streaks unchanged (Manage Server).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    required_permissions = "MANAGE_GUILD"
)]
pub async fn skip(
    ctx: Context<'_>,
    #[description = "Schedule number"] schedule: i64,
) -> Result<(), Error> {
    close(ctx, schedule, true).await
}

/// Today's open question(s) again, with the Answer button.
#[poise::command(slash_command, guild_only)]
pub async fn question(ctx: Context<'_>) -> Result<(), Error> {
    let (guild, _) = ids(ctx);
    let open = match ctx.data().service.open_posts(guild).await {
        Ok(open) => open,
        Err(e) => return say(ctx, refusal(ctx, &e)).await,
    };
    if open.is_empty() {
        return say(
            ctx,
            "No question is open right now; the next one is posted at its schedule's time.",
        )
        .await;
    }
    // One embed and one Answer button per open question, within Discord's 5 rows.
    let mut reply = CreateReply::default()
        .ephemeral(true)
        .allowed_mentions(no_mentions());
    for post in open.iter().take(5) {
        let count = ctx.data().service.answer_count(post.id).await.unwrap_or(0);
        reply = reply.embed(render::question_embed(post, count));
    }
    let rows = open.iter().take(5).map(render::answer_button).collect();
    ctx.send(reply.components(rows)).await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum DifficultyChoice {
    Easy,
    Medium,
    Hard,
}

async fn complete_track(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let choices = ctx
        .data()
        .service
        .corpus()
        .tracks()
        .iter()
        .filter(|t| t.id.as_str().contains(&partial.to_lowercase()))
        .map(|t| serenity::AutocompleteChoice::new(t.name.clone(), t.id.as_str()))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
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
    let (guild, user) = ids(ctx);
    let parsed = bounded(&[("track", track.as_deref())]).and_then(|()| {
        track
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|why| format!("That track name {why}."))
    });
    let track = match parsed {
        Ok(track) => track,
        Err(why) => return say(ctx, invalid_options(ctx, &why)).await,
    };
    let difficulty = difficulty.map(|d| match d {
        DifficultyChoice::Easy => Difficulty::Easy,
        DifficultyChoice::Medium => Difficulty::Medium,
        DifficultyChoice::Hard => Difficulty::Hard,
    });
    let service = &ctx.data().service;
    match service
        .start_quiz(guild, user, QuizFilter { track, difficulty })
        .await
    {
        Ok(quiz) => {
            let track_name = service
                .corpus()
                .track(&quiz.question.track)
                .map_or_else(|| quiz.question.track.to_string(), |t| t.name.clone());
            let message = render::quiz_message(&quiz, &track_name);
            if let Context::Application(app) = ctx {
                let response = serenity::CreateInteractionResponse::Message(message);
                app.interaction.create_response(ctx, response).await?;
                app.has_sent_initial_response
                    .store(true, std::sync::atomic::Ordering::SeqCst);
            }
            Ok(())
        }
        Err(e) => say(ctx, refusal(ctx, &e)).await,
    }
}

/// Change a schedule: channel, time, time zone, tracks, reveal or role.
#[poise::command(
    slash_command,
    guild_only,
    rename = "edit",
    required_permissions = "MANAGE_GUILD"
)]
// poise turns each parameter into a slash command option; this command has one per setting.
#[allow(clippy::too_many_arguments)]
async fn schedule_edit(
    ctx: Context<'_>,
    #[description = "Schedule number"] schedule: i64,
    #[description = "Where to post"] channel: Option<serenity::GuildChannel>,
    #[description = "Local time, 24-hour HH:MM"]
    #[max_length = 100]
    time: Option<String>,
    #[description = "IANA time zone"]
    #[autocomplete = "complete_zone"]
    #[max_length = 100]
    timezone: Option<String>,
    #[description = "Tracks, comma-separated"]
    #[max_length = 100]
    tracks: Option<String>,
    #[description = "Reveal after a delay (24h) or at a local time (18:00)"]
    #[max_length = 100]
    reveal: Option<String>,
    #[description = "A role to mention in each post"] role: Option<serenity::Role>,
) -> Result<(), Error> {
    let (guild, _) = ids(ctx);
    let parsed = (|| -> Result<ScheduleEdit, String> {
        bounded(&[
            ("time", time.as_deref()),
            ("timezone", timezone.as_deref()),
            ("tracks", tracks.as_deref()),
            ("reveal", reveal.as_deref()),
        ])?;
        Ok(ScheduleEdit {
            channel: channel.map(|c| ChannelId(c.id.get())),
            time: time.as_deref().map(str::parse).transpose()?,
            zone: timezone.as_deref().map(zone_search::parse).transpose()?,
            tracks: tracks.as_deref().map(parse_tracks).transpose()?,
            reveal: reveal.as_deref().map(str::parse).transpose()?,
            mention_role: role.map(|r| Some(RoleId(r.id.get()))),
        })
    })();
    let text = match parsed {
        Err(why) => invalid_options(ctx, &why),
        Ok(edit) => match ctx
            .data()
            .service
            .edit_schedule(guild, ScheduleId(schedule), edit)
            .await
        {
            Ok(s) => format!("Updated: {}", describe(&s)),
            Err(e) => refusal(ctx, &e),
        },
    };
    say(ctx, text).await
}
