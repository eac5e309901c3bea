-- Reception Kiosk schema, version 1. Instants are RFC 3339 UTC text; school dates are local
-- YYYY-MM-DD text. People imported from the MIS are keyed on Wonde's `upi`, which survives
-- re-enrolment; `wonde_id` is the id writebacks must use.

CREATE TABLE school (
    singleton         INTEGER PRIMARY KEY CHECK (singleton = 1),
    wonde_id          TEXT NOT NULL,
    name              TEXT NOT NULL,
    mis               TEXT NOT NULL,
    allows_writeback  INTEGER NOT NULL,
    has_lesson_attendance INTEGER NOT NULL,
    domain            TEXT,
    updated_at        TEXT NOT NULL
);

CREATE TABLE groups (
    wonde_id  TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,            -- year | registration | other
    code      TEXT
);

CREATE TABLE students (
    upi                 TEXT PRIMARY KEY,
    wonde_id            TEXT NOT NULL,
    mis_id              TEXT,
    forename            TEXT NOT NULL,
    preferred_forename  TEXT,
    surname             TEXT NOT NULL,
    year                TEXT,
    registration_group  TEXT,
    archived            INTEGER NOT NULL DEFAULT 0,
    updated_at          TEXT NOT NULL
);
CREATE INDEX students_mis_id ON students (mis_id);

CREATE TABLE contacts (
    upi        TEXT PRIMARY KEY,
    wonde_id   TEXT NOT NULL,
    mis_id     TEXT,
    title      TEXT,
    forename   TEXT NOT NULL,
    surname    TEXT NOT NULL,
    archived   INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);

CREATE TABLE student_contacts (
    student_upi  TEXT NOT NULL REFERENCES students (upi) ON DELETE CASCADE,
    contact_upi  TEXT NOT NULL REFERENCES contacts (upi) ON DELETE CASCADE,
    relationship TEXT,
    parental_responsibility INTEGER,
    priority     INTEGER,
    PRIMARY KEY (student_upi, contact_upi)
);
CREATE INDEX student_contacts_contact ON student_contacts (contact_upi);

CREATE TABLE employees (
    id         INTEGER PRIMARY KEY,
    upi        TEXT UNIQUE,
    wonde_id   TEXT,
    mis_id     TEXT UNIQUE,
    source     TEXT NOT NULL,           -- mis | csv
    title      TEXT,
    forename   TEXT NOT NULL,
    surname    TEXT NOT NULL,
    email      TEXT,
    role       TEXT,
    archived   INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);

CREATE TABLE attendance_codes (
    wonde_id    TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    description TEXT,
    kind        TEXT
);
CREATE INDEX attendance_codes_code ON attendance_codes (code);

-- R1.4: people staff chose not to import, by MIS id, kept across imports.
CREATE TABLE exclusions (
    person_kind TEXT NOT NULL,          -- student | employee
    mis_id      TEXT NOT NULL,
    PRIMARY KEY (person_kind, mis_id)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The queue and the log: one row per sign-in or sign-out, never deleted but by retention.
CREATE TABLE events (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT NOT NULL,   -- late_sign_in | early_sign_out | return
    student_upi        TEXT,            -- NULL for a typed name
    person_name        TEXT NOT NULL,   -- as shown at the time, for the log
    year               TEXT,
    registration_group TEXT,
    occurred_at        TEXT NOT NULL,
    school_date        TEXT NOT NULL,
    reason             TEXT,
    reason_typed       INTEGER NOT NULL DEFAULT 0,
    collected_by       TEXT,
    status             TEXT NOT NULL DEFAULT 'pending',
    cause              TEXT,
    session            TEXT,
    code               TEXT,
    writeback_id       TEXT,
    next_attempt_at    TEXT,
    recorded_at        TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX events_by_day ON events (school_date, occurred_at);
CREATE INDEX events_by_status ON events (status, occurred_at);

-- R4.7: every writeback attempt of an event.
CREATE TABLE attempts (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    started_at   TEXT NOT NULL,
    duration_ms  INTEGER NOT NULL,
    sent         TEXT NOT NULL,
    http_status  INTEGER,
    mis_message  TEXT,
    outcome      TEXT NOT NULL
);
CREATE INDEX attempts_by_event ON attempts (event_id);

CREATE TABLE import_runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    full        INTEGER NOT NULL,
    outcome     TEXT NOT NULL,          -- running | succeeded | failed
    message     TEXT,
    students    INTEGER,
    contacts    INTEGER,
    employees   INTEGER,
    codes       INTEGER
);
