//! The Discord layer: how the bot talks to Discord (or a fake of it) through serenity.

pub mod client;
pub mod retry;
pub mod split;
