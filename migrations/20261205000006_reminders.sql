-- Members who asked for a direct message before the reveal of a question they have not answered
-- (/remind on), and how many hours before.
CREATE TABLE reminders (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    hours     INTEGER NOT NULL CHECK (hours BETWEEN 1 AND 24),
    PRIMARY KEY (guild_id, user_id)
);

-- Reminders sent (or given up on: the member's DMs are closed), so each post reminds a member once.
CREATE TABLE reminders_sent (
    post_id  INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL,
    sent_at  TEXT    NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
