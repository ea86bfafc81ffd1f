-- SQLite
-- A convoked person may, instead of accepting or declining, say when they are
-- available (a shift, another day part): their words, for the administrator who
-- reassigns them. Personal data (docs/privacy.md): deleted by the election's purge.
ALTER TABLE convocations ADD COLUMN availability TEXT;
