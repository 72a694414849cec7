-- Spaced review (/review). Every graded answer of a member (daily question, quiz, review) rates
-- their card for that question, and FSRS (rs-fsrs) sets when it is due again. The card holds
-- FSRS's memory model as is: stability and difficulty, the days elapsed and scheduled at the last
-- review, repetitions, lapses and the state (0 new, 1 learning, 2 review, 3 relearning).
CREATE TABLE review_cards (
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    question_id     TEXT    NOT NULL,
    due             TEXT    NOT NULL,
    stability       REAL    NOT NULL,
    difficulty      REAL    NOT NULL,
    elapsed_days    INTEGER NOT NULL,
    scheduled_days  INTEGER NOT NULL,
    reps            INTEGER NOT NULL,
    lapses          INTEGER NOT NULL,
    state           INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),
    last_review     TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, question_id)
);

-- /review finds the member's next due card.
CREATE INDEX review_cards_due ON review_cards (guild_id, user_id, due);

-- Each rating applied to a card, once per graded answer: the reveal that scores a daily answer
-- may run again after a crash, and the (source, source_id) key keeps it from rating twice.
-- source_id is the post (daily), quiz or review row the grade came from; for a mock, its id
-- times 10 plus the question's position.
CREATE TABLE review_log (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    question_id  TEXT    NOT NULL,
    source       TEXT    NOT NULL CHECK (source IN ('daily', 'quiz', 'review', 'mock')),
    source_id    INTEGER NOT NULL,
    grade        INTEGER NOT NULL CHECK (grade BETWEEN 0 AND 4),
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    reviewed_at  TEXT    NOT NULL,
    due          TEXT    NOT NULL,
    UNIQUE (guild_id, user_id, source, source_id)
);

-- A due card shown by /review, answered once through its form, like a quiz.
CREATE TABLE reviews (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    question_id       TEXT    NOT NULL,
    started_at        TEXT    NOT NULL,
    answered_at       TEXT,
    body              TEXT,
    covered           TEXT,
    coverage_percent  INTEGER,
    grade             INTEGER,
    misconceptions    TEXT,
    shape             TEXT
);

CREATE INDEX reviews_by_member ON reviews (guild_id, user_id, started_at);
