-- PostgreSQL
DROP TABLE convocations;
DROP TABLE candidates;
