// Settings (R5.3): the MIS connection (school id, a token typed once and then only shown masked,
// "Test connection"), the kiosk's rules and switches, groups (staff-groups.js), the import time,
// data retention, kiosk mode, inactivity and the staff PIN. Everything edits a draft of the
// stored settings document; Save sends it whole and shows the backend's sentence when refused.

import * as api from './api.js';
import { $, el, showMessage } from './dom.js';
import { field, input, select, toggle, card } from './staff-form.js';
import { renderGroups } from './staff-groups.js';
import { PIN_RE, CARD_FIELDS } from './contract.js';

function timeZones(current) {
  let zones = [];
  try { zones = Intl.supportedValuesOf('timeZone'); } catch { zones = ['Europe/London', 'UTC']; }
  if (current && !zones.includes(current)) zones = [current, ...zones];
  return zones.map((z) => [z, z.replace(/_/g, ' ')]);
}

export function createSettings(ctx) {
  let saved = null; // the settings as last loaded or saved (JSON)
  let draft = null;
  let codes = [];
  let roster = { years: [], registrationGroups: [] };
  let connection = null;
  let demo = false;
  let seq = 0;
  const groupState = { index: 0 };
  const form = $('settings-form');
  const message = $('settings-message');

  const dirty = () => draft !== null && JSON.stringify(draft) !== saved;

  function changed() {
    const d = dirty();
    $('settings-save').disabled = !d;
    $('settings-revert').disabled = !d;
    if (d && message.dataset.kind !== 'error') say('You have unsaved changes.', 'info');
    if (!d && message.dataset.kind === 'info') say('', '');
  }

  function say(text, kind) {
    if (message.textContent === text && message.dataset.kind === kind) return;
    message.textContent = text;
    message.dataset.kind = kind;
  }

  async function load() {
    const mine = ++seq;
    let r;
    try { r = await ctx.call('settings'); } catch (e) {
      if (!ctx.dropped(e) && mine === seq) say(e.message, 'error');
      return;
    }
    if (mine !== seq) return;
    saved = JSON.stringify(r.settings);
    draft = JSON.parse(saved);
    draft.groups = draft.groups || [];
    codes = Array.isArray(r.codes) ? r.codes : [];
    roster = { years: Array.isArray(r.years) ? r.years : [],
      registrationGroups: Array.isArray(r.registrationGroups) ? r.registrationGroups : [] };
    connection = r.connection || null;
    demo = !!r.demo;
    say('', '');
    render();
  }

  function render() {
    form.textContent = '';
    form.append(connectionCard(), kioskCard(), groupsCard(), importCard(), pinCard());
    changed();
  }

  const setter = (key, conv = (v) => v) => (v) => { draft[key] = conv(v); changed(); };
  const num = (v) => (v === '' ? null : Number(v));

  // ---------- connection ----------
  function connectionCard() {
    const c = card('Connection to the MIS', 'The kiosk reads pupils and writes attendance marks through Wonde.');
    const now = el('p', 'conn-now');
    if (connection) {
      now.append(el('strong', '', `School ${connection.schoolId}`),
        document.createTextNode(` · ${connection.baseUrl} · token `), el('code', 'token-masked', connection.tokenMasked));
    } else {
      now.textContent = demo ? 'Demo school: not connected to a real MIS; the built-in simulator answers.' : 'Not connected.';
    }
    c.append(now);
    const grid = el('div', 'grid grid-conn');
    const school = input('text', connection ? connection.schoolId : '', () => {}, { maxlength: 40 });
    const token = input('password', '', () => {}, { maxlength: 200, autocomplete: 'new-password',
      placeholder: connection ? 'Leave empty to keep the saved token' : 'Paste the token once' });
    grid.append(field('School id', school), field('Token', token, 'Typed once; afterwards only shown masked.'));
    const buttons = el('div', 'row row-bottom');
    const test = el('button', 'sbtn', 'Test connection', { type: 'button' });
    const save = el('button', 'sbtn sbtn-primary', 'Save connection', { type: 'button' });
    buttons.append(test, save);
    grid.append(buttons);
    c.append(grid);
    const result = el('p', 'conn-result', null, { role: 'status', 'aria-live': 'polite' });
    c.append(result);
    const args = () => ({ schoolId: school.value.trim(), token: token.value.trim() || null });
    const show = (text, ok) => { result.textContent = text; result.className = `conn-result ${ok ? 's-ok' : 's-error-inline'}`; };
    test.addEventListener('click', async () => {
      if (!school.value.trim()) { show('Type the school id first.', false); school.focus(); return; }
      test.disabled = true;
      show('Testing…', true);
      try {
        const r = await ctx.call('testConnection', args());
        show(`Connected: ${r.schoolName} (MIS: ${r.mis}).`, true);
      } catch (e) { if (!ctx.dropped(e)) show(e.message, false); } finally { test.disabled = false; }
    });
    save.addEventListener('click', async () => {
      if (!school.value.trim()) { show('Type the school id first.', false); school.focus(); return; }
      if (!connection && !token.value.trim()) { show('Paste the token first.', false); token.focus(); return; }
      save.disabled = true;
      const wasDemo = demo;
      try {
        await ctx.call('saveConnection', args());
        token.value = '';
        const r = await ctx.call('settings');
        connection = r.connection || null;
        demo = !!r.demo;
        codes = r.codes || codes;
        const keep = draft;
        render();
        draft = keep;
        ctx.notice(wasDemo
          ? "The connection is saved and the demo school is closed. Run a full import on the Import page to load your school's pupils."
          : 'The connection is saved.');
        ctx.refreshBadge();
      } catch (e) { if (!ctx.dropped(e)) show(e.message, false); } finally { save.disabled = false; }
    });
    return c;
  }

  // ---------- the kiosk's rules ----------
  function kioskCard() {
    const c = card('Kiosk');
    const grid = el('div', 'grid grid-3');
    grid.append(
      field('Time zone', select(timeZones(draft.time_zone), draft.time_zone, setter('time_zone'))),
      field('Inactivity (seconds)', input('number', draft.inactivity_seconds, setter('inactivity_seconds', num),
        { min: 10, max: 600, step: 1 }), 'The kiosk goes back to the start after this; the staff area locks after four times as long.'),
      field('Printer', input('text', draft.printer ?? '', setter('printer', (v) => v.trim() || null),
        { maxlength: 127, autocomplete: 'off', spellcheck: 'false', id: 'settings-printer' }),
        'CUPS\'s name for the school\'s printer (lpstat -p lists them). Empty: nothing is printed.'),
      field('Card readers type', select(CARD_FIELDS, draft.card_field, setter('card_field')),
        'What the number on pupils\' cards is. The kiosk\'s own QR cards (Import page) scan too.'),
      toggle('Kiosk mode', draft.kiosk_mode, setter('kiosk_mode'), 'Full screen, no way out to the desktop.'),
      toggle('Write back to the MIS', draft.writeback_enabled, setter('writeback_enabled'), 'Off: events are only logged.'),
      toggle('Pupils must pick their name', draft.student_exact_match, setter('student_exact_match'),
        'Off: a pupil who is not listed can type their name.'),
      toggle('Reasons must be picked', draft.reason_exact_match, setter('reason_exact_match'),
        'Off: "Other reason" lets people type one.'),
      toggle('Photos on the check screen', draft.photos_enabled, setter('photos_enabled'),
        'Off: the next import deletes the photos and the check screen shows initials.'),
    );
    c.append(grid);
    return c;
  }

  function groupsCard() {
    const c = card('Groups and their rules', 'Times, codes and reasons by year or registration group.');
    const root = el('div', 'groups', null, { id: 'settings-groups' });
    renderGroups(root, draft, codes, roster, changed, groupState);
    c.append(root);
    return c;
  }

  function importCard() {
    const c = card('Import and data');
    const grid = el('div', 'grid grid-3');
    grid.append(
      field('Nightly import at', input('time', draft.import_time, setter('import_time'))),
      field('Keep events for (days)', input('number', draft.retention_days, setter('retention_days', num),
        { min: 1, max: 3650, step: 1 }), 'Older events and exports are deleted every night.'),
    );
    c.append(grid);
    return c;
  }

  // ---------- the staff PIN ----------
  function pinCard() {
    const c = card('Staff PIN', 'Change the PIN office staff use to open this area.');
    const grid = el('div', 'grid grid-4');
    const attrs = { maxlength: 8, inputmode: 'numeric', autocomplete: 'off' };
    const cur = input('password', '', () => {}, attrs);
    const p1 = input('password', '', () => {}, attrs);
    const p2 = input('password', '', () => {}, attrs);
    const go = el('button', 'sbtn', 'Change PIN', { type: 'button' });
    const wrap = el('div', 'row row-bottom');
    wrap.append(go);
    grid.append(field('Current PIN', cur), field('New PIN', p1, '4 to 8 digits'), field('New PIN again', p2), wrap);
    const out = el('p', 'conn-result', null, { role: 'status', 'aria-live': 'polite' });
    c.append(grid, out);
    const show = (text, ok) => { out.textContent = text; out.className = `conn-result ${ok ? 's-ok' : 's-error-inline'}`; };
    go.addEventListener('click', async () => {
      if (!cur.value) { show('Type the current PIN.', false); cur.focus(); return; }
      if (!PIN_RE.test(p1.value)) { show('The new PIN must be 4 to 8 digits.', false); p1.focus(); return; }
      if (p1.value !== p2.value) { show('The two new PINs are different.', false); p2.focus(); return; }
      go.disabled = true;
      try {
        await api.staffSetPin(p1.value, cur.value);
        cur.value = ''; p1.value = ''; p2.value = '';
        show('The staff PIN is changed.', true);
      } catch (e) { if (!ctx.dropped(e)) show(e.message, false); } finally { go.disabled = false; }
    });
    return c;
  }

  // ---------- save ----------
  $('settings-save').addEventListener('click', async () => {
    if (!dirty()) return;
    const bad = form.querySelector('input:invalid');
    if (bad) {
      const name = bad.getAttribute('aria-label') || bad.closest('.field')?.querySelector('label')?.textContent || 'this field';
      const why = 'time' in bad.dataset ? 'type a 24-hour time such as 08:50.' : bad.validationMessage;
      say(`Check “${name}”: ${why}`, 'error');
      bad.focus();
      return;
    }
    $('settings-save').disabled = true;
    say('Saving…', 'info');
    try {
      const sending = JSON.parse(JSON.stringify(draft));
      await ctx.call('saveSettings', { settings: sending });
      saved = JSON.stringify(sending);
      say('Settings saved.', 'ok');
      changed();
      ctx.notice('Settings saved.');
      ctx.refreshBadge();
    } catch (e) {
      if (ctx.dropped(e)) return;
      say(e.message, 'error');
      $('settings-save').disabled = false;
    }
  });
  $('settings-revert').addEventListener('click', () => {
    draft = JSON.parse(saved);
    say('Changes undone.', 'info');
    render();
  });

  return {
    show() { if (!dirty()) load(); },
    dirty,
    reset() { seq += 1; saved = null; draft = null; form.textContent = ''; say('', ''); groupState.index = 0; },
  };
}
