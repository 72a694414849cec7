//! dailydrill: a Discord bot that turns a server into an interview-practice study group.
//!
//! Every day it posts a question from a curated corpus to the channels a server chose, collects each
//! member's answer privately, reveals the model answer at a set time, gives each member feedback on
//! the key points they covered, and keeps streaks and a leaderboard.
//!
//! # Layout
//! A cargo workspace: this crate (the bot) and `crates/fake-discord` (a fake Discord on loopback
//! for the tests, the benchmarks and the demo; never in a build without the `demo` feature).
//!
//! The core, with no serenity type in it:
//! - [`corpus`]: question files → typed, validated [`corpus::Question`]s; the bundled corpus.
//! - [`domain`]: the rules (schedule times, deck rotation, scoring, streaks, leaderboard periods),
//!   pure functions with time and randomness passed in.
//! - [`store`]: SQLite through sqlx, rows read into named types and converted once (a bad value
//!   is an error naming its table, row and column); the answers' group-commit writer; migrations
//!   in `migrations/`.
//! - [`service`]: the use cases (post, answer, reveal, leaderboard, ...), one transaction each,
//!   returning data; their errors carry data, not wording.
//! - [`clock`]: the time source the service reads, manual in tests.
//! - [`sync`]: the one way tasks share mutable state (a lock reached only through a closure).
//!
//! Around it:
//! - [`discord`]: the Discord layer over serenity and poise: `commands/` by feature (member,
//!   practice, schedule, delivery, privacy), `interactions` (buttons and forms), `messages` and
//!   `render` (what members read), `permissions` (what the bot needs in a schedule's channel),
//!   `outbox/` and `scheduler` (delivery of what was committed).
//! - [`feedback`]: a graded answer in the member's words (grade, key points, corrections, next
//!   step), the same text in Discord and in `dailydrill grade`.
//! - [`grading_eval`]: the grader measured against expert-labelled answers (`tests/grading/`),
//!   and its output for `dailydrill grade`.
//! - [`zone_search`]: zone names from partial or misspelt text: the time-zone autocomplete and
//!   the "did you mean" names shown with an unknown zone.
//! - [`liveness`]: what the scheduler and the gateway last did, served as `/healthz` and
//!   `/metrics` (`METRICS_ADDR`), the metrics themselves, and a watchdog that logs a stall.
//! - [`app`]: running the bot: client, scheduler and graceful shutdown.
//! - [`config`]: configuration from the environment and `.env`, with the token kept secret.
//! - [`cli`]: the `dailydrill` command line; `main.rs` only calls [`cli::main`].
//! - [`telemetry`]: tracing set-up.
//! - [`demo`]: `dailydrill demo`, the real bot on the fake Discord, as a transcript (feature
//!   `demo`, on by default).
//!
//! Tests: unit tests beside the code; `tests/it/` (one binary, modules by level: core, bot, faults,
//! the binary, the tree's structure) and `tests/crash.rs` (kills its own process); benchmarks in
//! `benches/`.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod corpus;
#[cfg(feature = "demo")]
pub mod demo;
pub mod discord;
pub mod domain;
pub mod feedback;
pub mod grading_eval;
pub mod liveness;
pub mod message_split;
pub mod service;
pub mod stats_image;
pub mod store;
pub mod sync;
pub mod telemetry;
pub mod zone_search;
