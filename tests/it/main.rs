//! The integration tests, as one binary: one link of the crate with serenity instead of twenty,
//! which made a clean CI build slow and once ran it out of disk. `tests/crash.rs`, which kills
//! its own process, stays a binary of its own.
//!
//! Modules by level, all on real SQLite files in temporary folders:
//! - the corpus, the service and the store, with a manual clock;
//! - the real bot (serenity + poise) against the fake Discord (`fake-discord`) on loopback;
//! - the faults: Discord's, the database's, races of deliveries, stalls;
//! - the `dailydrill` binary as a newcomer and an operator run it.
//!
//! `common` holds what they share: a fresh app, the bot harness, what a channel shows, the
//! binary as a process.

mod common;

// The corpus, the service and the store.
mod backup;
mod bundled_corpus;
mod corpus_examples;
mod corpus_properties;
mod corpus_validation;
mod grading;
mod service_admin;
mod service_answers;
mod service_days;
mod service_decks;
mod service_grading;
mod service_mock;
mod service_past;
mod service_picture;
mod service_practice;
mod service_recap;
mod service_review;
mod standings;
mod store;

// The bot against the fake Discord.
mod bot_day;
mod bot_deck;
mod bot_mock;
mod bot_permissions;
mod bot_recap;
mod bot_reminders;
mod bot_review;
mod bot_share;
mod bot_stats;
mod bot_suggest;
mod fake;
mod hostile_input;
mod liveness;

// Faults, races and stalls.
mod db_faults;
mod delivery_faults;
mod discord_faults;
mod outbox_stress;
mod races;

// The binary.
mod cli;
mod lifecycle;
mod secrets;

// The shape of the source tree.
mod structure;
