-- SQLite
-- A convoked person answers through a personal link (no account): its code is
-- stored only as a hash, expires, and is revoked by replacing or clearing it.
ALTER TABLE convocations ADD COLUMN answer_code_hash TEXT;
ALTER TABLE convocations ADD COLUMN answer_code_expires_at BIGINT;
ALTER TABLE convocations ADD COLUMN answered_at BIGINT;
CREATE UNIQUE INDEX convocations_by_answer_code ON convocations (answer_code_hash);
