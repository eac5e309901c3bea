// Check and confirm: who, why, who is collecting, and the button that records it. Owns every
// `confirm-*` id.

import { $, el, yearGroup, showMessage } from '../../dom.js';
import { joinNames } from '../journey.js';

function buttonLabel(s) {
  if (s.flow === 'late') return 'Sign in';
  if (s.flow === 'return') return 'Sign back in';
  return s.children.length > 1 ? `Sign out ${s.children.length} children` : 'Sign out';
}

/** "Zoë O'Brien" -> "ZO": what shows where a pupil has no photo. */
export function initials(name) {
  const words = String(name).trim().split(/\s+/).filter(Boolean);
  const first = (w) => (w ? [...w][0].toLocaleUpperCase('en-GB') : '');
  return first(words[0]) + (words.length > 1 ? first(words[words.length - 1]) : '');
}

export function createConfirm(dispatch) {
  const summary = $('confirm-summary');
  const button = $('btn-confirm');
  button.addEventListener('click', () => dispatch({ type: 'confirm' }));
  $('btn-not-me').addEventListener('click', () => dispatch({ type: 'notMe' }));

  /** The photo large beside the name (R7.2), or the initials while it loads or when there is none. */
  function showPhoto(s) {
    const figure = $('confirm-photo');
    const img = $('confirm-photo-img');
    figure.hidden = !s.photo;
    if (!s.photo) return;
    // For whoever checks the screen: "waiting" for the kiosk's answer, then "shown" or "none".
    figure.dataset.photo = s.photo.src ? 'shown' : s.photo.answered ? 'none' : 'waiting';
    const c = s.children[0];
    img.hidden = !s.photo.src;
    if (s.photo.src) {
      if (img.getAttribute('src') !== s.photo.src) img.src = s.photo.src;
      img.alt = `Photo of ${c.name}`;
    } else {
      img.removeAttribute('src');
    }
    $('confirm-initials').textContent = initials(c.name);
    $('confirm-initials').hidden = !!s.photo.src;
  }

  function row(term, ...values) {
    summary.append(el('dt', null, term));
    for (const v of values) {
      const dd = el('dd');
      dd.append(v);
      summary.append(dd);
    }
  }

  function who(c) {
    const frag = document.createDocumentFragment();
    frag.append(el('span', 'summary-name', c.name));
    const meta = c.typed ? 'Not on the list: reception will check' : yearGroup(c.year, c.registrationGroup);
    if (meta) frag.append(el('span', 'summary-meta', meta));
    return frag;
  }

  function render(s) {
    summary.textContent = '';
    const early = s.flow === 'early';
    if (early) row(s.children.length > 1 ? 'Children' : 'Child', ...s.children.map(who));
    else row('Name', who(s.children[0]));
    if (s.flow === 'return' && s.children[0].at) row('Signed out at', s.children[0].at);
    if (s.reason) row('Reason', s.reason);
    if (early) row('Collected by', s.collector || '');
    showPhoto(s);
    $('btn-not-me').hidden = s.flow !== 'late' || !s.children[0] || s.children[0].typed;

    // A child saved before the error is said, so nobody thinks they must sign them out again.
    const saved = s.recorded.filter(Boolean).map((r) => r.name);
    const note = saved.length ? ` ${joinNames(saved)} ${saved.length > 1 ? 'are' : 'is'} already signed out.` : '';
    showMessage($('confirm-error'), s.error && s.error + note);
    button.disabled = s.saving;
    button.textContent = s.saving ? 'Saving…' : s.error && saved.length ? 'Try again' : buttonLabel(s);
  }

  function clear() {
    summary.textContent = '';
    $('confirm-photo-img').removeAttribute('src');
    $('confirm-photo').hidden = true;
    showMessage($('confirm-error'), '');
  }

  return { id: 'screen-confirm', focus: $('confirm-title'), render, clear };
}
