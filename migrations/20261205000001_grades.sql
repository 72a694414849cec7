-- The grader reports more than coverage: a grade on the 0-4 scale, the misconceptions an answer
-- stated (indices into the question's misconceptions and red flags, as `covered` holds key point
-- indices) and the answer's shape (prose, term-list, empty), from which the member's next step is
-- chosen. `coverage_percent` keeps its name and now holds the grader's score (0-100). Rows graded
-- before this migration have NULLs here and read as no misconception, prose.
ALTER TABLE answers ADD COLUMN grade INTEGER;
ALTER TABLE answers ADD COLUMN misconceptions TEXT;
ALTER TABLE answers ADD COLUMN shape TEXT;
ALTER TABLE quizzes ADD COLUMN grade INTEGER;
ALTER TABLE quizzes ADD COLUMN misconceptions TEXT;
ALTER TABLE quizzes ADD COLUMN shape TEXT;
