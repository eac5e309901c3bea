// Cards (R7.1), on the Import page: a sheet of QR cards for a year or a registration group,
// saved as a PDF in the exports folder or printed, and "Replace lost card" for one pupil in the
// people list (staff-import.js), after which the old card finds no one.

import { $, el, showMessage, plural } from './dom.js';

export function createCards(ctx) {
  let groups = []; // [[value, words]]: "year:7", "reg:7B"

  async function loadGroups() {
    let r;
    try { r = await ctx.call('settings'); } catch (e) {
      if (!ctx.dropped(e)) showMessage($('cards-error'), e.message);
      return;
    }
    groups = [
      ...(r.years || []).map((y) => [`year:${y}`, /^\d+$/.test(y) ? `Year ${y}` : y]),
      ...(r.registrationGroups || []).map((g) => [`reg:${g}`, g]),
    ];
    const pick = $('cards-group');
    const was = pick.value;
    pick.textContent = '';
    for (const [value, words] of groups) pick.append(el('option', '', words, { value }));
    if (groups.some(([v]) => v === was)) pick.value = was;
    for (const b of [$('cards-save'), $('cards-print')]) b.disabled = groups.length === 0;
  }

  async function make(print) {
    const value = $('cards-group').value;
    const [kind, name] = [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)];
    if (!name) return;
    const words = (groups.find(([v]) => v === value) || [value, name])[1];
    showMessage($('cards-error'), '');
    for (const b of [$('cards-save'), $('cards-print')]) b.disabled = true;
    try {
      const args = kind === 'year' ? { year: name, registrationGroup: null } : { year: null, registrationGroup: name };
      const sheet = await ctx.call('cardSheet', { ...args, print });
      ctx.notice(`${plural(sheet.cards, 'card')} for ${words} ${print ? 'sent to the printer and ' : ''}saved as ${sheet.name} in the exports.`);
    } catch (e) {
      if (!ctx.dropped(e)) showMessage($('cards-error'), e.message);
    } finally {
      for (const b of [$('cards-save'), $('cards-print')]) b.disabled = groups.length === 0;
    }
  }
  $('cards-save').addEventListener('click', () => make(false));
  $('cards-print').addEventListener('click', () => make(true));

  /** The button on a pupil's row of the people list: their old card stops working. */
  function replaceButton(p, nameId) {
    const b = el('button', 'sbtn', 'Replace lost card', { type: 'button', 'aria-describedby': nameId });
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        const r = await ctx.call('reissueCard', { misId: p.misId });
        ctx.notice(`${r.name}'s old card no longer works. Print a sheet for their group to give them the new one.`);
      } catch (e) {
        if (!ctx.dropped(e)) showMessage($('people-error'), e.message);
      } finally {
        b.disabled = false;
      }
    });
    return b;
  }

  return { show: loadGroups, replaceButton };
}
