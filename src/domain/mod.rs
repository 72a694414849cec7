//! The rules of the study group, as plain functions over domain types: when a schedule fires, which
//! question comes next, how an answer is scored, how streaks and leaderboard periods work.
//!
//! Nothing here does I/O or knows Discord; time and randomness are always passed in, so every rule
//! is tested exhaustively with fixed clocks and seeds.

pub mod deck;
pub mod grading;
pub mod group;
pub mod ids;
pub mod period;
pub mod reminder;
pub mod review;
pub mod schedule;
pub mod scoring;
pub mod streak;
