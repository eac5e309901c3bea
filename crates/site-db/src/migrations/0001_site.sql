-- The site database, version 1 (R8.1): one school's kiosks, their events as each kiosk last
-- pushed them, and the site's settings. Each kiosk owns its own rows: it records, writes back
-- and updates them; the others only read them.

CREATE TABLE site (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    -- Wonde's id of the school: a kiosk of another school is refused.
    school_id  TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE kiosks (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Taken by every upsert while the pushing transaction holds the site's change lock, so rows
-- become visible in `changed` order and a reader that has seen `changed` = n has seen all below.
CREATE SEQUENCE event_changes;

CREATE TABLE events (
    kiosk_id           TEXT NOT NULL REFERENCES kiosks (id),
    local_id           BIGINT NOT NULL,
    -- The kiosk's own count of changes: an older copy never replaces a newer one.
    version            BIGINT NOT NULL,
    changed            BIGINT NOT NULL,
    kind               TEXT NOT NULL,
    student_upi        TEXT,
    person_name        TEXT NOT NULL,
    year               TEXT,
    registration_group TEXT,
    occurred_at        TIMESTAMPTZ NOT NULL,
    school_date        DATE NOT NULL,
    reason             TEXT,
    reason_typed       BOOLEAN NOT NULL,
    collected_by       TEXT,
    collector_known    BOOLEAN NOT NULL,
    status             TEXT NOT NULL,
    cause              TEXT,
    session            TEXT,
    code               TEXT,
    clock_off_minutes  BIGINT,
    attempts           BIGINT NOT NULL,
    last_outcome       TEXT,
    updated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kiosk_id, local_id)
);
CREATE INDEX events_changed ON events (changed);
CREATE INDEX events_by_day ON events (school_date, occurred_at);

CREATE TABLE settings (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    version   BIGINT NOT NULL,
    document  JSONB NOT NULL,
    saved_by  TEXT NOT NULL REFERENCES kiosks (id),
    saved_at  TIMESTAMPTZ NOT NULL
);
