-- R6.5: an event recorded while the tablet's clock was wrong keeps the time it was recorded with
-- and how far off the clock was (minutes, ahead positive), until staff confirm its time. NULL: the
-- clock was not known to be wrong. Such an event is held: nothing is written for it.
ALTER TABLE events ADD COLUMN clock_off_minutes INTEGER;
