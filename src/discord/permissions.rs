//! Whether the bot can post a schedule's questions in a channel, checked when an admin chooses the
//! channel, so a missing permission is refused at `/schedule add|edit` with what is missing,
//! instead of surfacing days later as a post Discord refused.

use poise::serenity_prelude as serenity;
use serenity::Permissions;

use crate::discord::context::Context;

/// What a scheduled post needs, with the names Discord's channel settings show: the question with
/// its embed, then the discussion thread at the reveal.
const NEEDED: [(Permissions, &str); 5] = [
    (Permissions::VIEW_CHANNEL, "View Channel"),
    (Permissions::SEND_MESSAGES, "Send Messages"),
    (Permissions::EMBED_LINKS, "Embed Links"),
    (Permissions::CREATE_PUBLIC_THREADS, "Create Public Threads"),
    (
        Permissions::SEND_MESSAGES_IN_THREADS,
        "Send Messages in Threads",
    ),
];

/// The permissions the bot lacks, by name, given what it `has` in the channel. A role that is not
/// mentionable pings only for a member with Mention @everyone, so the bot then needs that too
/// (`mentions_role`: whether the role the schedule mentions is mentionable, `None` for no role).
pub fn missing(has: Permissions, mentions_role: Option<bool>) -> Vec<&'static str> {
    let mut needed: Vec<(Permissions, &str)> = NEEDED.to_vec();
    if mentions_role == Some(false) {
        needed.push((
            Permissions::MENTION_EVERYONE,
            "Mention @everyone, @here, and All Roles (the role is not mentionable)",
        ));
    }
    needed
        .into_iter()
        .filter(|(permission, _)| !has.contains(*permission))
        .map(|(_, name)| name)
        .collect()
}

/// The refusal an admin reads when the bot lacks permissions in `channel`.
pub fn refusal(channel: serenity::ChannelId, missing: &[&str]) -> String {
    format!(
        "I can't post in <#{channel}>: I'm missing {}. Give me (or my role) these permissions in the channel's settings, then try again; nothing was changed.",
        missing.join(", ")
    )
}

/// What the bot lacks in a log channel: reports are plain messages.
pub fn missing_for_log(has: Permissions) -> Vec<&'static str> {
    NEEDED[..2]
        .iter()
        .filter(|(permission, _)| !has.contains(*permission))
        .map(|(_, name)| *name)
        .collect()
}

/// The bot's permissions in `channel`. Reads the guild's roles and the bot's own member from
/// Discord (the bot keeps no guild cache) and lets serenity apply the channel's overwrites.
/// `Err` when Discord could not be asked; the caller decides.
pub async fn bot_permissions_in(
    ctx: Context<'_>,
    channel: &serenity::GuildChannel,
) -> Result<Permissions, serenity::Error> {
    let http = &ctx.serenity_context().http;
    let guild = http.get_guild(channel.guild_id).await?;
    let me = http
        .get_member(channel.guild_id, ctx.framework().bot_id())
        .await?;
    Ok(guild.user_permissions_in(channel, &me))
}

/// Why the bot cannot give `role` to members, by Discord's rules: it needs Manage Roles, and a
/// role managed by an integration, or not below the bot's own highest role, cannot be given.
pub fn cannot_give(has: Permissions, bot_top: u16, role: &serenity::Role) -> Vec<String> {
    let mut problems = Vec::new();
    if !has.contains(Permissions::MANAGE_ROLES) {
        problems.push("I'm missing the Manage Roles permission".to_owned());
    }
    if role.managed {
        problems.push(format!("<@&{}> is managed by an integration", role.id));
    } else if role.position >= bot_top {
        problems.push(format!(
            "<@&{}> is not below my highest role (move my role above it in Server Settings > Roles)",
            role.id
        ));
    }
    problems
}

/// Why the bot cannot give `role` in its guild (see [`cannot_give`]), from the guild's roles and
/// the bot's member as Discord has them now.
pub async fn bot_cannot_give(
    ctx: Context<'_>,
    guild: serenity::GuildId,
    role: &serenity::Role,
) -> Result<Vec<String>, serenity::Error> {
    let http = &ctx.serenity_context().http;
    let guild = http.get_guild(guild).await?;
    let me = http.get_member(guild.id, ctx.framework().bot_id()).await?;
    let has = guild.member_permissions(&me);
    let top = me
        .roles
        .iter()
        .filter_map(|r| guild.roles.get(r))
        .map(|r| r.position)
        .max()
        .unwrap_or(0);
    let role = guild.roles.get(&role.id).unwrap_or(role);
    Ok(cannot_give(has, top, role))
}

/// The refusal when the bot lacks in `channel` what `need` names from its permissions there;
/// `None` when it has it all. When Discord cannot be asked the change goes through (logged): a
/// post refused later still shows in `/schedule list`, and an outage should not stop admins
/// from configuring.
pub async fn refusal_in(
    ctx: Context<'_>,
    channel: &serenity::GuildChannel,
    need: impl FnOnce(Permissions) -> Vec<&'static str>,
) -> Option<String> {
    match bot_permissions_in(ctx, channel).await {
        Ok(has) => {
            let missing = need(has);
            (!missing.is_empty()).then(|| refusal(channel.id, &missing))
        }
        Err(e) => {
            tracing::warn!(channel = %channel.id, "could not check the bot's permissions: {e}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_missing_permission_in_the_order_a_post_needs_them() {
        let all = Permissions::VIEW_CHANNEL
            | Permissions::SEND_MESSAGES
            | Permissions::EMBED_LINKS
            | Permissions::CREATE_PUBLIC_THREADS
            | Permissions::SEND_MESSAGES_IN_THREADS;
        assert!(missing(all, None).is_empty());
        assert!(
            missing(all, Some(true)).is_empty(),
            "a mentionable role pings"
        );
        assert_eq!(
            missing(
                all - Permissions::EMBED_LINKS - Permissions::VIEW_CHANNEL,
                None
            ),
            ["View Channel", "Embed Links"]
        );
        assert_eq!(missing(all, Some(false)).len(), 1);
        assert!(missing(all, Some(false))[0].starts_with("Mention @everyone"));
        assert!(missing(all | Permissions::MENTION_EVERYONE, Some(false)).is_empty());
        assert_eq!(missing(Permissions::empty(), None).len(), 5);
        assert_eq!(
            missing_for_log(Permissions::VIEW_CHANNEL),
            ["Send Messages"],
            "a log channel needs no embeds or threads"
        );
        assert!(missing_for_log(Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES).is_empty());
    }

    #[test]
    fn a_role_is_given_only_with_manage_roles_and_from_below_the_bots_own() {
        let role = |position: u16, managed: bool| -> serenity::Role {
            serde_json::from_value(serde_json::json!({
                "id": "555", "name": "champion", "color": 0, "hoist": false, "managed": managed,
                "mentionable": true, "permissions": "0", "position": position,
                "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
                "icon": null, "unicode_emoji": null,
            }))
            .unwrap()
        };
        assert!(cannot_give(Permissions::MANAGE_ROLES, 10, &role(1, false)).is_empty());
        let problems = cannot_give(Permissions::empty(), 10, &role(10, false));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("Manage Roles"));
        assert!(problems[1].contains("not below my highest role"));
        assert!(cannot_give(Permissions::MANAGE_ROLES, 10, &role(1, true))[0].contains("managed"));
    }

    #[test]
    fn the_refusal_lists_them_and_says_nothing_changed() {
        let text = refusal(
            serenity::ChannelId::new(7),
            &["Send Messages", "Embed Links"],
        );
        assert!(text.contains("<#7>"));
        assert!(text.contains("missing Send Messages, Embed Links"));
        assert!(text.contains("nothing was changed"));
    }
}
