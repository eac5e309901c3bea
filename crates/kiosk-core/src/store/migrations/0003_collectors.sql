-- R6.7, R10.1: the kiosk no longer lists a child's contacts. The collecting adult types their
-- name; `collector_contact` is the contact it matched (NULL: recorded as typed, for the office
-- to check). Events recorded before this version picked a listed name: they are left NULL, as
-- nobody checked them against anything.
ALTER TABLE events ADD COLUMN collector_contact TEXT;

-- Contacts staff have marked as allowed to collect a child who hold no parental responsibility
-- (a childminder, a grandparent). Kept across imports, so not in `student_contacts`, which an
-- import rewrites; rows whose pupil or contact is gone are removed with them (retention.rs).
CREATE TABLE collection_permissions (
    student_upi TEXT NOT NULL,
    contact_upi TEXT NOT NULL,
    granted_at  TEXT NOT NULL,
    PRIMARY KEY (student_upi, contact_upi)
);
