// Find a pupil (R2.1, R2.2): the search field and its on-screen keyboard, the results, and for an
// early sign-out the list of children being collected. Owns every `find-*` and `picked-*` id.

import { $, el, yearGroup, redrawn } from '../../dom.js';
import { attachKeyboard } from '../../keyboard.js';

export function createFind(dispatch) {
  const input = $('find-input');
  const hint = $('find-hint');
  const results = $('find-results');
  const picked = $('picked-list');
  const notListed = $('btn-not-listed');
  attachKeyboard(document.querySelector('[data-keyboard-for="find-input"]'), input, 'search');

  input.addEventListener('input', () => dispatch({ type: 'query', text: input.value }));
  notListed.addEventListener('click', () => dispatch({ type: 'notListed' }));
  $('btn-picked-next').addEventListener('click', () => dispatch({ type: 'picked' }));

  const early = (s) => s.flow === 'early';

  function hintText(s) {
    const h = s.hint;
    if (h.kind === 'short') return early(s) ? "Type at least 2 letters of the child's name." : 'Type at least 2 letters of your name.';
    if (h.kind === 'added') return `${h.name} added. Find a brother or sister, or tap Next.`;
    if (h.kind === 'removed') return `${h.name} removed.`;
    if (h.kind === 'message') return h.message;
    if (h.count) return h.count === 1 ? '1 name found.' : `${h.count} names found.`;
    return s.settings.studentExactMatch === false
      ? `No names found. Check the spelling, or tap "${notListed.textContent}".`
      : 'No names found. Check the spelling, or ask at reception.';
  }

  const drawResults = redrawn((found, children, isEarly) => {
    results.textContent = '';
    for (const p of found) {
      const b = el('button', 'result', null, { type: 'button' });
      const meta = yearGroup(p.year, p.registrationGroup);
      const added = isEarly && children.some((c) => c.upi && c.upi === p.upi);
      b.append(el('span', 'result-name', p.name));
      if (meta) b.append(el('span', 'result-meta', meta));
      if (added) {
        b.disabled = true;
        b.append(el('span', 'result-added', 'Added'));
      }
      b.setAttribute('aria-label', [p.name, meta, added ? 'added' : ''].filter(Boolean).join(', '));
      b.dataset.upi = p.upi;
      b.addEventListener('click', () => dispatch({ type: 'pick', pupil: p }));
      const li = el('li');
      li.append(b);
      results.append(li);
    }
  });

  const drawPicked = redrawn((children) => {
    picked.textContent = '';
    children.forEach((c, i) => {
      const who = el('span', 'picked-who');
      who.append(el('span', 'picked-name', c.name));
      const meta = c.typed ? 'Not on the list' : yearGroup(c.year, c.registrationGroup);
      if (meta) who.append(el('span', 'picked-meta', meta));
      const rm = el('button', 'btn btn-remove', 'Remove', { type: 'button', 'aria-label': `Remove ${c.name}` });
      rm.addEventListener('click', () => dispatch({ type: 'remove', index: i }));
      const li = el('li', 'picked-item');
      li.append(who, rm);
      picked.append(li);
    });
    $('picked-empty').hidden = children.length > 0;
    const next = $('btn-picked-next');
    next.disabled = children.length === 0;
    next.textContent = children.length > 1 ? `Next: ${children.length} children` : 'Next';
  });

  // The focus goes back to the field once a sibling is added or removed: the next name is typed.
  const refocus = redrawn((children, kind) => { if (kind === 'added' || kind === 'removed') input.focus(); });

  function render(s) {
    const isEarly = early(s);
    $('find-title').textContent = isEarly ? 'Find the child' : 'Find your name';
    $('find-label').textContent = isEarly ? "Type the child's name" : 'Type your name';
    notListed.textContent = isEarly ? "The child's name isn't listed" : "My name isn't listed";
    notListed.hidden = s.settings.studentExactMatch !== false;
    $('find-picked').hidden = !isEarly;
    $('screen-find').classList.toggle('with-picked', isEarly);
    if (input.value !== s.query) input.value = s.query;
    drawResults(s.results, s.children, isEarly);
    drawPicked(s.children);
    hint.textContent = hintText(s);
    hint.classList.toggle('is-error', !!s.hint.error);
    refocus(s.children, s.hint.kind);
  }

  function clear() {
    input.value = '';
    results.textContent = '';
    picked.textContent = '';
    for (const draw of [drawResults, drawPicked, refocus]) draw.forget();
  }

  return { id: 'screen-find', focus: input, render, clear };
}
