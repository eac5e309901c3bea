-- R7.1: a card reader types a pupil's admission number, UPN, MIS id or the kiosk's own card
-- code. The two identifiers come with the import; the card codes are the kiosk's, random (a lost
-- card reveals nothing), one current per pupil. A revoked code is kept so its scan can say the
-- card was replaced; all go with the pupil.
ALTER TABLE students ADD COLUMN admission_number TEXT;
ALTER TABLE students ADD COLUMN upn TEXT;
CREATE INDEX students_admission_number ON students (admission_number);
CREATE INDEX students_upn ON students (upn);

CREATE TABLE card_codes (
    code         TEXT PRIMARY KEY,
    student_upi  TEXT NOT NULL REFERENCES students (upi) ON DELETE CASCADE,
    issued_at    TEXT NOT NULL,
    revoked_at   TEXT
);
CREATE UNIQUE INDEX card_codes_current ON card_codes (student_upi) WHERE revoked_at IS NULL;
