-- PostgreSQL
ALTER TABLE operations DROP COLUMN reject_fields;
