// Form controls for the settings page, each bound to one value of the settings draft: the label
// is always a real <label>, switches are checkboxes with role="switch", and codes are only ever
// picked from the MIS's codes (R5.3), never typed.

import { el } from './dom.js';

let uid = 0;
const nextId = (stem) => `f-${stem}-${++uid}`;

/** A labelled field: <div class="field"><label/>control<small hint/></div>. */
export function field(label, control, hint) {
  const wrap = el('div', 'field');
  if (!control.id) control.id = nextId('x');
  wrap.append(el('label', 'field-name', label, { for: control.id }), control);
  if (hint) {
    const h = el('small', 'field-hint', hint, { id: `${control.id}-hint` });
    control.setAttribute('aria-describedby', h.id);
    wrap.append(h);
  }
  return wrap;
}

/**
 * A text, number or time input calling onChange(value) on every change. Times are "HH:MM" text
 * fields (24-hour, whatever the device's locale), checked by their pattern before saving.
 */
export function input(type, value, onChange, attrs = {}) {
  const time = type === 'time';
  if (time) {
    attrs = { inputmode: 'numeric', maxlength: 5, pattern: '([01][0-9]|2[0-3]):[0-5][0-9]', placeholder: 'HH:MM',
      'data-time': '', ...attrs };
    type = 'text';
  }
  const i = el('input', `sfield sfield-${time ? 'time' : type}`, null, { type, autocomplete: 'off', spellcheck: 'false', ...attrs });
  i.value = value == null ? '' : String(value);
  i.addEventListener(type === 'text' ? 'input' : 'change', () => onChange(i.value));
  if (type === 'number') i.addEventListener('input', () => onChange(i.value));
  return i;
}

/** A select of [value, words] pairs; the current value is kept even when it is not offered. */
export function select(options, value, onChange, missingWords) {
  const s = el('select', 'sfield sfield-select');
  const opts = options.slice();
  if (value != null && !opts.some(([v]) => v === value)) opts.unshift([value, missingWords ? missingWords(value) : String(value)]);
  for (const [v, words] of opts) {
    const o = el('option', '', words, { value: v == null ? '' : v });
    if (v === value || (v == null && value == null)) o.selected = true;
    s.append(o);
  }
  s.addEventListener('change', () => {
    const picked = opts[s.selectedIndex];
    onChange(picked ? picked[0] : null);
  });
  return s;
}

/** A code select over the MIS's codes ("L — Late"); `none` adds a "None" choice for null. */
export function codeSelect(codes, value, onChange, none) {
  const options = codes.map((c) => [c.code, c.description ? `${c.code} — ${c.description}` : c.code]);
  if (none) options.unshift([null, none]);
  return select(options, value ?? null, onChange, (v) => `${v} — not one of the MIS's codes`);
}

/** An on/off switch with its words; `hint` explains what it does. */
export function toggle(label, checked, onChange, hint) {
  const wrap = el('div', 'switch-field');
  const id = nextId('sw');
  const box = el('input', 'switch', null, { type: 'checkbox', role: 'switch', id });
  box.checked = !!checked;
  box.addEventListener('change', () => onChange(box.checked));
  const text = el('div', 'switch-text');
  text.append(el('label', 'field-name', label, { for: id }));
  if (hint) {
    text.append(el('small', 'field-hint', hint, { id: `${id}-hint` }));
    box.setAttribute('aria-describedby', `${id}-hint`);
  }
  wrap.append(box, text);
  return wrap;
}

/**
 * A pick list: one toggle chip per choice (the imported years or registration groups), so staff
 * pick what the MIS holds instead of typing it. A chosen value the roster no longer has stays
 * shown, marked, until it is unpicked. onChange gets the chosen values in the choices' order.
 */
export function pickList(label, choices, chosen, onChange, hint) {
  const wrap = el('fieldset', 'field pick-list');
  wrap.append(el('legend', 'field-name', label));
  const chips = el('div', 'chips');
  const picked = new Set(chosen);
  const all = [...choices, ...chosen.filter((v) => !choices.includes(v))];
  for (const value of all) {
    const missing = !choices.includes(value);
    const b = el('button', `chip${missing ? ' chip-missing' : ''}`, missing ? `${value} (not in the roster)` : value,
      { type: 'button', 'aria-pressed': String(picked.has(value)), 'data-value': value });
    b.addEventListener('click', () => {
      if (picked.has(value)) picked.delete(value); else picked.add(value);
      b.setAttribute('aria-pressed', String(picked.has(value)));
      onChange(all.filter((v) => picked.has(v)));
    });
    chips.append(b);
  }
  wrap.append(chips);
  if (hint) wrap.append(el('small', 'field-hint', hint));
  return wrap;
}

/** A card with a heading; returns [card, body]. */
export function card(title, intro) {
  const c = el('section', 'card settings-card');
  const id = nextId('card');
  c.setAttribute('aria-labelledby', id);
  c.append(el('h2', '', title, { id }));
  if (intro) c.append(el('p', 'muted card-intro', intro));
  return c;
}

/** "7, 8, 9" <-> ["7", "8", "9"] */
export const splitList = (s) => String(s).split(/[,;]/).map((x) => x.trim()).filter(Boolean);
export const joinList = (a) => (Array.isArray(a) ? a.join(', ') : '');
