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

/** The sentence inside whatever `invoke` rejected with (a string from our commands). */
function sentence(e) {
  if (typeof e === 'string' && e.trim()) return e;
  if (e && typeof e.message === 'string' && e.message.trim()) return e.message;
  return 'Something went wrong. Please try again or ask at reception.';
}

async function call(name, args) {
  const t = tauri();
  try {
    return await t.core.invoke(name, args);
  } catch (e) {
    throw new KioskError(sentence(e));
  }
}

/** { schoolName, demo, online, pending, lastImport, inactivitySeconds } */
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
