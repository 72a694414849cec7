//! Commands every member uses: how the bot works, today's question again, streaks, a member's
//! record and the leaderboard.

use poise::CreateReply;
use poise::serenity_prelude as serenity;

use crate::discord::context::{Context, Error, Invoker};
use crate::discord::render::{self, no_mentions};
use crate::discord::reply::{command_refusal, say};
use crate::domain::ids::UserId;
use crate::domain::period::Period;
use crate::service::Leaderboard;
use crate::stats_image;

/// How dailydrill works, and its commands.
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    say(
        ctx,
        "**dailydrill** posts an interview question every day. Press **Answer** on the post to \
         answer privately; you can edit your answer until the reveal. At the reveal, the model \
         answer is posted in a thread on the question and **My feedback** shows your grade, \
         the key points you covered and missed, any misconception with its correction, and a \
         next step.\n\n\
         **Points:** 10 for answering before the reveal, plus up to 20 for your score (the share \
         of the question's key points your answer states; a stated misconception caps it). \
         **Streak:** the posts of a schedule you answered in a row (days without a post, such \
         as a weekday schedule's weekend, do not count). Every 7th answer of a streak earns a \
         **freeze** (you hold at most 2); a missed post spends one and the streak survives. Quizzes are practice: they count in `/stats`, not in points or streaks; a \
         question you practised earns only the 10 answer points as a daily question. An answer that repeats a model answer's \
         wording is scored as a copy: only the answer points.\n\n\
         `/question` today's question again · `/past` earlier questions with their model \
         answers · `/quiz` a practice question now\n\
         `/review [track]` your own questions again when they are due: one you missed comes back \
         the next day, one you nailed weeks later (spaced repetition)\n\
         `/mock [track] [difficulty] [questions]` a private mock interview: 3-8 timed questions, \
         feedback and a follow-up after each, a report card at the end\n\
         `/streak` your streaks · `/stats` your record · `/leaderboard` the rankings\n\
         `/remind on` a direct message before the reveal when you have not answered\n\
         `/suggest` a question for the server's own deck\n\
         `/my-data` everything kept about you, as a file · `/forget-me` delete it\n\
         Admins (Manage Server): `/schedule add|edit|list|pause|resume|remove|recap|champion|log-channel`, `/post-now`, \
         `/reveal-now`, `/skip`, `/deck` (the server's own decks and suggestions).",
    )
    .await
}

/// Your current and longest streaks, and the freezes you hold.
#[poise::command(slash_command, guild_only)]
pub async fn streak(ctx: Context<'_>) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let (guild, user) = (who.guild, who.user);
    let service = &ctx.data().service;
    let text = match service.member_stats(guild, user).await {
        Ok(stats) if stats.streaks.is_empty() => {
            "No streak yet: answer today's question to start one.".to_owned()
        }
        Ok(stats) => stats
            .streaks
            .iter()
            .map(|(schedule, s)| {
                format!(
                    "Schedule #{schedule}: **{}** answered in a row (longest {}); {} freeze(s) in reserve, each keeps the streak through a missed day",
                    s.current, s.longest, s.freezes
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

/// Points, answers, average score and streaks of a member (you by default).
#[poise::command(slash_command, guild_only)]
pub async fn stats(
    ctx: Context<'_>,
    #[description = "Whose record"] member: Option<serenity::User>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let (guild, me) = (who.guild, who.user);
    let user = member.as_ref().map_or(me, |m| UserId(m.id.get()));
    let service = &ctx.data().service;
    let s = match service.member_stats(guild, user).await {
        Ok(s) => s,
        Err(e) => return say(ctx, command_refusal(ctx, who, &e)).await,
    };
    let text = format!(
        "<@{}>: **{}** points from {} answers{}, average score {}/100; {} practice quiz(zes){}.",
        user,
        s.points,
        s.answers,
        s.rank.map_or_else(String::new, |r| format!(" (rank {r})")),
        s.average_coverage_percent
            .map_or_else(|| "—".to_owned(), |p| p.to_string()),
        s.quizzes,
        s.quiz_average_percent
            .map_or_else(String::new, |p| format!(" averaging {p}/100")),
    );
    // The picture: the heatmap of answers and the average grade per track, for the caller only.
    let name = member.as_ref().map_or_else(
        || ctx.author().display_name().to_owned(),
        |m| m.display_name().to_owned(),
    );
    let title = format!("Practice of {}", name.chars().take(40).collect::<String>());
    let picture = match service.stats_picture(guild, user, title, &s.streaks).await {
        Ok(picture) => picture,
        Err(e) => return say(ctx, command_refusal(ctx, who, &e)).await,
    };
    let mut reply = CreateReply::default()
        .content(render::clip(&text, crate::discord::split::MESSAGE_LIMIT))
        .ephemeral(true)
        .allowed_mentions(no_mentions());
    match stats_image::render(&picture) {
        Ok(png) => {
            reply = reply.attachment(serenity::CreateAttachment::bytes(png, "stats.png"));
        }
        Err(e) => tracing::error!(%guild, "could not draw the stats picture: {e}"),
    }
    ctx.send(reply).await?;
    Ok(())
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
    // The tie-break rule matters only where it decides an order.
    let tied = board.rows.windows(2).any(|w| w[0].points == w[1].points);
    if tied {
        lines.push(format!("_{}_", board.tie_break));
    }
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
    let who = Invoker::from_command(ctx)?;
    let (guild, user) = (who.guild, who.user);
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
        Err(e) => command_refusal(ctx, who, &e),
    };
    say(ctx, text).await
}

/// Today's open question(s) again, with the Answer button.
#[poise::command(slash_command, guild_only)]
pub async fn question(ctx: Context<'_>) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let guild = who.guild;
    let open = match ctx.data().service.open_posts(guild).await {
        Ok(open) => open,
        Err(e) => return say(ctx, command_refusal(ctx, who, &e)).await,
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

/// Earlier questions of this server with their model answers, privately.
#[poise::command(slash_command, guild_only)]
pub async fn past(
    ctx: Context<'_>,
    #[description = "Show this question (its # in the list) with its model answer"]
    #[min = 1]
    number: Option<u32>,
    #[description = "Page of the list, newest first"]
    #[min = 1]
    page: Option<u32>,
) -> Result<(), Error> {
    let who = Invoker::from_command(ctx)?;
    let service = &ctx.data().service;
    let parts = match number {
        Some(number) => match service.past_question(who.guild, number).await {
            Ok(past) => render::past_question(&past),
            Err(e) => vec![command_refusal(ctx, who, &e)],
        },
        None => match service.past_questions(who.guild, page.unwrap_or(1)).await {
            Ok(list) => vec![render::past_page(&list)],
            Err(e) => vec![command_refusal(ctx, who, &e)],
        },
    };
    for part in parts {
        say(ctx, part).await?;
    }
    Ok(())
}
