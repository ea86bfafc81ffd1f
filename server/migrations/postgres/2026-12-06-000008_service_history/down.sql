DROP TABLE service_history;
