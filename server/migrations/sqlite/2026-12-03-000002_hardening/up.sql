-- SQLite
-- Operation ids are deduplicated per device, never across devices: one device can
-- no longer make another's report vanish by sending its id first.
CREATE TABLE operations_by_device (
    device_id TEXT NOT NULL,
    id TEXT NOT NULL,
    device_seq BIGINT NOT NULL,
    station_id TEXT NOT NULL,
    accepted INTEGER NOT NULL,
    event_seq BIGINT,
    reject_code TEXT,
    reject_message TEXT,
    PRIMARY KEY (device_id, id)
);
INSERT INTO operations_by_device
    (device_id, id, device_seq, station_id, accepted, event_seq, reject_code, reject_message)
    SELECT device_id, id, device_seq, station_id, accepted, event_seq, reject_code, reject_message
    FROM operations;
DROP TABLE operations;
ALTER TABLE operations_by_device RENAME TO operations;

-- A staff user can be disabled; tokens issued before `tokens_valid_after` (seconds)
-- are refused.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN tokens_valid_after BIGINT NOT NULL DEFAULT 0;

-- Refresh tokens of one sign-in form a family: a reused token revokes the family.
ALTER TABLE refresh_tokens ADD COLUMN family TEXT NOT NULL DEFAULT '';
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family);

-- When a device was revoked, so that running servers close its sessions.
ALTER TABLE devices ADD COLUMN revoked_at BIGINT;
