// The kiosk's only door to the Rust core: Tauri's `invoke` and `listen`, wrapped once.
// Every failure becomes a KioskError whose message is the backend's own sentence, ready to show.

/** An error whose message is a plain sentence for the person at the kiosk. */
export class KioskError extends Error {}

function tauri() {
  const t = window.__TAURI__;
  if (!t || !t.core || typeof t.core.invoke !== 'function') {
    throw new KioskError('The kiosk app is not running. Please ask at reception.');
  }
  return t;
}

const FALLBACK = 'Something went wrong. Please try again or ask at reception.';

/** The sentence inside whatever `invoke` rejected with (a string from our commands). Tauri's own
 *  refusal of malformed arguments ("invalid args `query` for command ...") is for developers. */
function sentence(e) {
  if (typeof e === 'string' && e.startsWith('invalid args `')) return FALLBACK;
  if (typeof e === 'string' && e.trim()) return e;
  if (e && typeof e.message === 'string' && e.message.trim()) return e.message;
  return FALLBACK;
}

async function call(name, args) {
  const t = tauri();
  try {
    return await t.core.invoke(name, args);
  } catch (e) {
    throw new KioskError(sentence(e));
  }
}

/** { schoolName, demo, online, pending, lastImport, importing, inactivitySeconds, storageProblem } */
export const homeStatus = () => call('home_status');

/** { studentExactMatch, reasonExactMatch, typedCollectorAllowed } */
export const kioskSettings = () => call('kiosk_settings');

/** At most 8 pupils: [{ upi, name, year, registrationGroup }]. */
export const searchStudents = (query) => call('search_students', { query });

/** [{ label }] for "late_sign_in" or "early_sign_out"; upi is null for a typed name. */
export const reasons = (kind, upi) => call('reasons', { kind, upi });

/** [{ id, name, relationship }] */
export const contacts = (upi) => call('contacts', { upi });

/** [{ upi, name, year, registrationGroup, at }] */
export const signedOutToday = () => call('signed_out_today');

/** Records one event; resolves to { id, name, kind, time }. */
export const recordEvent = (event) => call('record_event', { event });

/** Calls cb(payload) on every pushed `sync-status` ({ online, pending }). */
export async function onSyncStatus(cb) {
  const t = window.__TAURI__;
  if (!t || !t.event || typeof t.event.listen !== 'function') return () => {};
  return t.event.listen('sync-status', (e) => cb(e && e.payload ? e.payload : {}));
}

/** Calls cb(payload) on every pushed event `name`; resolves to an unlisten function. */
export async function onEvent(name, cb) {
  const t = window.__TAURI__;
  if (!t || !t.event || typeof t.event.listen !== 'function') return () => {};
  return t.event.listen(name, (e) => cb(e && e.payload ? e.payload : {}));
}

// ---------- staff area (R5) ----------
// Every staff command but the PIN ones takes the `session` handed out by staffUnlock; an expired
// one rejects with "Please enter the staff PIN again." (staff.js sends the user back to the pad).

/** Number of configuration-check problems, for the badge on the Staff button (no session). */
export const staffCheckCount = () => call('staff_check_count');
/** { pinSet, lockedForSeconds } */
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
  event: 'staff_event', // { id } -> { row, attempts }
  retry: 'staff_retry', // { id } -> row
  exportCsv: 'staff_export_csv', // { from, to } -> { path, events }: the CSV file saved
  settings: 'staff_settings', // -> { settings, codes, connection, demo }
  saveSettings: 'staff_save_settings', // { settings }
  testConnection: 'staff_test_connection', // { schoolId, token } -> { schoolName, mis }
  saveConnection: 'staff_save_connection', // { schoolId, token }
  importNow: 'staff_import_now', // { full } -> { students, contacts, employees, codes }
  importRuns: 'staff_import_runs', // -> [{ startedAt, finishedAt, full, outcome, message }]
  people: 'staff_people', // { kind, query } -> [{ misId, name, detail, imported }]
  setImport: 'staff_set_import', // { kind, misId, imported }
  configCheck: 'staff_config_check', // -> [{ severity, title, detail }]
  onSite: 'staff_on_site', // -> [{ time, person, year, registrationGroup, type, reason, collectedBy }]
};

export function staff(session) {
  const out = {};
  for (const [key, name] of Object.entries(STAFF_COMMANDS)) {
    out[key] = (args = {}) => call(name, { session, ...args });
  }
  return out;
}
