-- A schedule may draw only questions of one difficulty ('easy', 'medium' or 'hard'); NULL draws
-- every difficulty, as schedules did before.
ALTER TABLE schedules ADD COLUMN difficulty TEXT;
