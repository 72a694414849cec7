//! The one way tasks share mutable state in this crate: a std mutex reached only through a short
//! synchronous closure.
//!
//! The closure cannot `.await` (it is not async), and the guard never leaves [`Shared::with`], so
//! no lock is ever held across an await point or forgotten in a value that drops later. What the
//! closure must not do is reach the same `Shared` again, directly or through a value it drops:
//! a `Drop` that takes the lock it was dropped under deadlocks its own thread, which is how two
//! deliveries of one reveal once froze every worker thread (a claim built eagerly inside the lock
//! and dropped there). Keep closures to reads and writes of plain data.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

/// State shared between tasks; clones share the value.
pub struct Shared<T>(Arc<Mutex<T>>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Arc::new(Mutex::new(value)))
    }

    /// Runs `f` on the value with the lock held, and releases it before returning. A panic in
    /// another holder does not make the value unusable: every closure leaves it consistent.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut guard)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Shared<T> {
        Shared(self.0.clone())
    }
}

impl<T: Default> Default for Shared<T> {
    fn default() -> Shared<T> {
        Shared::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with(|value| value.fmt(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_one_value_and_a_panic_does_not_poison_it() {
        let a = Shared::new(1);
        let b = a.clone();
        b.with(|v| *v += 1);
        assert_eq!(a.with(|v| *v), 2);
        let c = a.clone();
        let _ = std::thread::spawn(move || c.with(|_| panic!("a holder panics"))).join();
        assert_eq!(
            a.with(|v| *v),
            2,
            "still readable after a panic under the lock"
        );
    }
}
