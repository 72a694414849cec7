-- dailydrill's state. All instants are UTC (sqlx stores chrono's DateTime<Utc> as RFC 3339 text,
-- which sorts chronologically); local dates are 'YYYY-MM-DD' in the schedule's time zone.

-- Per-server settings. The time zone decides where leaderboard weeks and months begin.
CREATE TABLE guilds (
    guild_id   INTEGER PRIMARY KEY,
    time_zone  TEXT    NOT NULL
);

CREATE TABLE schedules (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL REFERENCES guilds (guild_id),
    channel_id       INTEGER NOT NULL,
    post_time        TEXT    NOT NULL,             -- local wall-clock 'HH:MM'
    time_zone        TEXT    NOT NULL,             -- IANA name
    reveal_rule      TEXT    NOT NULL,             -- '24h', '1h30m' or a local 'HH:MM'
    mention_role_id  INTEGER,
    paused           BOOLEAN NOT NULL DEFAULT FALSE,
    deck_seed        INTEGER NOT NULL,
    deck_cycle       INTEGER NOT NULL DEFAULT 0,
    next_fire_at     TEXT    NOT NULL,             -- the next scheduled post
    next_local_date  TEXT    NOT NULL,             -- its local date
    created_at       TEXT    NOT NULL
);
CREATE INDEX schedules_by_guild ON schedules (guild_id);
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE NOT paused;

-- The tracks a schedule draws from.
CREATE TABLE schedule_tracks (
    schedule_id  INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    track        TEXT    NOT NULL,
    PRIMARY KEY (schedule_id, track)
);

-- A question posted by a schedule. Scheduled posts are unique per schedule and local date, which is
-- what makes the due-post step idempotent across retries, races and crashes.
CREATE TABLE posts (
    id            INTEGER PRIMARY KEY,
    schedule_id   INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    guild_id      INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('scheduled', 'manual')),
    local_date    TEXT    NOT NULL,
    question_id   TEXT    NOT NULL,
    deck_cycle    INTEGER NOT NULL,
    fire_at       TEXT    NOT NULL,                -- when it was due
    created_at    TEXT    NOT NULL,                -- when the row was committed
    reveal_at     TEXT    NOT NULL,
    revealed_at   TEXT,
    skipped       BOOLEAN NOT NULL DEFAULT FALSE,  -- closed by an admin: revealed, never scored
    nonce         TEXT    NOT NULL,                -- sent with the Discord message (enforce_nonce)
    message_id    INTEGER                          -- recorded once Discord accepted the message
);
CREATE UNIQUE INDEX posts_one_per_day ON posts (schedule_id, local_date) WHERE kind = 'scheduled';
CREATE INDEX posts_by_schedule ON posts (schedule_id, id);
CREATE INDEX posts_reveal_due ON posts (reveal_at) WHERE revealed_at IS NULL;
CREATE INDEX posts_unsent ON posts (id) WHERE message_id IS NULL;

-- Days a schedule could not post (the bot was down past the reveal time). Recorded so that no day
-- is skipped silently.
CREATE TABLE missed_days (
    schedule_id  INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    local_date   TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    PRIMARY KEY (schedule_id, local_date)
);

-- One answer per member per post, editable until the reveal; scored at the reveal.
CREATE TABLE answers (
    post_id           INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id           INTEGER NOT NULL,
    body              TEXT    NOT NULL,
    submitted_at      TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    covered           TEXT,                        -- key point indices, e.g. '0,2,3'
    coverage_percent  INTEGER,
    points            INTEGER,
    PRIMARY KEY (post_id, user_id)
);

-- Streak per schedule and member, advanced at each reveal in post order.
CREATE TABLE streaks (
    schedule_id  INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    current      INTEGER NOT NULL,
    longest      INTEGER NOT NULL,
    freezes      INTEGER NOT NULL,
    PRIMARY KEY (schedule_id, user_id)
);

-- Leaderboard totals per guild, period ('all', 'week:YYYY-MM-DD', 'month:YYYY-MM') and member,
-- maintained at each reveal so that a leaderboard page is an index range scan, whatever the history.
-- `streak` is the member's best current streak in the guild when the row was last updated.
CREATE TABLE standings (
    guild_id  INTEGER NOT NULL,
    period    TEXT    NOT NULL,
    user_id   INTEGER NOT NULL,
    points    INTEGER NOT NULL,
    answers   INTEGER NOT NULL,
    streak    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, period, user_id)
);
CREATE INDEX standings_rank
    ON standings (guild_id, period, points DESC, answers DESC, streak DESC, user_id);

-- On-demand practice questions; they count towards a member's stats, not streaks or standings.
CREATE TABLE quizzes (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    question_id       TEXT    NOT NULL,
    started_at        TEXT    NOT NULL,
    answered_at       TEXT,
    body              TEXT,
    covered           TEXT,
    coverage_percent  INTEGER
);
CREATE INDEX quizzes_by_member ON quizzes (guild_id, user_id, started_at);
