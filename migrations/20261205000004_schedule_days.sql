-- The weekdays a schedule posts on, one bit a day from Monday (bit 0) to Sunday (bit 6); 127 is
-- every day, as schedules did before.
ALTER TABLE schedules ADD COLUMN post_days INTEGER NOT NULL DEFAULT 127
    CHECK (post_days BETWEEN 1 AND 127);
