-- PostgreSQL
DROP TABLE counting_office_stations;
DROP TABLE counting_offices;
