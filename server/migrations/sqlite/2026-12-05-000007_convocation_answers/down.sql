-- SQLite
DROP INDEX convocations_by_answer_code;
ALTER TABLE convocations DROP COLUMN answered_at;
ALTER TABLE convocations DROP COLUMN answer_code_expires_at;
ALTER TABLE convocations DROP COLUMN answer_code_hash;
