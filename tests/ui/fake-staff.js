// The staff commands of the fake backend (R5): a PIN with a lockout counter, sessions, a day's
// events of every status with their writeback attempts, the settings document with the MIS's
// codes, people with import exclusions, import runs with progress events, and a configuration
// check computed from the settings like the real one (a reason mapped to a code the MIS lacks).
// `installFakeStaff` runs in the page after installFakeTauri and adds its handlers there, so it
// must not use anything from this file's scope.

const STAFF_CODES = [
  { code: '/', description: 'Present (AM)' },
  { code: '\\', description: 'Present (PM)' },
  { code: 'L', description: 'Late (before registers closed)' },
  { code: 'U', description: 'Late (after registers closed)' },
  { code: 'M', description: 'Medical or dental appointment' },
  { code: 'I', description: 'Illness' },
  { code: 'C', description: 'Other authorised circumstances' },
  { code: 'O', description: 'Unauthorised absence' },
  { code: 'E', description: 'Suspended or excluded' },
];

const group = (over) => ({
  name: 'Everyone', years: [], registration_groups: [],
  am_late: '08:50', am_unauthorised: '09:20', pm_start: '13:15', pm_late: '13:25', pm_unauthorised: '13:45',
  present_writeback: true, late_code: 'L', unauthorised_code: 'U', present_am_code: '/', present_pm_code: '\\',
  early_leaver_code: null,
  reasons: [
    { label: 'Medical appointment', used_for: 'both', writeback: { mode: 'code', code: 'M' } },
    { label: 'Transport delay', used_for: 'late_sign_in', writeback: { mode: 'time_based' } },
    { label: 'Overslept', used_for: 'late_sign_in', writeback: { mode: 'time_based' } },
    { label: 'Illness', used_for: 'early_sign_out', writeback: { mode: 'code', code: 'I' } },
    { label: 'Family event', used_for: 'early_sign_out',
      writeback: { mode: 'time_bands', bands: [{ from: '09:00', code: 'C' }, { from: '12:00', code: 'O' }] } },
  ],
  protected_codes: ['M', 'E'], comment_writeback: true, minutes_late_writeback: false,
  ...over,
});

const ok = (ms, sent) => ({ durationMs: ms, sent, httpStatus: 200, misMessage: null, outcome: 'Accepted by Wonde as writeback wb-1', kind: 'accepted', good: true });
const bad = (ms, sent, status, msg, outcome = 'Refused by the MIS') => ({ durationMs: ms, sent, httpStatus: status, misMessage: msg, outcome, kind: 'refused', good: false });

/** Events by day offset (0 = today); attempts get their startedAt in the page. */
const STAFF_EVENTS = [
  { day: 0, time: '08:52:10', upi: 'A100', person: "Zoë O'Brien", year: '9', registrationGroup: '9RB', kind: 'late_sign_in',
    reason: 'Transport delay', session: 'AM', code: 'L', status: 'successful', cause: '',
    attempts: [ok(412, 'L for AM, 2 minutes late, comment "Transport delay"')] },
  { day: 0, time: '09:05:33', upi: 'A400', person: 'Oliver Brown', year: '7', registrationGroup: '7JM', kind: 'late_sign_in',
    reason: 'Medical appointment', session: 'AM', code: 'M', status: 'successful', cause: '',
    attempts: [ok(388, 'M for AM, comment "Medical appointment"')] },
  { day: 0, time: '09:21:02', upi: 'A301', person: 'Sam Patel', year: '11', registrationGroup: '11CD', kind: 'late_sign_in',
    reason: 'Overslept', session: 'AM', code: 'U', status: 'failed',
    cause: 'The MIS refused the mark: the AM register for 11CD is locked. Unlock it in the MIS, then retry.',
    attempts: [
      bad(10004, 'U for AM, comment "Overslept"', null, null, 'No answer (timed out after 10 s)'),
      bad(655, 'U for AM, comment "Overslept"', 422, 'The register for this session is locked.'),
      bad(602, 'U for AM, comment "Overslept"', 422, 'The register for this session is locked.'),
    ] },
  { day: 0, time: '09:40:45', upi: 'A600', person: 'Jack Smith', year: '8', registrationGroup: '8AB', kind: 'late_sign_in',
    reason: 'Transport delay', session: 'AM', code: 'U', status: 'pending', cause: '',
    attempts: [bad(1203, 'U for AM, comment "Transport delay"', 503, 'Service unavailable', 'Will retry')] },
  { day: 0, time: '10:15:00', upi: 'A300', person: 'Sam Patel', year: '8', registrationGroup: '8AB', kind: 'early_sign_out',
    reason: 'Medical appointment', collectedBy: 'Priya Patel', collectorUnknown: true, session: 'PM', code: 'M', status: 'successful', cause: '',
    attempts: [ok(420, 'M for PM')] },
  { day: 0, time: '11:02:19', upi: 'A200', person: 'Amy Smith-Jones', year: '7', registrationGroup: '7JM', kind: 'early_sign_out',
    reason: 'Illness', collectedBy: 'Claire Smith-Jones', session: 'PM', code: 'I', status: 'failed',
    cause: 'Wonde did not accept the token (401). Check the connection in Settings, then retry.',
    attempts: [bad(301, 'I for PM', 401, 'Unauthenticated.')] },
  { day: 0, time: '11:02:40', upi: 'A201', person: 'Ben Smith-Jones', year: '10', registrationGroup: '10KP', kind: 'early_sign_out',
    reason: 'Illness', collectedBy: 'Claire Smith-Jones', session: 'PM', code: '', status: 'not_required',
    cause: 'The register already has a protected mark (E) for this session, so nothing was written.', attempts: [] },
  { day: 0, time: '11:50:05', upi: 'A300', person: 'Sam Patel', year: '8', registrationGroup: '8AB', kind: 'return',
    reason: '', session: 'PM', code: '\\', status: 'successful', cause: '', attempts: [ok(377, '\\ for PM')] },
  { day: 0, time: '12:31:48', upi: 'A500', person: 'Clo Martin', year: '9', registrationGroup: '9RB', kind: 'late_sign_in',
    reason: 'Family event', session: 'PM', code: 'O', status: 'pending', cause: '', attempts: [],
    // Recorded while the tablet's clock was 3 hours ahead: held until staff confirm its time.
    clock: { offMinutes: 180, recorded: '12:31 on Monday 24 November', byWonde: '09:31 on Monday 24 November', byWondeTime: '09:31:48' } },
  { day: -1, time: '09:12:00', upi: 'A401', person: 'Olivia Bryant', year: '12', registrationGroup: '12SF', kind: 'late_sign_in',
    reason: 'Transport delay', session: 'AM', code: 'L', status: 'expired',
    cause: 'Not written back before midnight: the kiosk was offline all day.', attempts: [] },
  { day: -1, time: '14:20:00', upi: 'A100', person: "Zoë O'Brien", year: '9', registrationGroup: '9RB', kind: 'early_sign_out',
    reason: 'Family event', collectedBy: "Niamh O'Brien", session: 'PM', code: 'O', status: 'failed',
    cause: 'The MIS refused the mark: the PM register is locked.', attempts: [bad(540, 'O for PM', 422, 'The register for this session is locked.')] },
];

const STAFF_DEFAULTS = {
  pin: '246813', // null = first run
  lockSeconds: 60,
  demo: true,
  connection: null,
  codes: STAFF_CODES,
  years: ['7', '8', '9', '10', '11', '12', '13'],
  registrationGroups: ['7JM', '8AB', '9RB', '10KP', '11CD', '12S', '13S'],
  events: STAFF_EVENTS,
  settings: {
    time_zone: 'Europe/London', writeback_enabled: true, student_exact_match: true, reason_exact_match: true,
    default_group: group(),
    groups: [group({ name: 'Sixth form', years: ['12', '13'], am_late: '09:30', am_unauthorised: '10:00',
      reasons: [{ label: 'Study leave', used_for: 'both', writeback: { mode: 'dont_writeback' } }], protected_codes: ['E'] })],
    import_time: '02:30', retention_days: 60, kiosk_mode: true, inactivity_seconds: 60, printer: null, card_field: 'card_code', photos_enabled: true,
  },
  /** The exports folder in the data directory, and what it holds, newest first. */
  exportsFolder: '/home/office/.local/share/reception-kiosk/exports',
  exports: [
    { name: 'writeback-log-2025-11-17-2025-11-21.csv', bytes: 5120, savedAt: '2025-11-21 16:02', events: 38 },
  ],
  /** The jobs sent to the printer: { printer, rows }. */
  printed: [],
  /** Each pupil's contacts as the staff area lists them (never the kiosk's screens). */
  collectors: {
    A200: [
      { contact: 'C1', name: 'Claire Smith-Jones', relationship: 'Mother', parentalResponsibility: true, allowedToCollect: false, mayCollect: true, canBeAllowed: false },
      { contact: 'C4', name: 'Rose Smith', relationship: 'Grandparent', parentalResponsibility: false, allowedToCollect: false, mayCollect: false, canBeAllowed: true },
      { contact: 'C5', name: 'Karen Lee', relationship: 'Social Worker', parentalResponsibility: null, allowedToCollect: false, mayCollect: false, canBeAllowed: false },
    ],
  },
  people: {
    student: [
      { misId: 'A100', name: "Zoë O'Brien", detail: 'Year 9 · 9RB', imported: true },
      { misId: 'A200', name: 'Amy Smith-Jones', detail: 'Year 7 · 7JM', imported: true },
      { misId: 'A201', name: 'Ben Smith-Jones', detail: 'Year 10 · 10KP', imported: true },
      { misId: 'A300', name: 'Sam Patel', detail: 'Year 8 · 8AB', imported: true },
      { misId: 'A301', name: 'Sam Patel', detail: 'Year 11 · 11CD', imported: true },
      { misId: 'A400', name: 'Oliver Brown', detail: 'Year 7 · 7JM', imported: true },
      { misId: 'A401', name: 'Olivia Bryant', detail: 'Year 12 · 12SF', imported: false },
      { misId: 'A500', name: 'Chloé Martin', detail: 'Year 9 · 9RB', imported: true },
      { misId: 'A600', name: 'Jack Smith', detail: 'Year 8 · 8AB', imported: true },
    ],
    employee: [
      { misId: 'E1', name: 'Mrs Helen Carter', detail: 'Office manager', imported: true },
      { misId: 'E2', name: 'Mr David Okafor', detail: 'Head of Year 9', imported: true },
      { misId: 'E3', name: 'Ms Rita Novak', detail: 'Supply teacher', imported: false },
    ],
  },
  importRuns: [
    { hoursAgo: 6, minutes: 3, full: false, outcome: 'succeeded', message: '9 pupils, 12 contacts, 3 staff, 9 codes' },
    { hoursAgo: 30, minutes: 4, full: false, outcome: 'failed', message: 'Wonde did not answer in time. The old roster was kept.' },
    { hoursAgo: 54, minutes: 12, full: true, outcome: 'succeeded', message: '9 pupils, 12 contacts, 3 staff, 9 codes' },
  ],
  importDelayMs: 0,
  checks: [
    { severity: 'ok', title: 'The token is accepted', detail: 'Wonde answered the last request 4 minutes ago.' },
    { severity: 'ok', title: 'Last import today at 07:02', detail: 'Pupils, contacts and staff are up to date.' },
    { severity: 'warning', title: '2 events waiting for over 10 minutes',
      detail: "Jack Smith and Clo Martin's marks have not been written yet. The kiosk keeps trying." },
  ],
};

function installFakeStaff(config) {
  const s = config.staff;
  const fake = window.__fake;
  const pad = (n) => String(n).padStart(2, '0');
  const dayOf = (offset) => {
    const d = new Date();
    d.setDate(d.getDate() + offset);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  };
  const today = () => dayOf(0);
  const { refusal } = fake;
  const TYPE = Object.fromEntries(config.contract.kinds.map((k) => [k.id, k.label]));
  const LABEL = Object.fromEntries(config.contract.statuses.map((st) => [st.id, st.label]));
  const PIN = new RegExp(config.contract.pin);
  const sessions = new Set();
  let wrong = 0;
  let wrongSinceVisit = 0;
  let lockedUntil = 0;
  let nextSession = 0;

  const events = s.events.map((e, i) => {
    const date = dayOf(e.day);
    const [h, m, sec] = e.time.split(':').map(Number);
    const at = new Date(`${date}T00:00:00`);
    at.setHours(h, m, sec);
    return {
      ...e, id: i + 1, date, collectedBy: e.collectedBy || '',
      attempts: e.attempts.map((a, j) => ({ startedAt: new Date(at.getTime() + (j * 95 + 1) * 1000).toISOString(), ...a })),
    };
  });
  const runs = s.importRuns.map((r) => {
    const start = new Date(Date.now() - r.hoursAgo * 3600e3);
    return { startedAt: start.toISOString(), finishedAt: new Date(start.getTime() + r.minutes * 60e3).toISOString(),
      full: r.full, outcome: r.outcome, message: r.message };
  });

  const row = (e) => ({
    id: e.id, date: e.date, time: e.time, person: e.person, year: e.year, registrationGroup: e.registrationGroup,
    type: TYPE[e.kind], reason: e.reason, collectedBy: e.collectedBy, collectorUnknown: !!e.collectorUnknown, clockHeld: !!e.clock, session: e.session, code: e.code,
    status: e.status, statusLabel: LABEL[e.status], cause: e.cause, canRetry: e.status === 'failed' && e.date === today(),
  });
  const lockedFor = () => Math.max(0, Math.ceil((lockedUntil - Date.now()) / 1000));
  const need = (a) => { if (!sessions.has(a.session)) throw refusal('SESSION_EXPIRED', 'Please enter the staff PIN again.'); };
  const fold = (x) => String(x).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const find = (id) => {
    const e = events.find((x) => x.id === id);
    if (!e) throw refusal('INVALID', 'That event is no longer in the log.');
    return e;
  };

  function checks() {
    const have = new Set(s.codes.map((c) => c.code));
    const out = [];
    for (const g of [s.settings.default_group, ...s.settings.groups]) {
      for (const r of g.reasons) {
        const used = r.writeback.mode === 'code' ? [r.writeback.code]
          : r.writeback.mode === 'time_bands' ? r.writeback.bands.map((b) => b.code) : [];
        for (const code of used.filter((c) => !have.has(c))) {
          out.push({ severity: 'problem', title: `Reason '${r.label}' in group '${g.name}' is mapped to code '${code}', which the MIS does not have`,
            detail: 'Its writebacks will fail. Pick one of the MIS\'s codes for it in Settings.' });
        }
      }
    }
    return [...out, ...s.checks];
  }


  Object.assign(fake.handlers, {
    staff_check_count: () => checks().filter((c) => c.severity === 'problem').length,
    staff_pin_status: () => ({
      pinSet: s.pin !== null, lockedForSeconds: lockedFor(), canChooseFirst: s.pin === null && s.demo,
    }),
    staff_set_pin: ({ pin, currentPin }) => {
      if (!PIN.test(pin || '')) throw refusal('INVALID', 'A new staff PIN is 6 to 8 digits, not one digit over and over or a run like 123456.');
      if (s.pin === null && !s.demo) throw refusal('PIN_NOT_SET', 'No staff PIN is set. The school\'s IT sets the first one on this kiosk with `kioskctl pin set`.');
      if (s.pin !== null && currentPin !== s.pin) throw refusal('PIN_WRONG', 'The current PIN is not right.');
      s.pin = pin;
      return null;
    },
    staff_unlock: ({ pin }) => {
      if (lockedFor() > 0) throw refusal('PIN_PAUSED', `Too many wrong tries. Try again in ${lockedFor()} seconds.`);
      if (s.pin === null) throw refusal('PIN_NOT_SET', 'Choose a staff PIN first.');
      if (pin !== s.pin) {
        wrong += 1;
        wrongSinceVisit += 1;
        if (wrong >= 5) {
          wrong = 0;
          lockedUntil = Date.now() + s.lockSeconds * 1000;
          throw refusal('PIN_PAUSED', `Too many wrong tries. Try again in ${s.lockSeconds} seconds.`);
        }
        throw refusal('PIN_WRONG', `Wrong PIN. ${5 - wrong} ${5 - wrong === 1 ? 'try' : 'tries'} left.`);
      }
      wrong = 0;
      nextSession += 1;
      const session = `session-${nextSession}`;
      sessions.add(session);
      const wrongTriesSinceLastVisit = wrongSinceVisit;
      wrongSinceVisit = 0;
      return { session, wrongTriesSinceLastVisit };
    },
    staff_lock: ({ session }) => { sessions.delete(session); return null; },
    staff_log: (a) => {
      need(a);
      const q = a.text ? fold(a.text) : '';
      const day = events.filter((e) => e.date === a.date && (!a.kind || e.kind === a.kind)
        && (!q || [e.person, e.reason, e.code, e.collectedBy, e.registrationGroup].some((v) => fold(v).includes(q))));
      const n = (st) => day.filter((e) => e.status === st).length;
      return {
        rows: day.filter((e) => !a.status || e.status === a.status).sort((x, y) => y.time.localeCompare(x.time)).map(row),
        counts: { pending: n('pending'), successful: n('successful'), failed: n('failed'), notRequired: n('not_required'), expired: n('expired') },
      };
    },
    staff_event: (a) => {
      need(a);
      const e = find(a.id);
      const clock = e.clock && { offMinutes: e.clock.offMinutes, recorded: e.clock.recorded, byWonde: e.clock.byWonde };
      return { row: row(e), attempts: e.attempts.map((x) => ({ ...x })), collector: null, clock };
    },
    staff_confirm_time: (a) => {
      need(a);
      const e = find(a.id);
      if (!e.clock) throw refusal('INVALID', `Event ${a.id} is not waiting for its time.`);
      if (a.byWonde) e.time = e.clock.byWondeTime;
      e.clock = null;
      return row(e);
    },
    staff_retry: (a) => {
      need(a);
      const e = find(a.id);
      if (!row(e).canRetry) throw refusal('INVALID', "Only today's failed events can be retried.");
      e.status = 'pending';
      e.cause = '';
      return row(e);
    },
    staff_retry_failed_today: (a) => {
      need(a);
      const failed = events.filter((e) => e.status === 'failed' && row(e).canRetry);
      for (const e of failed) { e.status = 'pending'; e.cause = ''; }
      return failed.length;
    },
    staff_export_csv: (a) => {
      need(a);
      const count = events.filter((e) => e.date >= a.from && e.date <= a.to).length;
      const name = `writeback-log-${a.from}-${a.to}.csv`;
      s.exports = [{ name, bytes: 200 + count * 120, savedAt: `${today()} 10:30`, events: count },
        ...s.exports.filter((x) => x.name !== name)];
      return { path: `${s.exportsFolder}/${name}`, events: count };
    },
    staff_exports: (a) => { need(a); return { folder: s.exportsFolder, exports: s.exports.map((x) => ({ ...x })) }; },
    staff_delete_export: (a) => {
      need(a);
      if (!s.exports.some((x) => x.name === a.name)) {
        throw refusal('INVALID', `There is no export called '${a.name}': it may have been deleted already.`);
      }
      s.exports = s.exports.filter((x) => x.name !== a.name);
      return { folder: s.exportsFolder, exports: s.exports.map((x) => ({ ...x })) };
    },
    staff_settings: (a) => {
      need(a);
      return { settings: JSON.parse(JSON.stringify(s.settings)), codes: s.codes.map((c) => ({ ...c })),
        years: [...s.years], registrationGroups: [...s.registrationGroups],
        connection: s.connection ? { ...s.connection } : null, demo: s.demo };
    },
    staff_save_settings: (a) => {
      need(a);
      const st = a.settings;
      for (const g of [st.default_group, ...st.groups]) {
        if (g.am_late > g.am_unauthorised) {
          throw refusal('INVALID', `In group '${g.name}' the AM late time (${g.am_late}) is after the AM unauthorised time (${g.am_unauthorised}).`);
        }
      }
      if (!(st.retention_days >= 1 && st.retention_days <= 3650)) throw refusal('INVALID', 'Keep events for between 1 and 3650 days.');
      s.settings = JSON.parse(JSON.stringify(st));
      return null;
    },
    staff_test_connection: (a) => {
      need(a);
      if (a.schoolId === 'bad') throw refusal('CONNECTION', 'Wonde did not accept the token (401). Check it and try again.');
      return { schoolName: 'Riverside Academy', mis: 'SIMS' };
    },
    staff_save_connection: (a) => {
      need(a);
      const token = a.token || '';
      s.connection = { schoolId: a.schoolId, baseUrl: 'https://api.wonde.com/v1.0', tokenMasked: `••••••••${token.slice(-4)}` };
      s.demo = false;
      return null;
    },
    staff_import_now: (a) => {
      need(a);
      if (s.importArchivesMost && a.full && !a.acceptLargeArchive) {
        throw refusal('IMPORT_NEEDS_CONFIRM', "This full import would archive 5 of the school's 7 pupils and 0 of its "
          + '12 contacts, more than a fifth at once, so the previous roster was kept.');
      }
      const result = () => {
        runs.unshift({ startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), full: !!a.full,
          outcome: 'succeeded', message: 'Imported from the demo school.' });
        const n = (k) => s.people[k].filter((p) => p.imported).length;
        return { students: n('student'), contacts: 12, employees: n('employee'), codes: s.codes.length };
      };
      const stages = [['school', 1, 1], ['codes', 9, 9], ['students', 4, 9], ['students', 9, 9], ['contacts', 12, 12],
        ['employees', 3, 3], ['saving', 0, null]];
      if (!s.importDelayMs) {
        for (const [stage, done, total] of stages) fake.emit(config.contract.events.importProgress, { stage, done, total });
        return result();
      }
      return new Promise((resolve) => {
        let i = 0;
        const step = () => {
          if (i === stages.length) { resolve(result()); return; }
          const [stage, done, total] = stages[i++];
          fake.emit(config.contract.events.importProgress, { stage, done, total });
          setTimeout(step, s.importDelayMs);
        };
        step();
      });
    },
    staff_import_runs: (a) => { need(a); return runs.map((r) => ({ ...r })); },
    staff_people: (a) => {
      need(a);
      const q = fold(a.query || '').trim();
      return s.people[a.kind].filter((p) => !q || fold(p.name).includes(q)).slice(0, 50).map((p) => ({ ...p }));
    },
    staff_set_import: (a) => {
      need(a);
      const p = s.people[a.kind].find((x) => x.misId === a.misId);
      if (!p) throw refusal('INVALID', 'That person is not in the MIS any more.');
      p.imported = !!a.imported;
      return null;
    },
    staff_collectors: (a) => {
      need(a);
      return (s.collectors[a.misId] || []).map((c) => ({ ...c }));
    },
    staff_set_collector: (a) => {
      need(a);
      const c = (s.collectors[a.misId] || []).find((x) => x.contact === a.contact && x.canBeAllowed);
      if (!c) throw refusal('INVALID', "That adult is not one of the pupil's contacts.");
      c.allowedToCollect = !!a.allowed;
      c.mayCollect = c.allowedToCollect;
      return null;
    },
    staff_config_check: (a) => { need(a); return checks(); },
    staff_print_on_site: (a) => {
      need(a);
      const printer = s.settings.printer;
      if (!printer) throw refusal('PRINTER_NOT_SET', 'No printer is set up: choose the school\'s printer in Settings first.');
      const rows = events.filter((e) => e.date === today()).length;
      s.printed.push({ printer, rows });
      return { printer, job: `${printer}-${s.printed.length}`, rows };
    },
    staff_on_site: (a) => {
      need(a);
      return events.filter((e) => e.date === today()).sort((x, y) => x.time.localeCompare(y.time)).map((e) => ({
        time: e.time.slice(0, 5), person: e.person, year: e.year, registrationGroup: e.registrationGroup,
        type: TYPE[e.kind], reason: e.reason, collectedBy: e.collectedBy, collectorUnknown: !!e.collectorUnknown,
      }));
    },
  });

  fake.staff = {
    state: s,
    events,
    /** Ends every session, as the backend does when one expires. */
    expireSessions: () => sessions.clear(),
    /** Changes an event's status and pushes `event-changed`, as the sync engine does. */
    setStatus(id, status, cause = '') {
      const e = find(id);
      e.status = status;
      e.cause = cause;
      fake.emit(config.contract.events.eventChanged, { id, status });
    },
  };
}

module.exports = { installFakeStaff, STAFF_DEFAULTS, STAFF_CODES };
