//! The server's earlier questions with their model answers, for `/past`: a member who missed a
//! day, or joined late, catches up privately.

use chrono::NaiveDate;

use super::decks::QuestionRef;
use super::{Error, Result, Service};
use crate::corpus::Question;
use crate::domain::ids::{GuildId, ScheduleId};
use crate::store::posts::{self, PostRow};

/// Questions per page of `/past`: a page stays one readable message.
pub const PAST_PAGE_SIZE: u32 = 10;

/// A revealed question of the server.
#[derive(Debug, Clone)]
pub struct PastQuestion {
    /// Its number among the server's revealed questions, 1 the first: it keeps naming the same
    /// question as more are revealed.
    pub number: u32,
    pub schedule: ScheduleId,
    pub local_date: NaiveDate,
    pub question_id: String,
    /// `None` when the question has left the corpus since (a custom corpus was edited).
    pub question: Option<Question>,
    pub track_name: String,
}

/// One page of the server's revealed questions, newest first.
#[derive(Debug, Clone)]
pub struct PastPage {
    pub page: u32,
    pub pages: u32,
    pub total: u32,
    pub questions: Vec<PastQuestion>,
}

impl Service {
    /// A page (from 1; a page past the end shows the last) of the server's revealed questions.
    pub async fn past_questions(&self, guild: GuildId, page: u32) -> Result<PastPage> {
        let mut conn = self.store.read().await?;
        let total = posts::revealed_count(&mut conn, guild).await?;
        let pages = total.div_ceil(PAST_PAGE_SIZE).max(1);
        let page = page.clamp(1, pages);
        let rows = posts::revealed_page(
            &mut conn,
            guild,
            PAST_PAGE_SIZE,
            (page - 1) * PAST_PAGE_SIZE,
        )
        .await?;
        Ok(PastPage {
            page,
            pages,
            total,
            questions: rows.into_iter().map(|(n, row)| self.past(n, row)).collect(),
        })
    }

    /// The server's revealed question with this number.
    pub async fn past_question(&self, guild: GuildId, number: u32) -> Result<PastQuestion> {
        let mut conn = self.store.read().await?;
        match posts::revealed_number(&mut conn, guild, number).await? {
            Some((n, row)) => Ok(self.past(n, row)),
            None => Err(Error::PastNotFound {
                number,
                total: posts::revealed_count(&mut conn, guild).await?,
            }),
        }
    }

    fn past(&self, number: u32, row: PostRow) -> PastQuestion {
        let question = self.question(&row.question_id).map(QuestionRef::into_owned);
        let track_name = question
            .as_ref()
            .map_or_else(|| "—".to_owned(), |q| self.track_name(&q.track));
        PastQuestion {
            number,
            schedule: row.schedule,
            local_date: row.local_date,
            question_id: row.question_id,
            question,
            track_name,
        }
    }
}
