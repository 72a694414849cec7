-- A daily answer to a question the member had already practised in /quiz (and so had seen its
-- model answer) earns the points for answering but none for its score: practised_at is when that
-- quiz was answered, kept so the member's feedback can say why.
ALTER TABLE answers ADD COLUMN practised_at TEXT;

-- The reveal looks up, for the question it scores, which members practised it in the server.
CREATE INDEX quizzes_by_question ON quizzes (guild_id, question_id);
