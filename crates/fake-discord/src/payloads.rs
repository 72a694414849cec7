//! JSON payloads the fake sends, with every field serenity requires: a missing one does not fail
//! loudly, serenity silently turns the event into `Event::Unknown`.

use serde_json::{Value, json};

use super::{APPLICATION_ID, BOT_USER_ID};

/// Discord's epoch-independent timestamp format, fixed so recordings are deterministic.
const TIMESTAMP: &str = "2026-01-01T00:00:00.000000+00:00";

pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({ "id": id.to_string(), "username": name, "discriminator": "0", "global_name": name,
            "avatar": null, "bot": bot })
}

pub fn bot_user() -> Value {
    user(BOT_USER_ID, "dailydrill", true)
}

pub fn application() -> Value {
    json!({
        "id": APPLICATION_ID.to_string(), "name": "dailydrill", "icon": null, "description": "",
        "bot_public": false, "bot_require_code_grant": false, "verify_key": "00",
        "owner": user(1, "owner", false), "team": null, "flags": 0,
    })
}

/// A message as Discord returns it after a create or edit.
pub fn message(id: u64, channel: u64, body: &Value) -> Value {
    let field = |name: &str, default: Value| body.get(name).cloned().unwrap_or(default);
    json!({
        "id": id.to_string(), "channel_id": channel.to_string(), "author": bot_user(),
        "content": field("content", json!("")), "timestamp": TIMESTAMP, "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": [], "embeds": field("embeds", json!([])), "pinned": false,
        "type": 0, "components": field("components", json!([])), "nonce": field("nonce", Value::Null),
        "flags": field("flags", json!(0)),
    })
}

pub fn ready(session_id: &str, resume_url: &str, guilds: &[u64]) -> Value {
    let guilds: Vec<Value> = guilds
        .iter()
        .map(|g| json!({ "id": g.to_string(), "unavailable": true }))
        .collect();
    json!({
        "v": 10, "user": bot_user(), "guilds": guilds, "session_id": session_id,
        "resume_gateway_url": resume_url,
        "application": { "id": APPLICATION_ID.to_string(), "flags": 0 },
    })
}

/// Who invokes an interaction, and with which permissions (a decimal bit string, as Discord
/// sends it; poise reads it and panics when it is absent).
#[derive(Debug, Clone)]
pub struct Invoker {
    pub guild: u64,
    pub channel: u64,
    pub user: u64,
    pub permissions: u64,
}

fn member(invoker: &Invoker) -> Value {
    json!({
        "user": user(invoker.user, &format!("member{}", invoker.user), false),
        "roles": [], "joined_at": TIMESTAMP, "deaf": false, "mute": false, "flags": 0,
        "pending": false, "permissions": invoker.permissions.to_string(),
    })
}

/// The fields every guild interaction carries.
pub fn interaction(id: u64, token: &str, kind: u8, invoker: &Invoker, data: Value) -> Value {
    json!({
        "id": id.to_string(), "application_id": APPLICATION_ID.to_string(), "type": kind,
        "data": data, "guild_id": invoker.guild.to_string(), "channel_id": invoker.channel.to_string(),
        "channel": { "id": invoker.channel.to_string(), "type": 0 },
        "member": member(invoker), "token": token, "version": 1,
        "app_permissions": "2251799813685247", "locale": "en-US", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": { "0": invoker.guild.to_string() },
        "context": 0, "attachment_size_limit": 10_485_760,
    })
}

/// Ids of options of one type (6 user, 7 channel, 8 role) at any depth of subcommands: Discord sends
/// their objects in `resolved`, and serenity only resolves an option it finds there.
fn option_ids(options: &Value, kind: u8, found: &mut Vec<String>) {
    for option in options.as_array().map(Vec::as_slice).unwrap_or_default() {
        if option["type"] == kind {
            if let Some(id) = option["value"].as_str() {
                found.push(id.to_owned());
            }
        }
        option_ids(&option["options"], kind, found);
    }
}

/// `data` of a slash command (type 2) with its options and their resolved objects.
pub fn command_data(name: &str, options: Value, guild: u64) -> Value {
    let (mut users, mut channels, mut roles) = (Vec::new(), Vec::new(), Vec::new());
    option_ids(&options, 6, &mut users);
    option_ids(&options, 7, &mut channels);
    option_ids(&options, 8, &mut roles);
    let users: serde_json::Map<String, Value> = users
        .into_iter()
        .map(|id| {
            let name = format!("member{id}");
            let user = user(id.parse().unwrap_or(0), &name, false);
            (id, user)
        })
        .collect();
    let channels: serde_json::Map<String, Value> = channels
        .into_iter()
        .map(|id| {
            let channel =
                json!({ "id": id, "name": format!("channel-{id}"), "type": 0, "permissions": "0" });
            (id, channel)
        })
        .collect();
    let roles: serde_json::Map<String, Value> = roles
        .into_iter()
        .map(|id| {
            let role = json!({
                "id": id, "name": format!("role-{id}"), "color": 0,
                "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
                "hoist": false, "managed": false, "mentionable": true, "permissions": "0",
                "position": 1, "icon": null, "unicode_emoji": null,
            });
            (id, role)
        })
        .collect();
    json!({ "id": "1200000000000000001", "name": name, "type": 1, "options": options,
            "guild_id": guild.to_string(),
            "resolved": { "users": users, "channels": channels, "roles": roles } })
}

/// Discord's error body for a request it refuses.
pub fn error(code: u32, message: &str, errors: Value) -> Value {
    json!({ "code": code, "message": message, "errors": errors })
}

/// A text channel of a guild, as GET /channels/{id} returns it, with its permission overwrites.
pub fn channel(id: u64, guild: u64, overwrites: &[Value]) -> Value {
    json!({ "id": id.to_string(), "type": 0, "guild_id": guild.to_string(), "name": format!("channel-{id}"),
            "position": 0, "permission_overwrites": overwrites, "nsfw": false, "flags": 0 })
}

/// A member's DM channel id is their id with these bits flipped: stable, and apart from the
/// guild channels tests use.
pub const DM_CHANNEL_BITS: u64 = 1 << 62;

/// A DM channel with a member, as POST /users/@me/channels returns it.
pub fn dm_channel(id: u64, recipient: u64) -> Value {
    json!({ "id": id.to_string(), "type": 1, "last_message_id": null,
            "recipients": [user(recipient, &format!("member{recipient}"), false)] })
}

/// The bot's own role in every guild (as an app's invite creates it): Manage Roles, above the
/// roles tests mention (position 1), so it may give them.
pub const BOT_ROLE_ID: u64 = 1_000_000_000_000_000_003;

/// The bot as a member of a guild, as GET /guilds/{id}/members/{user} returns it.
pub fn bot_member() -> Value {
    json!({ "user": bot_user(), "roles": [BOT_ROLE_ID.to_string()], "joined_at": TIMESTAMP,
            "deaf": false, "mute": false, "flags": 0, "pending": false })
}

/// A guild as GET /guilds/{id} returns it: its roles, without members or channels.
pub fn guild(guild: u64) -> Value {
    let mut payload = guild_create(guild);
    if let Some(map) = payload.as_object_mut() {
        for key in [
            "members",
            "channels",
            "threads",
            "presences",
            "voice_states",
        ] {
            map.remove(key);
        }
    }
    payload
}

/// GUILD_CREATE for a guild the bot is in, with its @everyone role and the bot as member. The role
/// has the permissions Discord gives @everyone in a new server (1071698660929: view, send, embed,
/// create public threads, send in threads, mention @everyone, ...), so the bot may post
/// everywhere unless a test denies it something in a channel (`FakeDiscord::deny_bot_in`).
pub fn guild_create(guild: u64) -> Value {
    json!({
        "id": guild.to_string(), "name": format!("guild-{guild}"), "icon": null, "splash": null,
        "discovery_splash": null, "owner_id": "1", "verification_level": 0,
        "default_message_notifications": 0, "explicit_content_filter": 0,
        "roles": [{
            "id": guild.to_string(), "name": "@everyone", "color": 0,
            "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
            "hoist": false, "managed": false, "mentionable": false, "permissions": "1071698660929",
            "position": 0, "icon": null, "unicode_emoji": null,
        }, {
            "id": BOT_ROLE_ID.to_string(), "name": "dailydrill", "color": 0,
            "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
            "hoist": false, "managed": true, "mentionable": false, "permissions": "268435456",
            "position": 10, "icon": null, "unicode_emoji": null,
        }],
        "emojis": [], "features": [], "mfa_level": 0, "application_id": null,
        "system_channel_id": null, "system_channel_flags": 0, "rules_channel_id": null,
        "vanity_url_code": null, "description": null, "banner": null, "premium_tier": 0,
        "preferred_locale": "en-US", "public_updates_channel_id": null, "nsfw_level": 0,
        "stickers": [], "premium_progress_bar_enabled": false, "joined_at": TIMESTAMP,
        "large": false, "unavailable": false, "member_count": 1, "voice_states": [],
        "members": [{ "user": bot_user(), "roles": [BOT_ROLE_ID.to_string()], "joined_at": TIMESTAMP, "deaf": false,
                      "mute": false, "flags": 0 }],
        "channels": [], "threads": [], "presences": [], "stage_instances": [],
        "guild_scheduled_events": [],
    })
}

/// `data` of an autocomplete request (type 4): the option being typed is `focused`.
pub fn autocomplete_data(command: &str, option: &str, partial: &str, guild: u64) -> Value {
    command_data(
        command,
        json!([{ "name": option, "type": 3, "value": partial, "focused": true }]),
        guild,
    )
}

/// GUILD_CREATE of a guild with `members` members besides the bot (user ids `first_user`,
/// `first_user + 1`, ...), each with a full user object, as Discord sends a guild's members when
/// the bot may see them. Serenity caches every member it receives.
pub fn guild_create_with_members(guild: u64, first_user: u64, members: usize) -> Value {
    let mut payload = guild_create(guild);
    let list: Vec<Value> = std::iter::once(payload["members"][0].clone())
        .chain((0..members as u64).map(|i| {
            let id = first_user + i;
            json!({ "user": user(id, &format!("member{id}"), false), "nick": null, "roles": [],
                    "joined_at": TIMESTAMP, "deaf": false, "mute": false, "flags": 0,
                    "pending": false, "avatar": null })
        }))
        .collect();
    payload["member_count"] = json!(list.len());
    payload["members"] = Value::Array(list);
    payload
}
