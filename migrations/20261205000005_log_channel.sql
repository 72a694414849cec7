-- Per-server settings that are not a schedule's. log_channel_id: where the bot reports, once, a
-- post or reveal Discord refused for good (NULL: no report; /schedule list still shows it).
CREATE TABLE guild_settings (
    guild_id        INTEGER PRIMARY KEY,
    log_channel_id  INTEGER
);

-- When a refused delivery was reported to the log channel (or passed over: it was refused while
-- no log channel was set). Refusals recorded before this migration are not reported.
ALTER TABLE posts ADD COLUMN refusal_logged_at TEXT;
UPDATE posts SET refusal_logged_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    WHERE delivery_error IS NOT NULL;
CREATE INDEX posts_refusal_unlogged ON posts (guild_id)
    WHERE delivery_error IS NOT NULL AND refusal_logged_at IS NULL;
