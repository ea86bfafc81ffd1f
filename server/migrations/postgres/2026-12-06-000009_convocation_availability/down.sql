ALTER TABLE convocations DROP COLUMN availability;
