-- R7.2: a pupil's photo as the MIS holds it, shown beside the name on the check screen. Kept in
-- the database (0600, secure_delete) rather than as files; `version` is Wonde's hash or date of
-- the photo, so an unchanged one is not fetched again. It goes with the pupil: at the import that
-- archives them (a leaver), and with them when they are forgotten.
CREATE TABLE photos (
    student_upi  TEXT PRIMARY KEY REFERENCES students (upi) ON DELETE CASCADE,
    mime         TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    version      TEXT NOT NULL
);
