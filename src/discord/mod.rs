//! The Discord layer: how the bot talks to Discord (or a fake of it) through serenity. `context`
//! holds what handlers share; `commands` (by feature) and `interactions` map Discord's input to the
//! service; `messages`, `render` and `reply` turn results into what members read; `outbox` and
//! `scheduler` deliver what the service committed.

pub mod attachments;
pub mod bot;
pub mod client;
pub mod commands;
pub mod context;
pub mod interactions;
pub mod messages;
pub mod outbox;
pub mod pace;
pub mod permissions;
pub mod render;
pub mod reply;
pub mod retry;
pub mod scheduler;
pub mod thread_messages;
pub use crate::message_split as split;
