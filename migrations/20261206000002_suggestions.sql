-- Members' suggestions for a server's decks (`/suggest`), moderated in a channel the admins set
-- (`/deck moderation`). A suggestion is open until a moderator approves it into a deck or rejects
-- it; the moderation post is recorded once Discord accepted it (NULL: still to post, retried each
-- tick with the same nonce) or why Discord refused it for good (not retried until an admin sets the
-- moderation channel again), and the suggester's direct message once sent or given up on.
CREATE TABLE suggestions (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    question       TEXT    NOT NULL,
    answer         TEXT    NOT NULL,
    track          TEXT    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'rejected')),
    created_at     TEXT    NOT NULL,
    channel_id     INTEGER,
    message_id     INTEGER,
    post_error     TEXT,
    decided_by     INTEGER,
    decided_at     TEXT,
    deck           TEXT,
    reason         TEXT,
    notified_at    TEXT
);
CREATE INDEX suggestions_by_member ON suggestions (guild_id, user_id, status);
CREATE INDEX suggestions_unposted ON suggestions (id)
    WHERE status = 'open' AND message_id IS NULL AND post_error IS NULL;
CREATE INDEX suggestions_unnotified ON suggestions (id) WHERE status != 'open' AND notified_at IS NULL;

ALTER TABLE guild_settings ADD COLUMN suggestion_channel_id INTEGER;
-- The member an approved suggestion came from, credited in its post ("suggested by").
ALTER TABLE deck_questions ADD COLUMN suggested_by INTEGER;
