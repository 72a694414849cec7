//! What every handler shares: the bot's state, its error type, and who is asking.

use std::sync::atomic::AtomicBool;

use poise::serenity_prelude as serenity;

use super::outbox::Outbox;
use crate::domain::ids::{GuildId, UserId};
use crate::liveness::Liveness;
use crate::service::Service;

/// The state every handler shares.
pub struct Data {
    pub service: Service,
    /// Shared with the scheduler, so handlers and fan-out stay under one global rate.
    pub outbox: Outbox,
    /// Where the gateway's state is reported, for `/healthz`.
    pub liveness: Liveness,
    /// Whether READY came before: a later one is a reconnect.
    pub connected_before: AtomicBool,
}

pub type Error = Box<dyn std::error::Error + Send + Sync>;

pub type Context<'a> = poise::Context<'a, Data, Error>;

/// Who is asking, and in which server: every command, button and form starts here, so nothing
/// is ever looked up for a made-up server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invoker {
    pub guild: GuildId,
    pub user: UserId,
}

impl Invoker {
    /// The member behind an interaction; `None` outside a server (a DM).
    pub fn of(guild: Option<serenity::GuildId>, user: serenity::UserId) -> Option<Invoker> {
        Some(Invoker {
            guild: GuildId(guild?.get()),
            user: UserId(user.get()),
        })
    }

    /// The member running a command. Every command is `guild_only`, so poise refuses a DM before
    /// the command runs; [`OutsideServer`] only stands in for that refusal.
    pub fn from_command(ctx: Context<'_>) -> Result<Invoker, OutsideServer> {
        Invoker::of(ctx.guild_id(), ctx.author().id).ok_or(OutsideServer)
    }
}

/// A command reached outside a server; answered like poise's own guild-only refusal.
#[derive(Debug, thiserror::Error)]
#[error("dailydrill works inside a server.")]
pub struct OutsideServer;
