//! The Discord layer: how the bot talks to Discord (or a fake of it) through serenity.

pub mod bot;
pub mod client;
pub mod commands;
pub mod member_data;
pub mod outbox;
pub mod pace;
pub mod render;
pub mod retry;
pub mod scheduler;
pub mod split;
