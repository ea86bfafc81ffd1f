-- SQLite
DROP TABLE convocations;
DROP TABLE candidates;
