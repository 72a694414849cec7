-- A server's own decks: question files its admins imported (`/deck import`), kept as imported so
-- `/deck export` gives them back. A deck's name is used like a track by schedules, /quiz and
-- /review. Removing a deck (or re-importing it without a question) marks its questions inactive
-- rather than deleting them, so a post still open, or an answer already given, keeps its question;
-- inactive questions nothing refers to any more are deleted at the next import or removal.
CREATE TABLE decks (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    imported_by  INTEGER,               -- NULL once the member asked to be forgotten
    imported_at  TEXT    NOT NULL,
    removed_at   TEXT,                  -- set by /deck remove; a new import of the name clears it
    UNIQUE (guild_id, name)
);

-- Questions are known to the rest of the bot as `deck-<id>`: ids never reused, unlike the
-- author's own `slug`, which is unique within its deck only.
CREATE TABLE deck_questions (
    id       INTEGER PRIMARY KEY,
    deck_id  INTEGER NOT NULL REFERENCES decks (id) ON DELETE CASCADE,
    slug     TEXT    NOT NULL,
    path     TEXT    NOT NULL,
    text     TEXT    NOT NULL,
    active   BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (deck_id, slug)
);
