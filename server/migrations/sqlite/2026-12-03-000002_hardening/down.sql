-- SQLite
ALTER TABLE devices DROP COLUMN revoked_at;
DROP INDEX refresh_tokens_by_family;
ALTER TABLE refresh_tokens DROP COLUMN family;
ALTER TABLE users DROP COLUMN tokens_valid_after;
ALTER TABLE users DROP COLUMN disabled;
CREATE TABLE operations_by_id (
    id TEXT PRIMARY KEY NOT NULL,
    device_id TEXT NOT NULL,
    device_seq BIGINT NOT NULL,
    station_id TEXT NOT NULL,
    accepted INTEGER NOT NULL,
    event_seq BIGINT,
    reject_code TEXT,
    reject_message TEXT
);
INSERT OR IGNORE INTO operations_by_id
    SELECT id, device_id, device_seq, station_id, accepted, event_seq, reject_code, reject_message
    FROM operations;
DROP TABLE operations;
ALTER TABLE operations_by_id RENAME TO operations;
