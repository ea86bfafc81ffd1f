-- SQLite
-- A refused operation sent again (its answer lost on the way) is answered from its
-- stored outcome: with the fields the rule concerns too (a JSON array), so the chair's
-- form points at them as the first answer did.
ALTER TABLE operations ADD COLUMN reject_fields TEXT;
