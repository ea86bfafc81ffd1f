-- PostgreSQL
DROP TABLE personal_values;
DROP TABLE personal_keys;
