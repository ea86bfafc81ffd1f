-- PostgreSQL
-- Personal texts out of the audit chain (docs/privacy.md): an audit entry holds a
-- reference (a keyed digest of the text) where a report held a name or a free text,
-- and the text itself is kept here, per scope ("election:<id>"). Purging an election
-- deletes its values and its key; the chain, which hashes the references, still
-- verifies, and a reference then leads to nobody.
CREATE TABLE personal_keys (
    scope TEXT PRIMARY KEY NOT NULL,
    key_hex TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE personal_values (
    scope TEXT NOT NULL,
    reference TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (scope, reference)
);
