-- An opt-in weekly recap per schedule, posted in its channel after each leaderboard week (Monday
-- midnight in the server's time zone). next_recap_at: when the next one is due (NULL: recap off).
ALTER TABLE schedules ADD COLUMN next_recap_at TEXT;
CREATE INDEX schedules_recap_due ON schedules (next_recap_at) WHERE next_recap_at IS NOT NULL;

-- One recap per schedule and week, committed before it is sent, like a post: a restart never
-- posts it twice (its nonce) and never loses it.
CREATE TABLE recaps (
    schedule_id     INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    week_start      TEXT    NOT NULL,             -- the week's Monday, a local date
    committed_at    TEXT    NOT NULL,
    message_id      INTEGER,                      -- when Discord accepted it
    delivery_error  TEXT,                         -- why Discord refused it for good
    PRIMARY KEY (schedule_id, week_start)
);
