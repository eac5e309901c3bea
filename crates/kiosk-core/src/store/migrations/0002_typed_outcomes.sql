-- Attempt outcomes become kinds (kiosk_model::AttemptOutcome's text form) instead of sentences:
-- the engine decides by the kind, the staff area shows its words. What an outcome referred to
-- (a writeback id, a code) moves to `detail`; a sentence this migration does not know is kept
-- whole as a `note`, so nothing recorded is lost.
ALTER TABLE attempts ADD COLUMN detail TEXT;

UPDATE attempts SET detail = substr(outcome, length('Accepted by Wonde as writeback ') + 1),
                    outcome = 'accepted'
 WHERE outcome LIKE 'Accepted by Wonde as writeback %';
UPDATE attempts SET detail = substr(outcome, length('The MIS already holds ') + 1,
                                    instr(outcome, ' from the send') - length('The MIS already holds ') - 1),
                    outcome = 'already_held'
 WHERE outcome LIKE 'The MIS already holds % from the send whose answer was lost%';
UPDATE attempts SET outcome = 'written' WHERE outcome = 'Written to the MIS';
UPDATE attempts SET outcome = 'refused' WHERE outcome IN ('Refused', 'Refused by the MIS');
UPDATE attempts SET outcome = 'will_retry' WHERE outcome = 'Will retry';
UPDATE attempts SET outcome = 'answer_lost' WHERE outcome LIKE 'Sent, but the answer was lost%';
UPDATE attempts SET outcome = 'status_unread' WHERE outcome LIKE 'Could not read the writeback%';
UPDATE attempts SET outcome = 'batch_refused' WHERE outcome LIKE 'Refused as part of a batch%';
UPDATE attempts SET detail = outcome, outcome = 'note'
 WHERE outcome NOT IN ('accepted', 'already_held', 'written', 'refused', 'will_retry',
                       'answer_lost', 'status_unread', 'batch_refused');
