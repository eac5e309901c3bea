// The words the window and the Rust core share: error codes, event kinds, statuses, the names of
// pushed events, and the shapes of what each command answers. api.js and the test fakes
// (tests/ui/fake-*.js) both read this file, so a fake cannot drift from what the UI expects.

/**
 * What a refusal is about; the UI decides on these, never on the sentence beside them.
 * Every command rejects with { code, message }: `message` is a sentence for the person in front of
 * the screen.
 */
export const ERROR = Object.freeze({
  /** Input refused: show the sentence. */
  INVALID: 'INVALID',
  /** The disk cannot be written: nothing was kept. */
  NOT_SAVED: 'NOT_SAVED',
  /** The data could not be read or saved. */
  STORE: 'STORE',
  /** The staff session is over: back to the PIN pad. */
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  /** A wrong PIN; the sentence says how many tries are left. */
  PIN_WRONG: 'PIN_WRONG',
  /** Too many wrong tries: `staff_pin_status` says for how long the pad stays paused. */
  PIN_PAUSED: 'PIN_PAUSED',
  PIN_NOT_SET: 'PIN_NOT_SET',
  /** The school's names are still loading. */
  ROSTER_LOADING: 'ROSTER_LOADING',
  /** A Wonde connection test or import failed. */
  CONNECTION: 'CONNECTION',
  /** A full import would archive many pupils or contacts at once: staff may confirm and run it. */
  IMPORT_NEEDS_CONFIRM: 'IMPORT_NEEDS_CONFIRM',
  /** Nothing printed: no printer is set in Settings. */
  PRINTER_NOT_SET: 'PRINTER_NOT_SET',
  /** Nothing printed: CUPS is missing or the printer refused; the sentence says which. */
  PRINT_FAILED: 'PRINT_FAILED',
  /** A scanned card names no current pupil (unknown, replaced, unreadable, cards off): the
   *  sentence says which, and the kiosk offers the name search. */
  CARD_UNKNOWN: 'CARD_UNKNOWN',
  /** Tauri itself refused malformed arguments (a developer's mistake, never the user's). */
  BAD_ARGS: 'BAD_ARGS',
});

/** The kiosk's three journeys and the event kind each records. */
export const KIND = Object.freeze({ late: 'late_sign_in', early: 'early_sign_out', return: 'return' });

/** Event kinds as the staff log names them. */
export const KINDS = Object.freeze([
  { id: KIND.late, label: 'Late sign-in' },
  { id: KIND.early, label: 'Early sign-out' },
  { id: KIND.return, label: 'Returned' },
]);

/** Writeback statuses as the backend sends them, with their words and their key in `counts`. */
export const STATUSES = Object.freeze([
  { id: 'pending', label: 'Pending', count: 'pending' },
  { id: 'successful', label: 'Successful', count: 'successful' },
  { id: 'failed', label: 'Failed', count: 'failed' },
  { id: 'not_required', label: 'Not Required', count: 'notRequired' },
  { id: 'expired', label: 'Expired', count: 'expired' },
]);

/** Events the core pushes to the window. */
export const EVENTS = Object.freeze({
  /** SyncStatus */
  syncStatus: 'sync-status',
  /** LogRow */
  eventChanged: 'event-changed',
  /** { stage, done, total } while an import runs */
  importProgress: 'import-progress',
  /** the first import is in: home asks again */
  rosterReady: 'roster-ready',
});

/** Why the sync engine holds the queue (`paused` in SyncStatus), as the status strip says it. */
export const PAUSES = Object.freeze({
  token_refused: 'Writeback paused: Wonde refused the kiosk\'s token. Staff: check the connection.',
  other_engine: 'Writeback paused: kioskctl sync is writing back for this kiosk.',
  settings_damaged: 'Writeback paused: the kiosk\'s settings cannot be read. Staff: save the settings again.',
  clock_wrong: 'Writeback paused: the tablet\'s clock is wrong by {wrongBy}. Staff: set the clock.',
});

/** How far off the tablet's clock is, in words: "3 minutes", "15 hours", "2 days". */
export function clockOffBy(minutes) {
  const m = Math.abs(Number(minutes) || 0);
  const [n, unit] = m >= 2880 ? [Math.round(m / 1440), 'day'] : m >= 120 ? [Math.round(m / 60), 'hour'] : [m, 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** What the school's card readers type (the setting `card_field`, R7.1), as Settings offers it. */
export const CARD_FIELDS = Object.freeze([
  ['card_code', "Only the kiosk's own QR cards"],
  ['admission_number', 'Admission number (and QR cards)'],
  ['mis_id', 'MIS id (and QR cards)'],
  ['upn', 'UPN (and QR cards)'],
  ['off', 'No cards'],
]);

/** A new staff PIN is 6 to 8 digits (the core also refuses one digit over and over, or a run). */
export const PIN_RE = /^\d{6,8}$/;

/**
 * @typedef {{ code: keyof typeof ERROR | null, message: string }} Refusal
 * @typedef {{ schoolName: string|null, demo: boolean, online: boolean|null, pending: number,
 *   lastImport: string|null, importing: boolean, inactivitySeconds: number,
 *   storageProblem: string|null, timeZone: string|null,
 *   paused: keyof typeof PAUSES|null, clockWrongBy: number|null }} HomeStatus
 * @typedef {{ studentExactMatch: boolean, reasonExactMatch: boolean }} KioskSettings
 * @typedef {{ upi: string, name: string, year: string|null, registrationGroup: string|null }} Pupil
 * @typedef {Pupil & { at: string }} SignedOut
 * @typedef {{ pupil: Pupil, lateToday: string|null }} CardMatch
 * @typedef {{ label: string }} Reason
 * @typedef {{ kind: string, upi: string|null, typedName: string|null, reason: string|null,
 *   reasonTyped: boolean, collectedBy: string|null }} NewEvent
 * @typedef {{ id: number, name: string, kind: string, time: string }} Recorded
 * @typedef {{ online?: boolean|null, pending?: number, paused?: keyof typeof PAUSES|null,
 *   clockWrongBy?: number|null }} SyncStatus
 * @typedef {{ pinSet: boolean, lockedForSeconds: number }} PinStatus
 * @typedef {{ id: number, date: string, time: string, person: string, year: string|null,
 *   registrationGroup: string|null, kind: string, type: string, reason: string,
 *   collectedBy: string|null, session: string, code: string, status: string,
 *   statusLabel: string, cause: string, canRetry: boolean }} LogRow
 * @typedef {{ startedAt: string, durationMs: number, sent: string, httpStatus: number|null,
 *   misMessage: string|null, outcome: string }} Attempt
 * @typedef {{ startedAt: string, finishedAt: string|null, full: boolean, outcome: string,
 *   message: string|null }} ImportRun
 * @typedef {{ severity: string, title: string, detail: string }} CheckItem
 */
