-- A post that never reached Discord by its reveal time (an outage through the whole answer window,
-- a refused channel) is closed without a reveal: members never saw the question, so nothing is
-- scored and no streak moves, and the day is recorded in missed_days like a day the bot was down.
ALTER TABLE posts ADD COLUMN undelivered BOOLEAN NOT NULL DEFAULT FALSE;
