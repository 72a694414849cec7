-- Delivery of reveals is tracked like delivery of posts, so a reveal committed before a crash or
-- an outage is sent when Discord is reachable again instead of being lost.
--   reveal_sent_at  when every part of the model answer was accepted by Discord
--   delivery_error  why Discord refused the post or its reveal for good (a 4xx other than 429,
--                   such as a deleted channel or missing access); such rows are not retried, so
--                   the bot does not add to Discord's invalid-request count forever.
ALTER TABLE posts ADD COLUMN reveal_sent_at TEXT;
ALTER TABLE posts ADD COLUMN delivery_error TEXT;

-- Reveals applied before this migration were sent by the code of the time (or logged as failed).
UPDATE posts SET reveal_sent_at = revealed_at WHERE revealed_at IS NOT NULL;

CREATE INDEX posts_reveal_unsent ON posts (id)
    WHERE revealed_at IS NOT NULL AND reveal_sent_at IS NULL AND delivery_error IS NULL;

-- A member's own rows, for /my-data and /forget-me (answers and streaks are keyed by post and
-- schedule first).
CREATE INDEX answers_by_user ON answers (user_id);
CREATE INDEX streaks_by_user ON streaks (user_id);
