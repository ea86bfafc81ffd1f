-- Kiesdag initial schema (SQLite). Times are milliseconds since the Unix epoch;
-- JSON documents are text; booleans are 0/1 integers (shared with PostgreSQL).

CREATE TABLE elections (
    id TEXT PRIMARY KEY NOT NULL,
    config TEXT NOT NULL,
    -- The last event sequence number given out; gap-free per election.
    last_seq BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE municipalities (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE stations (
    id TEXT PRIMARY KEY NOT NULL,
    election_id TEXT NOT NULL REFERENCES elections(id),
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    number INTEGER NOT NULL,
    district TEXT,
    subarea TEXT,
    config TEXT NOT NULL,
    day TEXT NOT NULL,
    last_event_seq BIGINT NOT NULL DEFAULT 0,
    last_seen_at BIGINT
);
CREATE INDEX stations_by_municipality ON stations (municipality_code, district);

CREATE TABLE activation_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    station_id TEXT NOT NULL REFERENCES stations(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX activation_codes_by_station ON activation_codes (station_id);

CREATE TABLE devices (
    id TEXT PRIMARY KEY NOT NULL,
    station_id TEXT NOT NULL REFERENCES stations(id),
    token_id TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    last_processed_seq BIGINT NOT NULL DEFAULT 0,
    activated_at BIGINT NOT NULL
);

-- Every operation ever received, with its outcome, so that a repeated one gets the
-- same answer and is applied once.
CREATE TABLE operations (
    id TEXT PRIMARY KEY NOT NULL,
    device_id TEXT NOT NULL,
    device_seq BIGINT NOT NULL,
    station_id TEXT NOT NULL,
    accepted INTEGER NOT NULL,
    event_seq BIGINT,
    reject_code TEXT,
    reject_message TEXT
);

-- The append-only event log: one row per accepted operation or staff action.
CREATE TABLE events (
    election_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    station_id TEXT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    committed_at BIGINT NOT NULL,
    PRIMARY KEY (election_id, seq)
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    municipality_code TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    expires_at BIGINT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);

-- Append-only, hash-chained: each entry carries the hash of the one before.
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- One row: the head of the audit chain. Updating it first in a transaction
-- serialises appends across connections and server instances.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL,
    last_id BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
