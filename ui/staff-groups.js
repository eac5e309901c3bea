// The groups part of the settings page (R5.3): the default group and the groups by year or
// registration group, each with its times, its codes, its reasons (label, used for, writeback
// mode: time based, a code, don't write back, or time bands) and its protected codes. Edits go
// straight into the draft handed in; staff-settings.js saves it.

import { el } from './dom.js';
import { field, input, select, codeSelect, toggle, pickList, splitList, joinList } from './staff-form.js';

const TIMES = [
  ['am_late', 'AM late', 'Signing in after this is late.'],
  ['am_unauthorised', 'AM unauthorised', 'After this a late mark is unauthorised.'],
  ['pm_start', 'PM start', 'The afternoon session begins.'],
  ['pm_late', 'PM late', ''],
  ['pm_unauthorised', 'PM unauthorised', ''],
];
const CODES = [
  ['late_code', 'Late code', null],
  ['unauthorised_code', 'Unauthorised code', null],
  ['present_am_code', 'Present AM code', 'None'],
  ['present_pm_code', 'Present PM code', 'None'],
  ['early_leaver_code', 'Early leaver code', 'None'],
];
const USED_FOR = [['late_sign_in', 'Late sign-in'], ['early_sign_out', 'Early sign-out'], ['both', 'Both']];
const MODES = [
  ['time_based', 'By the time (late or unauthorised)'],
  ['code', 'Always one code'],
  ['time_bands', 'A code for each time band'],
  ['dont_writeback', "Don't write back"],
];

/** A new group, copied from the default group's rules. */
function newGroup(settings) {
  const g = JSON.parse(JSON.stringify(settings.default_group));
  g.name = `Group ${settings.groups.length + 1}`;
  g.years = [];
  g.registration_groups = [];
  return g;
}

/**
 * Renders the groups card into `root` for `draft` (the settings document) with `codes` and the
 * `roster`'s { years, registrationGroups }. `changed()` is called after every edit.
 */
export function renderGroups(root, draft, codes, roster, changed, state) {
  root.textContent = '';
  const all = () => [draft.default_group, ...draft.groups];
  if (state.index > draft.groups.length) state.index = 0;

  const picker = el('div', 'group-picker', null, { role: 'group', 'aria-label': 'Group to edit' });
  all().forEach((g, i) => {
    const label = i === 0 ? `${g.name || 'Everyone'} (default)` : g.name || `Group ${i}`;
    const b = el('button', 'sbtn group-pick', label, { type: 'button', 'aria-pressed': String(i === state.index) });
    b.addEventListener('click', () => { state.index = i; renderGroups(root, draft, codes, roster, changed, state); root.querySelector('.group-pick[aria-pressed="true"]').focus(); });
    picker.append(b);
  });
  const add = el('button', 'sbtn group-add', 'Add a group', { type: 'button' });
  add.addEventListener('click', () => {
    draft.groups.push(newGroup(draft));
    state.index = draft.groups.length;
    changed();
    renderGroups(root, draft, codes, roster, changed, state);
    root.querySelector('.group-editor input').focus();
  });
  picker.append(add);
  root.append(picker);

  const g = all()[state.index];
  const isDefault = state.index === 0;
  const ed = el('div', 'group-editor');
  const set = (key) => (v) => { g[key] = v; changed(); };

  // Who is in the group.
  const who = el('div', 'grid grid-3');
  const name = input('text', g.name, (v) => {
    g.name = v;
    changed();
    root.querySelector('.group-pick[aria-pressed="true"]').textContent = isDefault ? `${v} (default)` : v;
  }, { maxlength: 40 });
  who.append(field('Group name', name));
  if (!isDefault) {
    // The roster's own years and groups to pick from; typed only before anything is imported.
    who.append(roster.years.length
      ? pickList('Years', roster.years, g.years, set('years'), 'The years in the roster.')
      : field('Years', input('text', joinList(g.years), (v) => set('years')(splitList(v)), { maxlength: 80 }),
        'Comma separated, e.g. 7, 8, 9'));
    who.append(roster.registrationGroups.length
      ? pickList('Registration groups', roster.registrationGroups, g.registration_groups, set('registration_groups'),
        'The registration groups in the roster.')
      : field('Registration groups', input('text', joinList(g.registration_groups),
        (v) => set('registration_groups')(splitList(v)), { maxlength: 200 }), 'Comma separated, e.g. 7JM, 7AB'));
  } else {
    who.append(el('p', 'muted span-2', 'Pupils not in any other group follow these rules.'));
  }
  ed.append(who);

  ed.append(el('h3', 'sub-head', 'Times'));
  const times = el('div', 'grid grid-5');
  for (const [key, label, hint] of TIMES) times.append(field(label, input('time', g[key], set(key), { required: true }), hint || undefined));
  ed.append(times);

  ed.append(el('h3', 'sub-head', 'Codes written to the register'));
  const codeGrid = el('div', 'grid grid-5');
  for (const [key, label, none] of CODES) codeGrid.append(field(label, codeSelect(codes, g[key], set(key), none)));
  ed.append(codeGrid);

  const sw = el('div', 'grid grid-3');
  sw.append(
    toggle('Write present marks', g.present_writeback, set('present_writeback'), 'Pupils who return are marked present.'),
    toggle('Write the reason as a comment', g.comment_writeback, set('comment_writeback')),
    toggle('Write minutes late', g.minutes_late_writeback, set('minutes_late_writeback')),
  );
  ed.append(sw);

  ed.append(el('h3', 'sub-head', 'Reasons'));
  const reasons = el('div', 'reasons');
  const renderReasons = () => {
    reasons.textContent = '';
    g.reasons.forEach((r, i) => reasons.append(reasonRow(g, r, i, codes, () => { changed(); renderReasons(); }, changed)));
    const addR = el('button', 'sbtn', 'Add a reason', { type: 'button' });
    addR.addEventListener('click', () => {
      g.reasons.push({ label: '', used_for: 'both', writeback: { mode: 'time_based' } });
      changed();
      renderReasons();
      reasons.querySelectorAll('.reason')[g.reasons.length - 1].querySelector('input').focus();
    });
    reasons.append(addR);
  };
  renderReasons();
  ed.append(reasons);

  ed.append(el('h3', 'sub-head', 'Protected codes', { id: 'protected-head' }));
  ed.append(el('p', 'muted', 'A mark already in the register with one of these codes is never overwritten.'));
  const prot = el('div', 'chips chips-wrap', null, { role: 'group', 'aria-labelledby': 'protected-head' });
  for (const c of codes) {
    const on = (g.protected_codes || []).includes(c.code);
    const b = el('button', 'chip chip-code', null, { type: 'button', 'aria-pressed': String(on), title: c.description || c.code });
    b.append(el('span', 'chip-label', c.code), el('span', 'visually-hidden', c.description ? `, ${c.description}` : ''));
    b.addEventListener('click', () => {
      const now = b.getAttribute('aria-pressed') !== 'true';
      b.setAttribute('aria-pressed', String(now));
      const set2 = new Set(g.protected_codes || []);
      if (now) set2.add(c.code); else set2.delete(c.code);
      g.protected_codes = codes.map((x) => x.code).filter((x) => set2.has(x));
      changed();
    });
    prot.append(b);
  }
  ed.append(prot);

  if (!isDefault) {
    const rm = el('button', 'sbtn sbtn-danger', `Remove the group “${g.name}”`, { type: 'button' });
    rm.addEventListener('click', () => {
      draft.groups.splice(state.index - 1, 1);
      state.index = 0;
      changed();
      renderGroups(root, draft, codes, roster, changed, state);
      root.querySelector('.group-pick').focus();
    });
    const line = el('div', 'row row-end');
    line.append(rm);
    ed.append(line);
  }
  root.append(ed);
}

/** One reason: label, used for, writeback mode and its code or bands, remove. */
function reasonRow(g, r, i, codes, rerender, changed) {
  const n = i + 1;
  const row = el('div', 'reason');
  const top = el('div', 'reason-top');
  const label = input('text', r.label, (v) => { r.label = v; changed(); }, { maxlength: 60, 'aria-label': `Reason ${n}: label` });
  top.append(field(`Reason ${n}`, label));
  const used = select(USED_FOR, r.used_for, (v) => { r.used_for = v; changed(); });
  used.setAttribute('aria-label', `Reason ${n}: used for`);
  top.append(field('Used for', used));
  const mode = select(MODES, r.writeback?.mode || 'time_based', (v) => {
    const first = codes[0]?.code ?? null;
    r.writeback = v === 'code' ? { mode: 'code', code: first }
      : v === 'time_bands' ? { mode: 'time_bands', bands: [{ from: g.am_late || '09:00', code: first }] } : { mode: v };
    rerender();
    document.querySelectorAll('.reason')[i]?.querySelector(`[aria-label="Reason ${n}: writeback"]`)?.focus();
  });
  mode.setAttribute('aria-label', `Reason ${n}: writeback`);
  top.append(field('Writeback', mode));
  if (r.writeback?.mode === 'code') {
    const c = codeSelect(codes, r.writeback.code, (v) => { r.writeback.code = v; changed(); });
    c.setAttribute('aria-label', `Reason ${n}: code`);
    top.append(field('Code', c));
  }
  const rm = el('button', 'sbtn sbtn-quiet', 'Remove', { type: 'button', 'aria-label': `Remove reason ${n}${r.label ? ` (${r.label})` : ''}` });
  rm.addEventListener('click', () => { g.reasons.splice(i, 1); rerender(); });
  top.append(rm);
  row.append(top);

  if (r.writeback?.mode === 'time_bands') {
    const bands = el('div', 'bands');
    r.writeback.bands.forEach((b, j) => {
      const line = el('div', 'band');
      const from = input('time', b.from, (v) => { b.from = v; changed(); }, { 'aria-label': `Reason ${n}, band ${j + 1}: from` });
      const code = codeSelect(codes, b.code, (v) => { b.code = v; changed(); });
      code.setAttribute('aria-label', `Reason ${n}, band ${j + 1}: code`);
      const del = el('button', 'sbtn sbtn-quiet', 'Remove band', { type: 'button', 'aria-label': `Remove band ${j + 1} of reason ${n}` });
      del.addEventListener('click', () => { r.writeback.bands.splice(j, 1); rerender(); });
      line.append(el('span', 'band-words', 'From'), from, el('span', 'band-words', 'write'), code, del);
      bands.append(line);
    });
    const addB = el('button', 'sbtn sbtn-quiet', 'Add a time band', { type: 'button' });
    addB.addEventListener('click', () => {
      const last = r.writeback.bands[r.writeback.bands.length - 1];
      r.writeback.bands.push({ from: last ? last.from : '09:00', code: last ? last.code : codes[0]?.code ?? null });
      rerender();
    });
    bands.append(addB);
    row.append(bands);
  }
  return row;
}
