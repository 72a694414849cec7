-- A member's choice, after the reveal, to share their answer in the question's discussion thread
-- (the Share my answer button; never automatic): when they chose, whether their grade is shown,
-- and the message that carried it once Discord accepted it. NULL message while it is on its way,
-- so pressing again after a failure sends it again (deduplicated by its nonce).
ALTER TABLE answers ADD COLUMN shared_at TEXT;
ALTER TABLE answers ADD COLUMN share_grade INTEGER;
ALTER TABLE answers ADD COLUMN share_message_id INTEGER;
