-- PostgreSQL
ALTER TABLE devices DROP COLUMN revoked_at;
DROP INDEX refresh_tokens_by_family;
ALTER TABLE refresh_tokens DROP COLUMN family;
ALTER TABLE users DROP COLUMN tokens_valid_after;
ALTER TABLE users DROP COLUMN disabled;
ALTER TABLE operations DROP CONSTRAINT operations_pkey;
ALTER TABLE operations ADD PRIMARY KEY (id);
