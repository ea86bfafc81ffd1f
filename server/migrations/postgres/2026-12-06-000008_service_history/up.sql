-- PostgreSQL
-- The elections each person served in, kept across elections (issue "Before and
-- around the day": in Flanders who served twice may refuse a third time). Recorded
-- from the confirmed convocations when an election is finished; an election's purge
-- keeps it; `kiesdag staff forget` and `kiesdag staff history-prune` remove it
-- (docs/privacy.md).
CREATE TABLE service_history (
    -- The candidate's id: the municipality's code and its own person number.
    person_id TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    election_id TEXT NOT NULL,
    -- The service as JSON (shared::domain::convocation::Service).
    service TEXT NOT NULL,
    -- The election's day (ms since the epoch), for pruning by age.
    served_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, election_id)
);
CREATE INDEX service_history_by_municipality ON service_history (municipality_code);
