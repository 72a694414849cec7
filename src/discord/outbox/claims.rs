//! Which parcels are being delivered right now, so two tasks never deliver the same one at once.

use std::collections::HashSet;

use crate::domain::ids::PostId;
use crate::sync::Shared;

/// Something the outbox delivers: a daily question, or the reveal of its model answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Parcel {
    Post(PostId),
    Reveal(PostId),
}

/// The parcels claimed by running deliveries; clones share the set.
#[derive(Debug, Clone, Default)]
pub struct Claims {
    held: Shared<HashSet<Parcel>>,
}

impl Claims {
    /// Claims `parcel` for the caller; `None` when another delivery holds it. The claim is built
    /// only after the lock is released (`then`, not the eager `then_some`): a claim built inside
    /// the lock and dropped there, when the parcel was taken, would run its release under the
    /// same lock and deadlock the thread — the freeze of two racing deliveries of one reveal.
    pub fn claim(&self, parcel: Parcel) -> Option<Claim> {
        let won = self.held.with(|held| held.insert(parcel));
        won.then(|| Claim {
            claims: self.clone(),
            parcel,
        })
    }

    /// Whether a delivery holds `parcel` now.
    pub fn is_held(&self, parcel: Parcel) -> bool {
        self.held.with(|held| held.contains(&parcel))
    }
}

/// A parcel held by one delivery; released when dropped, however the delivery ends (success,
/// error, panic, or its task cancelled).
#[derive(Debug)]
pub struct Claim {
    claims: Claims,
    parcel: Parcel,
}

impl Drop for Claim {
    fn drop(&mut self) {
        let parcel = self.parcel;
        self.claims.held.with(|held| held.remove(&parcel));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parcel_is_claimed_once_until_released_and_a_refused_claim_releases_nothing() {
        let claims = Claims::default();
        let post = Parcel::Post(PostId(1));
        let first = claims.claim(post).expect("free");
        assert!(claims.claim(post).is_none(), "held by the first");
        assert!(
            claims.is_held(post),
            "a refused claim must not release the holder's"
        );
        assert!(
            claims.claim(Parcel::Reveal(PostId(1))).is_some(),
            "another parcel"
        );
        drop(first);
        assert!(!claims.is_held(post));
        assert!(claims.claim(post).is_some(), "free again");
    }

    #[test]
    fn many_threads_claiming_one_parcel_never_deadlock_and_never_share_it() {
        let claims = Claims::default();
        let parcel = Parcel::Reveal(PostId(7));
        let holders = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (claims, holders) = (claims.clone(), holders.clone());
                std::thread::spawn(move || {
                    for _ in 0..2_000 {
                        if let Some(claim) = claims.claim(parcel) {
                            let now = holders.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            assert_eq!(now, 0, "two holders at once");
                            holders.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                            drop(claim);
                        }
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("no holder panicked");
        }
        assert!(!claims.is_held(parcel));
    }
}
