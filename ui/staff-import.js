// Import (R5.4): run an update or a full import now with a progress bar fed by `import-progress`,
// the last runs and their outcome, and the pupils / staff lists with a green "Importing" / red
// "Do not import" switch per person (R1.4), kept across imports by the backend.

import * as api from './api.js';
import { ERROR, EVENTS } from './contract.js';
import { $, el, showMessage, when, plural } from './dom.js';
import { createCards } from './staff-cards.js';

const STAGES = {
  school: 'Reading the school',
  codes: 'Attendance codes',
  groups: 'Groups',
  students: 'Pupils',
  contacts: 'Contacts',
  employees: 'Staff',
  saving: 'Saving',
};

export function createImport(ctx) {
  let kind = 'student';
  let peopleSeq = 0;
  let runsSeq = 0;
  let running = false;
  let queryTimer = null;
  const cards = createCards(ctx);

  // ---------- run now ----------
  api.onEvent(EVENTS.importProgress, (p) => {
    if (!running) return;
    const bar = $('import-bar');
    const stage = STAGES[p.stage] || p.stage || 'Working';
    if (p.total) {
      bar.max = p.total;
      bar.value = Math.min(p.done || 0, p.total);
      $('import-stage').textContent = `${stage}: ${(p.done || 0).toLocaleString('en-GB')} of ${p.total.toLocaleString('en-GB')}`;
    } else {
      bar.removeAttribute('value'); // indeterminate
      $('import-stage').textContent = p.done ? `${stage}: ${p.done.toLocaleString('en-GB')}` : `${stage}…`;
    }
  }).catch(() => {});

  // A full run that would archive many pupils at once is refused until staff confirm it (R1.2).
  async function run(full, acceptLargeArchive = false) {
    if (running) return;
    running = true;
    for (const b of [$('import-run'), $('import-full')]) b.disabled = true;
    $('import-confirm').hidden = true;
    showMessage($('import-error'), '');
    $('import-result').textContent = '';
    $('import-progress').hidden = false;
    $('import-bar').removeAttribute('value');
    $('import-stage').textContent = full ? 'Starting a full import…' : 'Starting the import…';
    try {
      const r = await ctx.call('importNow', { full, acceptLargeArchive });
      $('import-result').textContent = `Import finished: ${plural(r.students, 'pupil')}, ${plural(r.contacts, 'contact')}, `
        + `${plural(r.employees, 'member of staff', 'members of staff')} and ${plural(r.codes, 'attendance code')}.`;
    } catch (e) {
      if (!ctx.dropped(e)) showMessage($('import-error'), e.message);
      $('import-confirm').hidden = e.code !== ERROR.IMPORT_NEEDS_CONFIRM;
    } finally {
      running = false;
      $('import-progress').hidden = true;
      for (const b of [$('import-run'), $('import-full')]) b.disabled = false;
    }
    loadRuns();
    loadPeople();
    ctx.refreshBadge();
  }
  $('import-run').addEventListener('click', () => run(false));
  $('import-full').addEventListener('click', () => run(true));
  $('import-confirm').addEventListener('click', () => run(true, true));

  // ---------- last runs ----------
  async function loadRuns() {
    const mine = ++runsSeq;
    let runs;
    try { runs = await ctx.call('importRuns'); } catch (e) {
      if (!ctx.dropped(e) && mine === runsSeq) showMessage($('import-error'), e.message);
      return;
    }
    if (mine !== runsSeq) return;
    const list = $('import-runs');
    list.textContent = '';
    if (!runs.length) list.append(el('li', 'empty', 'No import has run yet.'));
    for (const r of runs.slice(0, 6)) {
      const li = el('li', `run run-${r.outcome}`);
      const words = { succeeded: 'Succeeded', failed: 'Failed', running: 'Running' }[r.outcome] || r.outcome;
      const head = el('div', 'run-head');
      head.append(el('span', `chip-status st-run-${r.outcome}`, words),
        el('span', 'run-when', `${r.full ? 'Full import' : 'Update'} · ${when(r.startedAt)}${r.finishedAt ? ` – ${when(r.finishedAt)}` : ''}`));
      li.append(head);
      if (r.message) li.append(el('p', 'run-message', r.message));
      list.append(li);
    }
  }

  // ---------- who is imported ----------
  function setKind(k) {
    kind = k;
    $('people-students').setAttribute('aria-pressed', String(k === 'student'));
    $('people-employees').setAttribute('aria-pressed', String(k === 'employee'));
    loadPeople();
  }
  $('people-students').addEventListener('click', () => setKind('student'));
  $('people-employees').addEventListener('click', () => setKind('employee'));
  $('people-query').addEventListener('input', () => {
    clearTimeout(queryTimer);
    queryTimer = setTimeout(loadPeople, 250);
  });

  async function loadPeople() {
    const mine = ++peopleSeq;
    const query = $('people-query').value.trim();
    let people;
    try { people = await ctx.call('people', { kind, query }); } catch (e) {
      if (!ctx.dropped(e) && mine === peopleSeq) showMessage($('people-error'), e.message);
      return;
    }
    if (mine !== peopleSeq) return;
    showMessage($('people-error'), '');
    const list = $('people-list');
    list.textContent = '';
    for (const p of people) list.append(person(p));
    const who = kind === 'student' ? 'pupil' : 'member of staff';
    const whos = kind === 'student' ? 'pupils' : 'members of staff';
    $('people-hint').textContent = people.length === 0 ? `No ${whos} match.`
      : people.length >= 50 ? `The first 50 ${whos}: type a name to find others.`
        : `${plural(people.length, who, whos)}.`;
  }

  function person(p) {
    const li = el('li', 'person');
    const nameId = `person-${kind}-${String(p.misId).replace(/[^\w-]/g, '_')}`;
    const who = el('div', 'person-who');
    who.append(el('span', 'person-name', p.name, { id: nameId }), el('span', 'person-meta', p.detail || ''));
    // The switch's name is the person; its visible words are its state.
    const sw = toggle(`Import ${p.name}`, !!p.imported, ['Importing', 'Do not import'], async (on) => {
      await ctx.call('setImport', { kind, misId: p.misId, imported: on });
      p.imported = on;
      ctx.notice(on ? `${p.name} will be imported.` : `${p.name} will not be imported.`);
    });
    sw.setAttribute('aria-describedby', nameId);
    li.append(who, sw);
    if (kind === 'student' && p.imported) li.append(collectors(p, nameId), cards.replaceButton(p, nameId));
    return li;
  }

  /** A pupil's contacts and who of them may collect (R10.1), opened on demand. */
  function collectors(p, nameId) {
    const box = el('div', 'collectors');
    const open = el('button', 'sbtn', 'Who may collect', { type: 'button', 'aria-expanded': 'false', 'aria-describedby': nameId });
    const list = el('ul', 'collector-list', null, { 'aria-label': `Who may collect ${p.name}` });
    list.hidden = true;
    open.addEventListener('click', async () => {
      const expand = open.getAttribute('aria-expanded') !== 'true';
      open.setAttribute('aria-expanded', String(expand));
      list.hidden = !expand;
      list.textContent = '';
      if (!expand) return;
      let rows;
      try { rows = await ctx.call('collectors', { misId: p.misId }); } catch (e) {
        if (!ctx.dropped(e)) showMessage($('people-error'), e.message);
        return;
      }
      if (!rows.length) list.append(el('li', 'muted', 'No contacts are on record for this pupil.'));
      for (const c of rows) list.append(collector(p, c));
    });
    box.append(open, list);
    return box;
  }

  function collector(p, c) {
    const li = el('li', 'collector');
    const who = el('div', 'person-who');
    const facts = [c.relationship, c.parentalResponsibility ? 'parental responsibility' : ''].filter(Boolean).join(' · ');
    who.append(el('span', 'person-name', c.name), el('span', 'person-meta', facts));
    li.append(who);
    if (!c.canBeAllowed) {
      li.append(el('span', 'muted', c.mayCollect ? 'May collect' : 'Never through the kiosk'));
      return li;
    }
    const sw = toggle(`${c.name} may collect ${p.name}`, c.allowedToCollect, ['Allowed to collect', 'Not allowed'], async (on) => {
      await ctx.call('setCollector', { misId: p.misId, contact: c.contact, allowed: on });
      ctx.notice(on ? `${c.name} may now collect ${p.name}.` : `${c.name} may no longer collect ${p.name}.`);
    });
    li.append(sw);
    return li;
  }

  /** A switch that shows `words[0]` when on, `words[1]` when off, and calls `change(on)`; a
   *  refusal puts it back and says why. */
  function toggle(label, on, words, change) {
    const sw = el('button', 'import-switch', null, { type: 'button', role: 'switch', 'aria-label': label });
    const paint = (value) => {
      sw.setAttribute('aria-checked', String(value));
      sw.classList.toggle('is-on', value);
      sw.textContent = value ? words[0] : words[1];
    };
    paint(on);
    sw.addEventListener('click', async () => {
      const value = sw.getAttribute('aria-checked') !== 'true';
      sw.disabled = true;
      paint(value);
      try {
        await change(value);
      } catch (e) {
        paint(!value);
        if (!ctx.dropped(e)) showMessage($('people-error'), e.message);
      } finally {
        sw.disabled = false;
      }
    });
    return sw;
  }

  return {
    show() { loadRuns(); loadPeople(); cards.show(); },
    reset() {
      peopleSeq += 1;
      runsSeq += 1;
      clearTimeout(queryTimer);
      $('people-query').value = '';
      $('people-list').textContent = '';
      $('import-result').textContent = '';
      kind = 'student';
      $('people-students').setAttribute('aria-pressed', 'true');
      $('people-employees').setAttribute('aria-pressed', 'false');
    },
  };
}
