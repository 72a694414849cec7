//! Edits of a question's message, one at a time per post, each rendering what the database says
//! when it starts.
//!
//! A count edit that read the post before its reveal must not land after the reveal's closing
//! edit (it would bring the Answer button back), so edits of one post never overlap. No lock is
//! held while a request is under way: the first caller starts a task that runs rounds; a caller
//! that arrives during a round asks for one more and waits for it, since the round under way may
//! have read the post before the caller's change. Callers never wait on each other's locks, only
//! on a bounded request (every attempt has a timeout), and a cancelled caller stops nothing.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;
use tokio::sync::oneshot;

use crate::domain::ids::PostId;
use crate::sync::Shared;

/// How an edit ended, for every caller that waited on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edited {
    Done,
    /// Failed in a way that may pass (429, 5xx, timeout, the task stopped): try again later.
    Transient(String),
    /// Refused for good (the message was deleted, say): nothing left to edit.
    Refused(String),
}

/// A post's edit under way: whether another round was asked for, and who waits for it.
#[derive(Default)]
struct Round {
    again: bool,
    waiting: Vec<oneshot::Sender<Edited>>,
}

/// Serialised, coalesced edits per post; clones share them.
#[derive(Clone, Default)]
pub struct Editor {
    rounds: Shared<HashMap<PostId, Round>>,
}

impl std::fmt::Debug for Editor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let posts = self.rounds.with(|rounds| rounds.len());
        f.debug_struct("Editor").field("editing", &posts).finish()
    }
}

impl Editor {
    /// Edits `post` with `job` (which reads the post and sends the edit) after every edit already
    /// asked for, and resolves with the outcome of a round that started after this call.
    pub fn edit<F, Fut>(&self, post: PostId, job: F) -> impl Future<Output = Edited> + use<F, Fut>
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = Edited> + Send + 'static,
    {
        let (reply, outcome) = oneshot::channel();
        let first = self.rounds.with(|rounds| {
            if let Some(round) = rounds.get_mut(&post) {
                round.again = true;
                round.waiting.push(reply);
                None
            } else {
                rounds.insert(post, Round::default());
                Some(reply)
            }
        });
        if let Some(reply) = first {
            tokio::spawn(run_rounds(self.rounds.clone(), post, job, reply));
        }
        async move {
            outcome
                .await
                .unwrap_or_else(|_| Edited::Transient("the edit was stopped".into()))
        }
    }

    /// Posts with an edit under way (tests check that none is left behind).
    pub fn editing(&self) -> usize {
        self.rounds.with(|rounds| rounds.len())
    }
}

/// Runs rounds of `job` until nobody asked for another, answering each round's waiters.
async fn run_rounds<F, Fut>(
    rounds: Shared<HashMap<PostId, Round>>,
    post: PostId,
    job: F,
    first: oneshot::Sender<Edited>,
) where
    F: Fn() -> Fut,
    Fut: Future<Output = Edited>,
{
    let mut waiting = vec![first];
    loop {
        // A panic must not leave the post marked as being edited: every later edit would wait
        // for a round that never comes.
        let outcome = AssertUnwindSafe(job())
            .catch_unwind()
            .await
            .unwrap_or_else(|_| Edited::Transient("the edit panicked".into()));
        for reply in waiting.drain(..) {
            let _ = reply.send(outcome.clone());
        }
        let next = rounds.with(|rounds| match rounds.get_mut(&post) {
            Some(round) if round.again => {
                round.again = false;
                Some(std::mem::take(&mut round.waiting))
            }
            _ => {
                rounds.remove(&post);
                None
            }
        });
        match next {
            Some(next) => waiting = next,
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn edits_of_one_post_never_overlap_and_a_late_caller_gets_a_later_round() {
        let editor = Editor::default();
        let running = Arc::new(AtomicUsize::new(0));
        let rounds = Arc::new(AtomicUsize::new(0));
        let job = {
            let (running, rounds) = (running.clone(), rounds.clone());
            move || {
                let (running, rounds) = (running.clone(), rounds.clone());
                async move {
                    assert_eq!(running.fetch_add(1, Ordering::SeqCst), 0, "overlap");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                    rounds.fetch_add(1, Ordering::SeqCst);
                    Edited::Done
                }
            }
        };
        let first = editor.edit(PostId(1), job.clone());
        tokio::task::yield_now().await;
        // Three callers during the first round share one more round.
        let later: Vec<_> = (0..3)
            .map(|_| editor.edit(PostId(1), job.clone()))
            .collect();
        assert_eq!(first.await, Edited::Done);
        for edit in later {
            assert_eq!(edit.await, Edited::Done);
        }
        assert_eq!(rounds.load(Ordering::SeqCst), 2);
        tokio::task::yield_now().await;
        assert_eq!(editor.editing(), 0, "nothing left behind");
    }

    #[tokio::test]
    async fn a_panicking_edit_fails_its_waiters_and_leaves_the_post_editable() {
        let editor = Editor::default();
        let failed = editor
            .edit(PostId(2), || async { panic!("a broken edit") })
            .await;
        assert!(matches!(failed, Edited::Transient(_)), "{failed:?}");
        let ok = editor.edit(PostId(2), || async { Edited::Done }).await;
        assert_eq!(ok, Edited::Done);
    }
}
