-- Mock interviews (/mock): a member's private run of 3 to 8 questions, one at a time, each timed
-- from when it was shown, in a private thread with the member (thread_id) or, where the bot may
-- not open one, in private replies (NULL). One open mock per member and server; one left without
-- an answer for 30 minutes ends itself as abandoned.
CREATE TABLE mocks (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    size              INTEGER NOT NULL CHECK (size BETWEEN 3 AND 8),
    started_at        TEXT    NOT NULL,
    last_activity_at  TEXT    NOT NULL,
    ended_at          TEXT,
    outcome           TEXT    CHECK (outcome IN ('finished', 'abandoned')),
    thread_id         INTEGER,
    CHECK ((ended_at IS NULL) = (outcome IS NULL))
);

CREATE UNIQUE INDEX mocks_one_open ON mocks (guild_id, user_id) WHERE ended_at IS NULL;
CREATE INDEX mocks_by_member ON mocks (guild_id, user_id, started_at);

-- The questions of a mock, in the order asked; graded like a quiz when answered.
CREATE TABLE mock_questions (
    mock_id           INTEGER NOT NULL REFERENCES mocks (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL CHECK (position BETWEEN 1 AND 8),
    question_id       TEXT    NOT NULL,
    asked_at          TEXT,
    answered_at       TEXT,
    body              TEXT,
    covered           TEXT,
    coverage_percent  INTEGER,
    grade             INTEGER,
    misconceptions    TEXT,
    shape             TEXT,
    PRIMARY KEY (mock_id, position)
);
