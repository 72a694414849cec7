-- An optional champion role: at the end of each week or month (champion_period 'week' or
-- 'month', in the server's time zone) the bot gives the role to that period's leader and takes it
-- from the previous holder. next_champion_at: when the next change is due (NULL: no champion role).
ALTER TABLE guild_settings ADD COLUMN champion_role_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN champion_period TEXT CHECK (champion_period IN ('week', 'month'));
ALTER TABLE guild_settings ADD COLUMN champion_user_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN next_champion_at TEXT;
