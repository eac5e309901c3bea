// The writeback log (R5.2): one day at a time, newest first; status and type chips with counts,
// text search, live updates from `event-changed`, an event's detail with its Details and
// Writeback tabs, Retry (one event, or all of today's failures), CSV export for a range of days,
// and the saved exports (where they are kept, each with Delete).

import * as api from './api.js';
import { EVENTS, KINDS, STATUSES } from './contract.js';
import { $, el, showMessage, today, addDays, longDate, when, yearGroup, plural, wireTabs, markTab, unknownCollectorFlag } from './dom.js';

/** The type chips: every kind, or all of them. */
const KIND_CHIPS = [{ id: null, label: 'All types' }, ...KINDS];

/** A coloured chip that always carries its words. */
export function statusChip(status, label) {
  return el('span', `chip-status st-${status || 'unknown'}`, label || status || '');
}

export function createLog(ctx) {
  // The day is picked when the log is first shown: by then the school's zone is known.
  const f = { date: null, status: null, kind: null, text: '' };
  let seq = 0;
  let rows = [];
  let counts = {};
  let openId = null;
  let searchTimer = null;
  let refreshTimer = null;

  const dateInput = $('log-date');
  const textInput = $('log-text');

  // ---------- filters ----------
  function chipButton(label, pressed, onClick, extra = '') {
    const b = el('button', `chip ${extra}`, null, { type: 'button', 'aria-pressed': String(pressed) });
    b.append(el('span', 'chip-label', label));
    b.addEventListener('click', onClick);
    return b;
  }

  function renderChips() {
    const total = STATUSES.reduce((n, s) => n + (Number(counts[s.count]) || 0), 0);
    const st = $('log-status');
    st.textContent = '';
    const all = chipButton('All', f.status === null, () => setFilter({ status: null }));
    all.append(el('span', 'chip-count', String(total)));
    st.append(all);
    for (const s of STATUSES) {
      const b = chipButton(s.label, f.status === s.id, () => setFilter({ status: f.status === s.id ? null : s.id }),
        `chip-st st-${s.id}`);
      b.append(el('span', 'chip-count', String(Number(counts[s.count]) || 0)));
      st.append(b);
    }
    const kd = $('log-kind');
    kd.textContent = '';
    for (const k of KIND_CHIPS) kd.append(chipButton(k.label, f.kind === k.id, () => setFilter({ kind: k.id })));
  }

  function setFilter(patch, focusSame = true) {
    const active = document.activeElement;
    const label = active && active.closest('.chip') ? active.querySelector('.chip-label').textContent : null;
    Object.assign(f, patch);
    load().then(() => {
      if (!focusSame || !label) return;
      // Keep the focus on the chip just pressed (the chips are rebuilt).
      for (const c of document.querySelectorAll('#panel-log .chip')) {
        if (c.querySelector('.chip-label').textContent === label) { c.focus({ preventScroll: true }); break; }
      }
    });
  }

  dateInput.addEventListener('change', () => { if (dateInput.value) setFilter({ date: dateInput.value }); });
  $('log-prev').addEventListener('click', () => setFilter({ date: addDays(f.date, -1) }));
  $('log-next').addEventListener('click', () => setFilter({ date: addDays(f.date, 1) }));
  $('log-today').addEventListener('click', () => setFilter({ date: today() }));
  textInput.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => setFilter({ text: textInput.value.trim() }), 250);
  });

  // ---------- the table ----------
  async function load() {
    const mine = ++seq;
    dateInput.value = f.date;
    $('log-next').disabled = f.date >= today();
    let r;
    try {
      r = await ctx.call('log', { date: f.date, status: f.status, kind: f.kind, text: f.text || null });
    } catch (e) {
      if (ctx.dropped(e) || mine !== seq) return;
      showMessage($('log-error'), e.message);
      return;
    }
    if (mine !== seq) return;
    showMessage($('log-error'), '');
    rows = Array.isArray(r.rows) ? r.rows : [];
    counts = r.counts || {};
    renderChips();
    renderRows();
    // Failures can only be retried on their own day (R4.6).
    const failed = Number(counts.failed) || 0;
    $('log-retry-failed').hidden = f.date !== today() || failed === 0;
    $('log-retry-failed').textContent = `Retry all of today's failures (${failed})`;
  }

  $('log-retry-failed').addEventListener('click', async () => {
    const b = $('log-retry-failed');
    b.disabled = true;
    try {
      const n = await ctx.call('retryFailedToday');
      ctx.notice(`${plural(n, 'event')} will be tried again: Pending.`);
      await load();
    } catch (e) {
      if (ctx.dropped(e)) return;
      showMessage($('log-error'), e.message);
    } finally {
      b.disabled = false;
    }
  });

  function renderRows() {
    const body = $('log-rows');
    body.textContent = '';
    for (const row of rows) {
      const tr = el('tr', `log-row${row.id === openId ? ' is-open' : ''}`, null, { 'data-id': row.id });
      tr.append(el('td', 'cell-time', row.time));
      const who = el('td', 'cell-person');
      const open = el('button', 'row-open', null, { type: 'button', 'aria-haspopup': 'dialog' });
      open.append(el('span', 'person-name', row.person || '(no name)'),
        el('span', 'person-meta', yearGroup(row.year, row.registrationGroup)));
      open.addEventListener('click', (e) => { e.stopPropagation(); openEvent(row.id); });
      who.append(open);
      tr.append(who);
      const type = el('td', '', row.type);
      if (row.collectorUnknown) type.append(' ', unknownCollectorFlag());
      if (row.clockHeld) type.append(' ', el('span', 'flag flag-warn', 'Clock was wrong'));
      tr.append(type);
      tr.append(el('td', 'cell-reason', row.reason));
      tr.append(el('td', '', row.session));
      tr.append(el('td', 'cell-code', row.code));
      const st = el('td');
      st.append(statusChip(row.status, row.statusLabel));
      tr.append(st);
      tr.addEventListener('click', () => openEvent(row.id));
      body.append(tr);
    }
    const filtered = f.status || f.kind || f.text;
    const empty = $('log-empty');
    empty.hidden = rows.length > 0;
    empty.textContent = filtered ? 'No events match these filters.' : `No sign-ins or sign-outs on ${longDate(f.date)}.`;
    const day = f.date === today() ? `Today, ${longDate(f.date)}` : longDate(f.date);
    $('log-summary').textContent = `${day}: ${plural(rows.length, 'event')}${filtered ? ' shown' : ''}`;
  }

  // Live: a status that changes elsewhere shows without reloading.
  api.onEvent(EVENTS.eventChanged, (p) => {
    if (!ctx.isActive('log')) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      load();
      if (openId !== null && p && p.id === openId && $('event-dialog').open) loadEvent(openId, false);
    }, 150);
  }).catch(() => {});

  // ---------- an event's detail ----------
  const dialog = $('event-dialog');
  wireTabs(dialog.querySelector('[role="tablist"]'), (tab) => showEventTab(tab.id === 'event-tab-writeback'));
  $('event-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    const id = openId;
    openId = null;
    for (const tr of document.querySelectorAll('#log-rows tr.is-open')) tr.classList.remove('is-open');
    const back = document.querySelector(`#log-rows tr[data-id="${CSS.escape(String(id))}"] .row-open`);
    if (back && !$('screen-staff').hidden) back.focus({ preventScroll: true });
  });
  dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); }); // the backdrop

  function showEventTab(writeback) {
    markTab($(writeback ? 'event-tab-writeback' : 'event-tab-details'));
    $('event-details').hidden = writeback;
    $('event-writeback').hidden = !writeback;
  }

  async function openEvent(id) {
    openId = id;
    for (const tr of document.querySelectorAll('#log-rows tr')) tr.classList.toggle('is-open', tr.dataset.id === String(id));
    const row = rows.find((r) => r.id === id);
    if (row) renderDetail(row, null);
    showEventTab(false);
    showMessage($('event-error'), '');
    if (!dialog.open) dialog.showModal();
    $('event-close').focus();
    await loadEvent(id, true);
  }

  async function loadEvent(id) {
    try {
      const r = await ctx.call('event', { id });
      if (openId !== id) return;
      renderDetail(r.row, r.attempts || [], r.collector, r.clock);
    } catch (e) {
      if (ctx.dropped(e) || openId !== id) return;
      showMessage($('event-error'), e.message);
    }
  }

  /** `collector`: the contact the collecting adult's typed name matched, when it did; `clock`:
   *  for an event recorded on a wrong clock, the times staff choose between (R6.5). */
  function renderDetail(row, attempts, collector, clock) {
    $('event-title').textContent = `${row.person || '(no name)'} · ${row.type}`;
    const st = $('event-status');
    st.textContent = '';
    st.append(statusChip(row.status, row.statusLabel));
    const cause = $('event-cause');
    cause.textContent = row.cause || '';
    cause.hidden = !row.cause;
    cause.className = `cause cause-${row.status}`;
    const dl = $('event-fields');
    dl.textContent = '';
    const fields = [
      ['Date', row.date ? longDate(row.date) : ''], ['Time', row.time], ['Person', row.person],
      ['Year · group', yearGroup(row.year, row.registrationGroup)], ['Type', row.type], ['Reason', row.reason],
      ['Collected by', row.collectedBy], ['Session', row.session], ['Code', row.code],
    ];
    for (const [k, v] of fields) {
      if (!v) continue;
      const dd = el('dd', '', v);
      if (k === 'Collected by' && row.collectorUnknown) dd.append(' ', unknownCollectorFlag());
      if (k === 'Collected by' && collector) {
        const what = [collector.relationship, collector.parentalResponsibility ? 'parental responsibility' : 'allowed to collect'];
        dd.append(el('span', 'muted', ` · matches ${collector.name} (${what.filter(Boolean).join(', ')})`));
      }
      dl.append(el('dt', '', k), dd);
    }
    $('event-retry').hidden = !row.canRetry;
    $('event-retry').disabled = false;
    const held = !!(clock && row.clockHeld);
    $('event-clock').hidden = !held;
    if (held) {
      const hours = Math.abs(clock.offMinutes) >= 120 ? `${Math.round(Math.abs(clock.offMinutes) / 60)} hours` : plural(Math.abs(clock.offMinutes), 'minute');
      $('event-clock-text').textContent = `Recorded while the tablet's clock was ${hours} ${clock.offMinutes > 0 ? 'ahead' : 'behind'}. `
        + `Nothing is written for it until you confirm when it happened: ${clock.byWonde} by Wonde's clock, or ${clock.recorded} as recorded.`;
      $('event-clock-wonde').textContent = `It was ${clock.byWonde}`;
      $('event-clock-recorded').textContent = `It was ${clock.recorded}`;
      for (const b of [$('event-clock-wonde'), $('event-clock-recorded')]) b.disabled = false;
    }
    if (attempts) renderAttempts(attempts);
  }

  function renderAttempts(attempts) {
    const list = $('event-attempts');
    list.textContent = '';
    $('event-tab-writeback').textContent = `Writeback (${attempts.length})`;
    $('event-attempts-empty').hidden = attempts.length > 0;
    attempts.forEach((a, i) => {
      const li = el('li', `attempt attempt-${a.good ? 'good' : 'bad'}`);
      const head = el('div', 'attempt-head');
      head.append(el('strong', '', `Attempt ${i + 1}`), el('span', 'attempt-when', when(a.startedAt)),
        el('span', 'attempt-outcome', a.outcome));
      const dl = el('dl', 'fields fields-compact');
      const add = (k, v) => dl.append(el('dt', '', k), el('dd', '', v));
      add('Sent', a.sent || '');
      add('HTTP status', a.httpStatus == null ? 'No answer' : String(a.httpStatus));
      add("Wonde's message", a.misMessage || '—');
      add('Took', `${Number(a.durationMs) || 0} ms`);
      li.append(head, dl);
      list.append(li);
    });
  }

  /** A staff action on the open event (`act(id)` answers its new row); the log and the event
   *  are read again after it. */
  async function actOnOpenEvent(button, act, notice) {
    const id = openId;
    button.disabled = true;
    try {
      const row = await act(id);
      const i = rows.findIndex((r) => r.id === id);
      if (i >= 0) rows[i] = row;
      if (openId === id) renderDetail(row, null);
      ctx.notice(notice(row));
      await load();
      if (openId === id) await loadEvent(id);
    } catch (e) {
      if (ctx.dropped(e)) return;
      button.disabled = false;
      showMessage($('event-error'), e.message);
    }
  }
  $('event-retry').addEventListener('click', () => actOnOpenEvent($('event-retry'), (id) => ctx.call('retry', { id }),
    (row) => `Writeback for ${row.person} will be tried again: it is Pending.`));
  for (const [button, byWonde] of [['event-clock-wonde', true], ['event-clock-recorded', false]]) {
    $(button).addEventListener('click', () => actOnOpenEvent($(button), (id) => ctx.call('confirmTime', { id, byWonde }),
      (row) => `The time of ${row.person}'s ${row.type.toLowerCase()} is confirmed: ${row.time} on ${longDate(row.date)}.`));
  }

  // ---------- CSV export ----------
  const exp = $('export-dialog');
  $('log-export-open').addEventListener('click', () => {
    $('export-from').value = f.date;
    $('export-to').value = f.date;
    showMessage($('export-error'), '');
    exp.showModal();
    $('export-from').focus();
    loadExports();
  });
  $('export-cancel').addEventListener('click', () => exp.close());
  $('export-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const from = $('export-from').value;
    const to = $('export-to').value;
    if (!from || !to) { showMessage($('export-error'), 'Choose both dates.'); return; }
    if (from > to) { showMessage($('export-error'), 'The first date is after the last one.'); return; }
    $('export-go').disabled = true;
    try {
      const saved = await ctx.call('exportCsv', { from, to });
      exp.close();
      ctx.notice(`Saved ${plural(saved.events, 'event')} from ${longDate(from)} to ${longDate(to)} in ${saved.path}`);
    } catch (err) {
      if (!ctx.dropped(err)) showMessage($('export-error'), err.message);
    } finally {
      $('export-go').disabled = false;
    }
  });

  // ---------- the saved exports: in the data directory, for IT to fetch (R6.2, R6.4) ----------
  const size = (bytes) => (bytes < 1024 ? `${bytes} bytes` : `${Math.ceil(bytes / 1024)} KB`);
  function renderExports(view) {
    $('exports-folder').textContent = `Kept in ${view.folder} on this computer, deleted after the retention period.`;
    const list = $('exports-list');
    list.textContent = '';
    for (const x of view.exports) {
      const del = el('button', 'sbtn', 'Delete', { type: 'button', 'aria-label': `Delete ${x.name}` });
      del.addEventListener('click', async () => {
        del.disabled = true;
        try {
          renderExports(await ctx.call('deleteExport', { name: x.name }));
          ctx.notice(`Deleted ${x.name}.`);
        } catch (err) {
          del.disabled = false;
          if (!ctx.dropped(err)) showMessage($('export-error'), err.message);
        }
      });
      const li = el('li');
      li.append(el('span', 'export-name', x.name),
        el('span', 'muted', `${x.events == null ? 'cards' : plural(x.events, 'event')} · ${size(x.bytes)} · saved ${x.savedAt}`), del);
      list.append(li);
    }
    $('exports-empty').hidden = view.exports.length > 0;
  }
  async function loadExports() {
    try {
      renderExports(await ctx.call('exports'));
    } catch (err) {
      if (!ctx.dropped(err)) showMessage($('export-error'), err.message);
    }
  }

  return {
    show() {
      if (f.date === null) f.date = today();
      load();
    },
    reset() {
      seq += 1;
      clearTimeout(searchTimer);
      clearTimeout(refreshTimer);
      Object.assign(f, { date: null, status: null, kind: null, text: '' });
      textInput.value = '';
      rows = [];
      counts = {};
      openId = null;
      $('log-rows').textContent = '';
      $('log-summary').textContent = '';
    },
  };
}
