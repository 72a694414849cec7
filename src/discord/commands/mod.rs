//! Slash commands, by feature: each parses its options, calls one use case and renders the
//! result, always ephemerally. Admin commands declare Manage Server (hiding them from members) and
//! poise checks it again from the interaction's permissions, since server admins can override the
//! declaration.

pub mod choose;
pub mod deck;
pub mod delivery;
pub mod member;
pub mod mock;
pub mod practice;
pub mod privacy;
pub mod remind;
pub mod review;
pub mod schedule;
pub mod share;
pub mod suggest;

use super::context::{Data, Error};

/// Every command the bot registers: the one place that lists them.
pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![
        member::help(),
        member::question(),
        member::past(),
        practice::quiz(),
        review::review(),
        mock::mock(),
        member::streak(),
        member::stats(),
        member::leaderboard(),
        remind::remind(),
        schedule::schedule(),
        deck::deck(),
        suggest::suggest(),
        delivery::post_now(),
        delivery::reveal_now(),
        delivery::skip(),
        privacy::my_data(),
        privacy::forget_me(),
    ]
}
