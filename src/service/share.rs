//! Learning from each other: after the reveal a member may share their own answer in the
//! question's discussion thread (their choice, never automatic, with or without their grade),
//! and the thread opens with how the group did, without names.

use crate::corpus::Question;
use crate::domain::group::{GradedAnswer, GroupSummary, summarize};
use crate::domain::ids::{ChannelId, GuildId, PostId, UserId};
use crate::store::posts::PostRow;
use crate::store::{answers, posts, shares};

use super::{Error, Result, Service};

/// What a member may share: their grade, when their answer has one (a skipped question's
/// answers were not graded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareOffer {
    pub grade: Option<u8>,
}

/// A shared answer as it must be posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareView {
    pub post: PostId,
    pub user: UserId,
    pub channel: ChannelId,
    /// The question's message: the discussion thread has its id.
    pub question_message: u64,
    /// The question's text (the thread's name, should the thread have to be opened now).
    pub question: String,
    pub body: String,
    /// Shown only when the member chose to.
    pub grade: Option<u8>,
}

/// How the group answered a revealed post.
pub(super) async fn group_summary(
    conn: &mut sqlx::SqliteConnection,
    post: PostId,
    question: &Question,
) -> Result<GroupSummary> {
    let rows = answers::for_post(conn, post).await?;
    let graded: Vec<(Vec<usize>, Vec<usize>)> = rows
        .iter()
        .filter_map(|a| {
            let covered = a.covered.clone()?;
            let stated = a.grade.as_ref().map(|g| g.misconceptions.clone());
            Some((covered, stated.unwrap_or_default()))
        })
        .collect();
    let graded: Vec<GradedAnswer<'_>> = graded
        .iter()
        .map(|(covered, misconceptions)| GradedAnswer {
            covered,
            misconceptions,
        })
        .collect();
    let answered = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    Ok(summarize(question, answered, &graded))
}

impl Service {
    /// The post and the member's answer, when the member may share it now: the post is this
    /// server's, revealed and delivered, the member answered it and has not shared it yet.
    async fn shareable(
        &self,
        conn: &mut sqlx::SqliteConnection,
        guild: GuildId,
        post: PostId,
        user: UserId,
    ) -> Result<(PostRow, answers::AnswerRow)> {
        let row = posts::get(conn, post)
            .await?
            .filter(|p| p.guild == guild)
            .ok_or(Error::PostNotFound)?;
        if row.revealed_at.is_none() {
            return Err(Error::NotRevealedYet {
                reveal_at: row.reveal_at,
            });
        }
        let answer = answers::get(conn, post, user)
            .await?
            .filter(|_| row.message_id.is_some())
            .ok_or(Error::NotAnswered)?;
        if shares::get(conn, post, user)
            .await?
            .is_some_and(|s| s.message_id.is_some())
        {
            return Err(Error::AlreadyShared);
        }
        Ok((row, answer))
    }

    /// What the member would share, checked before they choose.
    pub async fn share_offer(
        &self,
        guild: GuildId,
        post: PostId,
        user: UserId,
    ) -> Result<ShareOffer> {
        let mut conn = self.store.read().await?;
        let (_, answer) = self.shareable(&mut conn, guild, post, user).await?;
        Ok(ShareOffer {
            grade: answer.grade.map(|g| g.grade),
        })
    }

    /// Records the member's choice to share, committed before anything is posted, and returns
    /// what to post. A choice whose message never reached Discord may be made again.
    #[tracing::instrument(skip_all, fields(guild = %guild, post = %post, user = %user))]
    pub async fn share_answer(
        &self,
        guild: GuildId,
        post: PostId,
        user: UserId,
        with_grade: bool,
    ) -> Result<ShareView> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let (row, answer) = self.shareable(&mut tx, guild, post, user).await?;
        if !shares::choose(&mut tx, post, user, with_grade, now).await? {
            return Err(Error::AlreadyShared);
        }
        tx.commit().await?;
        let grade = answer.grade.map(|g| g.grade).filter(|_| with_grade);
        Ok(ShareView {
            post,
            user,
            channel: row.channel,
            question_message: row.message_id.ok_or(Error::NotAnswered)?,
            question: self
                .question(&row.question_id)
                .map_or_else(String::new, |q| q.question.clone()),
            body: answer.body,
            grade,
        })
    }

    /// Records the message that carried a shared answer: the member cannot share it twice.
    pub async fn record_share_sent(&self, post: PostId, user: UserId, message: u64) -> Result<()> {
        let mut tx = self.store.write().await?;
        shares::sent(&mut tx, post, user, message).await?;
        tx.commit().await?;
        Ok(())
    }
}
