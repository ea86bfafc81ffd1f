-- PostgreSQL
-- A device's session start reads its station's control-room messages: without this
-- index every hello scanned the whole event log (a reconnect storm of 10,000 stations
-- then never caught up; docs/benchmarks.md).
CREATE INDEX events_by_station ON events (station_id, seq);
