//! What the use cases return: plain data a front end renders.

use chrono::{DateTime, NaiveDate, Utc};

use crate::corpus::{Difficulty, Question, TrackId};
use crate::domain::ids::{ChannelId, GuildId, PostId, QuizId, RoleId, ScheduleId, UserId};
use crate::domain::period::Period;
use crate::domain::schedule::{PostDays, PostTime, RevealRule, Zone};
use crate::domain::streak::{Streak, StreakEvent};
use crate::feedback::Assessment;

/// What an admin asks for when adding a schedule.
#[derive(Debug, Clone)]
pub struct ScheduleSpec {
    pub channel: ChannelId,
    pub time: PostTime,
    pub zone: Zone,
    /// Empty means every track of the corpus.
    pub tracks: Vec<TrackId>,
    pub reveal: RevealRule,
    pub mention_role: Option<RoleId>,
    /// Draw only questions of this difficulty; `None` draws every difficulty.
    pub difficulty: Option<Difficulty>,
    /// The weekdays it posts on (local dates in its zone).
    pub days: PostDays,
}

/// What an admin changes in a schedule; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct ScheduleEdit {
    pub channel: Option<ChannelId>,
    pub time: Option<PostTime>,
    pub zone: Option<Zone>,
    pub tracks: Option<Vec<TrackId>>,
    pub reveal: Option<RevealRule>,
    /// `Some(None)` removes the mention.
    pub mention_role: Option<Option<RoleId>>,
    /// `Some(None)` draws every difficulty again.
    pub difficulty: Option<Option<Difficulty>>,
    pub days: Option<PostDays>,
}

#[derive(Debug, Clone)]
pub struct ScheduleView {
    pub id: ScheduleId,
    pub channel: ChannelId,
    pub time: PostTime,
    pub zone: Zone,
    pub tracks: Vec<TrackId>,
    pub reveal: RevealRule,
    pub mention_role: Option<RoleId>,
    pub paused: bool,
    pub next_post_at: DateTime<Utc>,
    /// The one difficulty it draws; `None` for every difficulty.
    pub difficulty: Option<Difficulty>,
    pub days: PostDays,
    /// Whether it posts a weekly recap.
    pub recap: bool,
    /// Its latest post, when Discord refused it for good (the bot lost the channel or a
    /// permission): posts stop reaching members until an admin fixes it. Filled by
    /// [`crate::service::Service::list_schedules`].
    pub refused: Option<Refused>,
}

/// A post Discord refused for good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub local_date: NaiveDate,
    /// Discord's reason, as the delivery recorded it.
    pub reason: String,
}

/// A post to send (or send again) to Discord.
#[derive(Debug, Clone)]
pub struct PostView {
    pub id: PostId,
    pub schedule: ScheduleId,
    pub guild: GuildId,
    pub channel: ChannelId,
    pub local_date: NaiveDate,
    pub question: Question,
    pub track_name: String,
    pub reveal_at: DateTime<Utc>,
    pub mention_role: Option<RoleId>,
    /// Sent as the message nonce with `enforce_nonce`, so a resend after a crash cannot duplicate.
    pub nonce: String,
    pub message_id: Option<u64>,
    /// Answers are closed and the model answer is out: the post shows so, its button greyed out.
    pub revealed: bool,
}

/// The outcome of one pass of the due-post step.
#[derive(Debug, Clone, Default)]
pub struct PostDue {
    pub posted: Vec<PostView>,
    /// Days that could not be posted because the bot was down past their reveal time.
    pub missed: Vec<(ScheduleId, NaiveDate)>,
}

/// What a post's answer form shows a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerForm {
    /// The question as members see it; empty when it has left the corpus.
    pub question: String,
    /// The member's saved answer, to prefill the form.
    pub earlier: Option<String>,
}

/// A member's answer was committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerSaved {
    /// False when an earlier answer was replaced.
    pub first: bool,
    pub reveal_at: DateTime<Utc>,
    /// How many members have answered the post so far.
    pub answer_count: i64,
}

/// A post whose model answer was just revealed.
#[derive(Debug, Clone)]
pub struct RevealView {
    pub post: PostId,
    pub guild: GuildId,
    pub channel: ChannelId,
    pub message_id: Option<u64>,
    pub question: Option<Question>,
    pub answer_count: usize,
    /// Closed by an admin: revealed without scoring.
    pub skipped: bool,
    /// The question never reached Discord: closed without a reveal, nothing scored, nothing to
    /// send.
    pub never_posted: bool,
    pub streak_events: Vec<(UserId, StreakEvent)>,
    /// How the group did, for the first message of the discussion thread; only when the reveal
    /// is sent (scored, the question still in the corpus).
    pub summary: Option<crate::domain::group::GroupSummary>,
}

/// What a member learns about their answer after the reveal.
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub answered: bool,
    /// The grade, key points, corrections and next step; for a member who did not answer, every
    /// key point missed.
    pub assessment: Assessment,
    pub points: u32,
    pub streak: Streak,
    /// When the member had practised the question in a quiz before its reveal, so the answer
    /// earned the points for answering only.
    pub practised_at: Option<DateTime<Utc>>,
}

/// One line of a leaderboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranked {
    pub rank: i64,
    pub user: UserId,
    pub points: i64,
    pub answers: i64,
    pub streak: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaderboard {
    pub period: Period,
    /// When the period began (None for all time).
    pub since: Option<DateTime<Utc>>,
    pub rows: Vec<Ranked>,
    /// 1-based.
    pub page: u32,
    pub pages: u32,
    pub members: i64,
    /// The caller's own line, even when it is not on this page.
    pub caller: Option<Ranked>,
    pub tie_break: &'static str,
}

/// A practice question handed to a member.
#[derive(Debug, Clone)]
pub struct QuizView {
    pub id: QuizId,
    pub question: Question,
}

/// A practice answer, scored at once, with the model answer.
#[derive(Debug, Clone)]
pub struct QuizResult {
    pub question: Question,
    pub assessment: Assessment,
}

/// What to filter a practice question by.
#[derive(Debug, Clone, Default)]
pub struct QuizFilter {
    pub track: Option<TrackId>,
    pub difficulty: Option<Difficulty>,
}

/// A member's record in a guild.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberStats {
    pub points: i64,
    pub answers: i64,
    /// All-time rank, if they have scored.
    pub rank: Option<i64>,
    pub average_coverage_percent: Option<u32>,
    /// Per schedule: the current and longest streaks and freezes held.
    pub streaks: Vec<(ScheduleId, Streak)>,
    pub quizzes: i64,
    pub quiz_average_percent: Option<u32>,
}

/// What removing a schedule deletes, told to the admin before they confirm and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removal {
    pub id: ScheduleId,
    pub channel: ChannelId,
    pub posts: i64,
    pub answers: i64,
    /// Members' streaks on this schedule; leaderboard points already earned stay.
    pub streaks: i64,
}
