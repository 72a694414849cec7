//! dailydrill: a Discord bot that turns a server into an interview-practice study group.
//!
//! Every day it posts a question from a curated corpus to the channels a server chose, collects each
//! member's answer privately, reveals the model answer at a set time, gives each member feedback on
//! the key points they covered, and keeps streaks and a leaderboard.
//!
//! # Layout
//! - [`corpus`]: question files → typed, validated [`corpus::Question`]s; the bundled corpus.
//! - [`domain`]: the rules (schedule times, deck rotation, scoring, streaks, leaderboard periods),
//!   pure functions with time and randomness passed in.
//! - [`store`]: SQLite through sqlx; migrations in `migrations/`.
//! - [`service`]: the use cases (post, answer, reveal, leaderboard, ...), one transaction each.
//! - [`discord`]: the Discord layer over serenity (retries of must-not-lose calls).
//! - [`demo`]: `dailydrill demo`, the real bot on the fake Discord (the `fake-discord` crate in
//!   `crates/`, also the tests' and benchmarks'), as a transcript; feature `demo`, on by default.
//! - [`clock`]: the time source the service reads, manual in tests.
//! - [`config`]: configuration from the environment and `.env`, with the token kept secret.
//! - [`liveness`]: what the scheduler and the gateway last did, served as `/healthz` and
//!   `/metrics` (`METRICS_ADDR`), the metrics themselves, and a watchdog that logs a stall.
//! - [`app`]: running the bot: client, scheduler and graceful shutdown.
//! - [`cli`]: the `dailydrill` command line; `main.rs` only calls [`cli::main`].
//! - [`telemetry`]: tracing set-up.
//! - [`sync`]: the one way tasks share mutable state (a lock reached only through a closure).
//! - [`zone_search`]: zone names from partial or misspelt text: the time-zone autocomplete and
//!   the "did you mean" names shown with an unknown zone.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod corpus;
#[cfg(feature = "demo")]
pub mod demo;
pub mod discord;
pub mod domain;
pub mod liveness;
pub mod service;
pub mod store;
pub mod sync;
pub mod telemetry;
pub mod zone_search;
