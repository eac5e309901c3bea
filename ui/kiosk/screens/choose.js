// A list of choices, one screen for two steps: the reasons, and today's sign-outs for a pupil
// back from an appointment. Owns every `choose-*` id.

import { $, el, yearGroup, showMessage, redrawn } from '../../dom.js';
import { current, joinNames } from '../journey.js';

/** What the step shows: { title, intro, items: [{ label, meta, selected }], other, empty }. */
function view(s) {
  const step = current(s);
  const names = joinNames(s.children.map((c) => c.name));
  if (step.name === 'reasons') {
    const early = s.flow === 'early';
    return {
      title: early ? 'Why are they leaving early?' : 'Why are you late?',
      intro: early ? `Signing out ${names}` : names,
      items: step.arg.map((r) => ({ label: r.label, selected: !s.reasonTyped && s.reason === r.label })),
      other: s.settings.reasonExactMatch === false ? 'Other reason' : null,
    };
  }
  const list = s.returning || [];
  return {
    title: 'Returning after an appointment',
    intro: s.error ? '' : s.returning === null ? 'Loading…' : list.length ? 'Tap your name to sign back in.' : '',
    items: list.map((p) => ({
      label: p.name,
      meta: [yearGroup(p.year, p.registrationGroup), p.at ? `signed out ${p.at}` : ''].filter(Boolean).join(' · '),
    })),
    empty: s.returning === null ? null : 'Nobody has been signed out today. Please use "I\'m late" or ask at reception.',
  };
}

export function createChoose(dispatch) {
  const list = $('choose-list');
  const other = $('btn-choose-other');
  other.addEventListener('click', () => dispatch({ type: 'other' }));

  // Rebuilt only when what it lists changes (compared as text), not on every answer or tick.
  const drawItems = redrawn((text) => {
    list.textContent = '';
    JSON.parse(text).forEach((it, index) => {
      const b = el('button', 'choice' + (it.selected ? ' is-selected' : ''), null, {
        type: 'button', 'aria-label': [it.label, it.meta].filter(Boolean).join(', '), 'aria-current': it.selected && 'true',
      });
      b.append(el('span', 'choice-label', it.label));
      if (it.meta) b.append(el('span', 'choice-meta', it.meta));
      b.addEventListener('click', () => dispatch({ type: 'choose', index }));
      const li = el('li');
      li.append(b);
      list.append(li);
    });
  });

  function render(s) {
    const v = view(s);
    $('choose-title').textContent = v.title;
    const intro = $('choose-intro');
    intro.textContent = v.intro || '';
    intro.hidden = !v.intro;
    drawItems(JSON.stringify(v.items));
    other.hidden = !v.other;
    if (v.other) other.textContent = v.other;
    const empty = $('choose-empty');
    empty.hidden = !!v.items.length || !v.empty;
    empty.textContent = v.empty || '';
    showMessage($('choose-error'), s.error);
  }

  function clear() {
    list.textContent = '';
    drawItems.forget();
    showMessage($('choose-error'), '');
  }

  return { id: 'screen-choose', focus: $('choose-title'), render, clear };
}
