-- SQLite
-- Counting offices (telbureaus) of Flemish paper-voting municipalities (issue 19):
-- on the day the main office links each to the stations whose ballots it counts, and
-- enters its result. One row per office; who holds it for entering (a claim) and
-- whether the main office's chair locked it are part of the row. No names: the
-- holder and the chair are user ids, their usernames read from users when shown.
CREATE TABLE counting_offices (
    election_id TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    number INTEGER NOT NULL,
    name TEXT NOT NULL,
    linked_at BIGINT NOT NULL,
    -- The result as JSON (shared::domain::ProvisionalResult) once entered, the codes
    -- of the warnings confirmed with it (JSON list), who entered it and when.
    result TEXT,
    confirmed_warnings TEXT,
    entered_by TEXT,
    entered_at BIGINT,
    -- Who holds the office for entering, since when; never expires by itself.
    claimed_by TEXT,
    claimed_at BIGINT,
    -- Locked by the main office's chair: its result cannot change.
    locked_by TEXT,
    locked_at BIGINT,
    PRIMARY KEY (election_id, municipality_code, number)
);
-- The stations an office counts for; a station's ballots go to one office at most.
CREATE TABLE counting_office_stations (
    election_id TEXT NOT NULL,
    station_id TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    office_number INTEGER NOT NULL,
    PRIMARY KEY (election_id, station_id)
);
CREATE INDEX counting_office_stations_by_office
    ON counting_office_stations (election_id, municipality_code, office_number);
