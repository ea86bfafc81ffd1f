-- SQLite
-- Convocation (issue "Before and around the day"): the people a municipality may
-- call on to staff its stations, per election, and the station and role each is
-- assigned with where their answer stands. Personal data (docs/privacy.md): deleted
-- by the election's purge.
CREATE TABLE candidates (
    election_id TEXT NOT NULL REFERENCES elections(id),
    id TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    -- The candidate as JSON (shared::domain::convocation::Candidate).
    person TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (election_id, id)
);
CREATE TABLE convocations (
    election_id TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    station_id TEXT NOT NULL REFERENCES stations(id),
    role TEXT NOT NULL,
    -- proposed, invited, confirmed, declined
    status TEXT NOT NULL,
    decline_reason TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (election_id, candidate_id),
    FOREIGN KEY (election_id, candidate_id) REFERENCES candidates(election_id, id)
);
CREATE INDEX convocations_by_station ON convocations (station_id);
