-- SQLite
DROP INDEX events_by_station;
