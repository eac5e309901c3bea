// An in-memory stand-in for the Rust core, installed as `window.__TAURI__` before the kiosk's
// scripts run. It answers the fixed backend contract (home_status, kiosk_settings,
// search_students, reasons, signed_out_today, record_event), records every call in
// `window.__fake.calls` so tests can check what the UI sent, and lets a test push events with
// `window.__fake.emit(name, payload)`.
//
// Refusals are { code, message } as the core sends them, with the codes of ui/contract.js; only
// Tauri's own refusals (an unknown command, malformed arguments) are bare strings.
//
// `installFakeTauri` is serialised into the page by Playwright, so it must not use anything
// from this file's scope: what it needs of ui/contract.js reaches it as `config.contract`. The
// staff commands are in fake-staff.js (`config.staff`).

const { STAFF_DEFAULTS } = require('./fake-staff.js');
const { ERROR, KINDS, STATUSES, EVENTS, PIN_RE } = require('../../ui/contract.js');

/** The fake school: same-name pupils, siblings with a shared parent, an accented name. */
const ROSTER = [
  { upi: 'A100', forename: 'Zoë', surname: "O'Brien", year: '9', registrationGroup: '9RB' },
  { upi: 'A200', forename: 'Amy', surname: 'Smith-Jones', year: '7', registrationGroup: '7JM' },
  { upi: 'A201', forename: 'Ben', surname: 'Smith-Jones', year: '10', registrationGroup: '10KP' },
  { upi: 'A300', forename: 'Sam', surname: 'Patel', year: '8', registrationGroup: '8AB' },
  { upi: 'A301', forename: 'Sam', surname: 'Patel', year: '11', registrationGroup: '11CD' },
  { upi: 'A400', forename: 'Oliver', surname: 'Brown', year: '7', registrationGroup: '7JM' },
  { upi: 'A401', forename: 'Olivia', surname: 'Bryant', year: '12', registrationGroup: '12SF' },
  { upi: 'A500', forename: 'Chloé', surname: 'Martin', year: '9', registrationGroup: '9RB', preferred: 'Clo' },
  { upi: 'A600', forename: 'Jack', surname: 'Smith', year: '8', registrationGroup: '8AB' },
];

const REASONS = {
  late_sign_in: [{ label: 'Medical appointment' }, { label: 'Transport delay' }, { label: 'Overslept' }],
  early_sign_out: [{ label: 'Medical appointment' }, { label: 'Illness' }, { label: 'Family event' }],
};

const DEFAULTS = {
  home: {
    schoolName: 'Riverside Academy',
    demo: true,
    online: true,
    pending: 0,
    lastImport: null, // filled in the page as "today 07:02" so the strip reads the same every run
    inactivitySeconds: 60,
    storageProblem: null, // the backend's sentence while nothing can be saved (disk full)
  },
  settings: { studentExactMatch: true, reasonExactMatch: true },
  roster: ROSTER,
  reasons: REASONS,
  signedOutToday: [
    { upi: 'A300', name: 'Sam Patel', year: '8', registrationGroup: '8AB', at: '10:15' },
  ],
  /** Times handed out by record_event, in order; the last one repeats. */
  times: ['09:42'],
  /** Command name -> queue of refusals, one per call: { code, message } as the core sends it, a
   *  bare string as Tauri itself does, or { skip, error } to let `skip` calls through first. */
  failures: {},
  /** The staff area's state: PIN, events, settings, codes, people, import runs (fake-staff.js). */
  staff: STAFF_DEFAULTS,
};

function installFakeTauri(config) {
  /** A refusal as the core sends it; a code ui/contract.js lacks is the test's own mistake. */
  const refusal = (code, message) => {
    if (!(code in config.contract.errors)) throw new Error(`no such error code ${code}`);
    return { code, message };
  };
  const fold = (s) => String(s).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const calls = [];
  const listeners = {};
  let eventId = 0;
  let timeIndex = 0;

  const fullName = (p) => `${p.preferred || p.forename} ${p.surname}`;

  function search(query) {
    const q = fold(query).trim().replace(/\s+/g, ' ');
    if ((q.match(/\p{L}/gu) || []).length < 2) return [];
    const found = config.roster.filter((p) => {
      const names = [p.forename, p.preferred, p.surname].filter(Boolean).map(fold);
      const forms = [
        `${fold(p.forename)} ${fold(p.surname)}`,
        p.preferred ? `${fold(p.preferred)} ${fold(p.surname)}` : null,
        `${fold(p.surname)} ${fold(p.forename)}`,
      ].filter(Boolean);
      const words = names.flatMap((n) => n.split(/[\s-]+/));
      return forms.some((f) => f.startsWith(q)) || names.some((n) => n.startsWith(q))
        || words.some((w) => w.startsWith(q));
    });
    return found.slice(0, 8).map((p) => ({
      upi: p.upi, name: fullName(p), year: p.year, registrationGroup: p.registrationGroup,
    }));
  }

  const handlers = {
    home_status: () => ({ ...config.home }),
    kiosk_settings: () => ({ ...config.settings }),
    search_students: ({ query }) => search(query),
    reasons: ({ kind, upi }) => {
      if (upi && config.noReasonsFor && config.noReasonsFor.includes(upi)) return [];
      return (config.reasons[kind] || []).map((r) => ({ ...r }));
    },
    signed_out_today: () => config.signedOutToday.map((p) => ({ ...p })),
    student_photo: () => null,
    record_event: ({ event }) => {
      const time = config.times[Math.min(timeIndex, config.times.length - 1)];
      timeIndex += 1;
      eventId += 1;
      const p = event.upi ? config.roster.find((r) => r.upi === event.upi) : null;
      if (event.upi && !p) throw refusal('INVALID', 'That pupil is not on the roster.');
      return { id: eventId, name: p ? fullName(p) : event.typedName, kind: event.kind, time };
    },
  };

  window.__fake = {
    calls,
    handlers,
    refusal,
    callsTo: (name) => calls.filter((c) => c.name === name).map((c) => c.args),
    emit(name, payload) {
      for (const cb of listeners[name] || []) cb({ event: name, id: 0, payload });
    },
    /** Fails the call to `name` after `skip` more go through, with `error` ({ code, message }, or
     *  a bare string for Tauri's own refusals). */
    failNext(name, error, skip = 0) {
      (config.failures[name] = config.failures[name] || []).push({ skip, error });
    },
    setHome(patch) { Object.assign(config.home, patch); },
  };

  window.__TAURI__ = {
    core: {
      invoke(name, args) {
        const copy = args === undefined ? undefined : JSON.parse(JSON.stringify(args));
        calls.push({ name, args: copy });
        return new Promise((resolve, reject) => {
          const answer = () => {
            const queued = config.failures[name];
            if (queued && queued.length) {
              const f = queued[0];
              if (f && f.skip > 0) {
                f.skip -= 1; // let this call through; fail a later one
              } else {
                queued.shift();
                reject(f && 'skip' in f ? f.error : f);
                return;
              }
            }
            const h = handlers[name];
            if (!h) { reject(`Unknown command ${name}`); return; }
            try { resolve(h(copy || {})); } catch (e) { reject(e); }
          };
          // No timer unless asked: tests that fake the page's clock must not freeze the backend.
          if (config.latencyMs) setTimeout(answer, config.latencyMs); else queueMicrotask(answer);
        });
      },
    },
    event: {
      listen(name, cb) {
        (listeners[name] = listeners[name] || []).push(cb);
        return Promise.resolve(() => {
          listeners[name] = (listeners[name] || []).filter((x) => x !== cb);
        });
      },
    },
  };
}

/** The fake's configuration: DEFAULTS with `overrides` merged one level deep, and the contract. */
function fakeConfig(overrides = {}) {
  const c = JSON.parse(JSON.stringify(DEFAULTS));
  c.contract = { errors: ERROR, kinds: KINDS, statuses: STATUSES, events: EVENTS, pin: PIN_RE.source };
  for (const [k, v] of Object.entries(overrides)) {
    c[k] = v && typeof v === 'object' && !Array.isArray(v) && c[k] && typeof c[k] === 'object' && !Array.isArray(c[k])
      ? { ...c[k], ...v }
      : v;
  }
  return c;
}

module.exports = { installFakeTauri, fakeConfig, ROSTER };
