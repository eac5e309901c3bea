// The kiosk's only door to the Rust core: Tauri's `invoke` and `listen`, wrapped once.
// Every failure becomes a KioskError: `code` says what kind of refusal it is (contract.js ERROR)
// and `message` is the backend's own sentence, ready to show.

import { ERROR } from './contract.js';

/**
 * @typedef {import('./contract.js').HomeStatus} HomeStatus
 * @typedef {import('./contract.js').KioskSettings} KioskSettings
 * @typedef {import('./contract.js').Pupil} Pupil
 * @typedef {import('./contract.js').SignedOut} SignedOut
 * @typedef {import('./contract.js').CardMatch} CardMatch
 * @typedef {import('./contract.js').Reason} Reason
 * @typedef {import('./contract.js').NewEvent} NewEvent
 * @typedef {import('./contract.js').Recorded} Recorded
 * @typedef {import('./contract.js').PinStatus} PinStatus
 */

/** A refusal: `code` for the UI to act on (null when the core sent no code), `message` to show. */
export class KioskError extends Error {
  constructor(message, code = null) {
    super(message);
    this.code = code;
  }
}

function tauri() {
  const t = window.__TAURI__;
  if (!t || !t.core || typeof t.core.invoke !== 'function') {
    throw new KioskError('The kiosk app is not running. Please ask at reception.');
  }
  return t;
}

const FALLBACK = 'Something went wrong. Please try again or ask at reception.';
const said = (text) => (typeof text === 'string' && text.trim() ? text : FALLBACK);

/** Whatever `invoke` rejected with, as a KioskError: our commands' { code, message }; a bare
 *  sentence from a core older than the codes; or Tauri's own refusal of malformed arguments
 *  ("invalid args `query` for command ..."), which is for developers, not the screen. */
function refusal(e) {
  if (typeof e === 'string') {
    return e.startsWith('invalid args `') ? new KioskError(FALLBACK, ERROR.BAD_ARGS) : new KioskError(said(e));
  }
  const code = e && typeof e.code === 'string' ? e.code : null;
  return new KioskError(said(e && e.message), code);
}

async function call(name, args) {
  const t = tauri();
  try {
    return await t.core.invoke(name, args);
  } catch (e) {
    throw refusal(e);
  }
}

/** @returns {Promise<HomeStatus>} */
export const homeStatus = () => call('home_status');

/** @returns {Promise<KioskSettings>} */
export const kioskSettings = () => call('kiosk_settings');

/** At most 8 pupils. @returns {Promise<Pupil[]>} */
export const searchStudents = (query) => call('search_students', { query });

/** The reasons for "late_sign_in" or "early_sign_out"; upi is null for a typed name.
 *  @returns {Promise<Reason[]>} */
export const reasons = (kind, upi) => call('reasons', { kind, upi });

/** The pupil a card reader's scan names (R7.1); CARD_UNKNOWN when none. @returns {Promise<CardMatch>} */
export const cardLookup = (scanned) => call('card_lookup', { scanned });

/** The pupil's photo as a data: URL, or null (none, or photos off: R7.2). @returns {Promise<string|null>} */
export const studentPhoto = (upi) => call('student_photo', { upi });

/** @returns {Promise<SignedOut[]>} */
export const signedOutToday = () => call('signed_out_today');

/** Records one event. @param {NewEvent} event @returns {Promise<Recorded>} */
export const recordEvent = (event) => call('record_event', { event });

/** Calls cb(payload) on every pushed event `name` (contract.js EVENTS); resolves to an unlisten
 *  function. */
export async function onEvent(name, cb) {
  const t = window.__TAURI__;
  if (!t || !t.event || typeof t.event.listen !== 'function') return () => {};
  return t.event.listen(name, (e) => cb(e && e.payload ? e.payload : {}));
}

// ---------- staff area (R5) ----------
// Every staff command but the PIN ones takes the `session` handed out by staffUnlock; an expired
// one rejects with code SESSION_EXPIRED (staff.js sends the user back to the pad).

/** Number of configuration-check problems, for the badge on the Staff button (no session). */
export const staffCheckCount = () => call('staff_check_count');
/** @returns {Promise<PinStatus>} */
export const staffPinStatus = () => call('staff_pin_status');
/** currentPin is null only on first run. */
export const staffSetPin = (pin, currentPin) => call('staff_set_pin', { pin, currentPin });
/** { session } */
export const staffUnlock = (pin) => call('staff_unlock', { pin });
export const staffLock = (session) => call('staff_lock', { session });

/**
 * The staff commands that take a session, by their contract names: staff(session).log({...}) calls
 * `staff_log` with { session, ...args }.
 */
const STAFF_COMMANDS = {
  log: 'staff_log', // { date, status, kind, text } -> { rows, counts }
  // { id } -> { row, attempts, collector: { name, relationship, parentalResponsibility } | null,
  //   clock: { offMinutes, recorded, byWonde } | null }
  event: 'staff_event',
  retry: 'staff_retry', // { id } -> row
  retryFailedToday: 'staff_retry_failed_today', // -> number of events queued again
  // An event recorded on a wrong clock: { id, byWonde } -> row, its time confirmed (R6.5).
  confirmTime: 'staff_confirm_time',
  exportCsv: 'staff_export_csv', // { from, to } -> { path, events }: the CSV file saved
  exports: 'staff_exports', // -> { folder, exports: [{ name, bytes, savedAt, events }] }, newest first; events null for a card sheet
  deleteExport: 'staff_delete_export', // { name } (one the list gave) -> the list, as `exports`
  settings: 'staff_settings', // -> { settings, codes, years, registrationGroups, connection, demo }
  saveSettings: 'staff_save_settings', // { settings }
  testConnection: 'staff_test_connection', // { schoolId, token } -> { schoolName, mis }
  saveConnection: 'staff_save_connection', // { schoolId, token }
  importNow: 'staff_import_now', // { full, acceptLargeArchive } -> { students, contacts, employees, codes }
  importRuns: 'staff_import_runs', // -> [{ startedAt, finishedAt, full, outcome, message }]
  people: 'staff_people', // { kind, query } -> [{ misId, name, detail, imported }]
  setImport: 'staff_set_import', // { kind, misId, imported }
  // A pupil's contacts: [{ contact, name, relationship, parentalResponsibility, allowedToCollect,
  // mayCollect, canBeAllowed }]; the kiosk's screens never get this list (R6.7).
  collectors: 'staff_collectors', // { misId }
  setCollector: 'staff_set_collector', // { misId, contact, allowed }
  configCheck: 'staff_config_check', // -> [{ severity, title, detail }]
  onSite: 'staff_on_site', // -> [{ time, person, year, registrationGroup, type, reason, collectedBy, collectorUnknown }]
  printOnSite: 'staff_print_on_site', // -> { printer, job, rows }: sent to the printer in Settings
  // A sheet of QR cards (R7.1): { year, registrationGroup (one of them), print } -> { name, cards, job }
  cardSheet: 'staff_card_sheet',
  reissueCard: 'staff_reissue_card', // { misId } -> { name }: the pupil's old card stops working
};

export function staff(session) {
  const out = {};
  for (const [key, name] of Object.entries(STAFF_COMMANDS)) {
    out[key] = (args = {}) => call(name, { session, ...args });
  }
  return out;
}
