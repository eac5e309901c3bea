// Two read-only pages of the staff area: "On site now" (R5.6), the day's late sign-ins, early
// sign-outs and returns, printed as a roll call by the kiosk itself on the printer in Settings
// (the web view's print dialog is never opened: its file chooser browses the disk, L7); and the
// configuration check (R5.5), what will make writebacks fail before they do, problems first.

import { $, el, showMessage, longDate, today, yearGroup, plural, unknownCollectorFlag } from './dom.js';

export function createOnSite(ctx) {
  let seq = 0;

  async function load() {
    const mine = ++seq;
    let list;
    try {
      list = await ctx.call('onSite');
    } catch (e) {
      if (!ctx.dropped(e) && mine === seq) showMessage($('onsite-error'), e.message);
      return;
    }
    if (mine !== seq) return;
    showMessage($('onsite-error'), '');
    const body = $('onsite-rows');
    body.textContent = '';
    for (const p of list) {
      const tr = el('tr', `onsite-${/late/i.test(p.type) ? 'late' : /early|out/i.test(p.type) ? 'out' : 'back'}`);
      for (const v of [p.time, p.person, yearGroup(p.year, p.registrationGroup), p.type, p.reason, p.collectedBy]) {
        tr.append(el('td', '', v || ''));
      }
      if (p.collectorUnknown) tr.lastChild.append(' ', unknownCollectorFlag());
      tr.children[1].className = 'cell-strong';
      body.append(tr);
    }
    $('onsite-empty').hidden = list.length > 0;
    const count = (re) => list.filter((p) => re.test(p.type || '')).length;
    $('onsite-summary').textContent = `${longDate(today())}: ${plural(count(/late/i), 'late sign-in')}, `
      + `${plural(count(/early|out/i), 'early sign-out')}, ${plural(count(/return/i), 'return')}.`;
  }

  $('onsite-refresh').addEventListener('click', load);
  $('onsite-print').addEventListener('click', async () => {
    const button = $('onsite-print');
    button.disabled = true;
    // The page shows what the sheet lists: the printer gets the list as it is now.
    await load();
    try {
      const printed = await ctx.call('printOnSite');
      showMessage($('onsite-error'), '');
      ctx.notice(`Sent ${plural(printed.rows, 'row')} to the printer ${printed.printer}.`);
    } catch (e) {
      if (!ctx.dropped(e)) showMessage($('onsite-error'), e.message);
    } finally {
      button.disabled = false;
    }
  });

  return {
    show: load,
    reset() { seq += 1; $('onsite-rows').textContent = ''; $('onsite-summary').textContent = ''; },
  };
}

const SEVERITY = {
  problem: { word: 'Problem', rank: 0 },
  warning: { word: 'Warning', rank: 1 },
  ok: { word: 'OK', rank: 2 },
};

export function createCheck(ctx) {
  let seq = 0;

  async function load() {
    const mine = ++seq;
    $('check-refresh').disabled = true;
    let items;
    try {
      items = await ctx.call('configCheck');
    } catch (e) {
      if (!ctx.dropped(e) && mine === seq) showMessage($('check-error'), e.message);
      return;
    } finally {
      if (mine === seq) $('check-refresh').disabled = false;
    }
    if (mine !== seq) return;
    showMessage($('check-error'), '');
    const sorted = items.slice().sort((a, b) => (SEVERITY[a.severity]?.rank ?? 3) - (SEVERITY[b.severity]?.rank ?? 3));
    const list = $('check-list');
    list.textContent = '';
    for (const it of sorted) {
      const sev = SEVERITY[it.severity] ? it.severity : 'warning';
      const li = el('li', `check check-${sev}`);
      li.append(el('span', `sev sev-${sev}`, SEVERITY[sev].word));
      const text = el('div', 'check-text');
      text.append(el('h3', 'check-title', it.title), el('p', 'check-detail', it.detail || ''));
      li.append(text);
      list.append(li);
    }
    const problems = items.filter((i) => i.severity === 'problem').length;
    const warnings = items.filter((i) => i.severity === 'warning').length;
    $('check-summary').textContent = problems + warnings === 0
      ? 'Everything checked is in order.'
      : `${plural(problems, 'problem')} and ${plural(warnings, 'warning')}. Problems will make writebacks fail.`;
    ctx.refreshBadge();
  }

  $('check-refresh').addEventListener('click', load);

  return {
    show: load,
    reset() { seq += 1; $('check-list').textContent = ''; $('check-summary').textContent = ''; },
  };
}
