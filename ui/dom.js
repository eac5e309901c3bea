// Small DOM and date helpers shared by the staff area's modules.

export const $ = (id) => document.getElementById(id);

/** An element with a class and text; `attrs` sets attributes (false/null skip one). */
export function el(tag, cls, text, attrs) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v == null) continue;
      e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  return e;
}

/** Shows `message` in an error paragraph, or hides it when message is empty. */
export function showMessage(node, message) {
  node.textContent = message || '';
  node.hidden = !message;
}

/** The school's time zone (IANA name, from the home status); until it is known, the device's. */
let zone;

/** Dates and times are shown in the school's zone, whatever zone the device is set to. */
export function setSchoolZone(name) {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name || undefined });
    zone = name || undefined;
  } catch {
    zone = undefined; // a zone this engine does not know: the device's own
  }
}

const partsOf = (d, options) => Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: zone, ...options })
  .formatToParts(d).map((p) => [p.type, p.value]));

/** Today (or `now`'s day) as "YYYY-MM-DD" in the school's zone. */
export function today(now = new Date()) {
  const p = partsOf(now, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return `${p.year}-${p.month}-${p.day}`;
}

/** An instant's time of day in the school's zone: "09:42", or "09:42:05" with seconds. */
export function clockTime(d, seconds = false) {
  const p = partsOf(d, { hour: '2-digit', minute: '2-digit', second: seconds ? '2-digit' : undefined, hourCycle: 'h23' });
  return seconds ? `${p.hour}:${p.minute}:${p.second}` : `${p.hour}:${p.minute}`;
}

/** An instant as "Mon 24 Nov" (`weekday` on) or "24 Nov", in the school's zone. */
export function shortDate(d, weekday = false) {
  return d.toLocaleDateString('en-GB', { timeZone: zone, weekday: weekday ? 'short' : undefined, day: 'numeric', month: 'short' });
}

/** "YYYY-MM-DD" moved by n days. */
export function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** "Monday 24 November 2025" */
export function longDate(date) {
  const [y, m, d] = date.split('-').map(Number);
  const at = new Date(y, m - 1, d);
  const part = (o) => at.toLocaleDateString('en-GB', o);
  return `${part({ weekday: 'long' })} ${d} ${part({ month: 'long' })} ${y}`;
}

/** An ISO instant as "24 Nov 09:42:05" (or "09:42:05" today), in the school's zone. */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const time = clockTime(d, true);
  if (today(d) === today()) return time;
  return `${shortDate(d)} ${time}`;
}

/** "9", "9B" -> "Year 9 · 9B"; empty parts left out. */
export function yearGroup(year, group) {
  const y = year == null || year === '' ? '' : /^\d+$/.test(String(year)) ? `Year ${year}` : String(year);
  return [y, group || ''].filter(Boolean).join(' · ');
}

/** The flag on an early sign-out whose collecting adult matched none of the child's contacts
 *  who may collect (R10.1): the office checks who it was. */
export const unknownCollectorFlag = () => el('span', 'flag flag-warn', 'Not a known contact');

/** "1 pupil", "2 pupils" */
export const plural = (n, one, many = `${one}s`) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/**
 * Makes a row of role="tab" buttons keyboard-operable (arrow keys, Home, End) with one tab stop.
 * `select(tab)` is called on click and on arrow moves.
 */
export function wireTabs(tablist, select, vertical = false) {
  const tabs = () => [...tablist.querySelectorAll('[role="tab"]')];
  tablist.addEventListener('click', (e) => {
    const t = e.target.closest('[role="tab"]');
    if (t) select(t);
  });
  tablist.addEventListener('keydown', (e) => {
    const all = tabs();
    const i = all.indexOf(document.activeElement);
    if (i < 0) return;
    const next = vertical ? 'ArrowDown' : 'ArrowRight';
    const prev = vertical ? 'ArrowUp' : 'ArrowLeft';
    let j = null;
    if (e.key === next) j = (i + 1) % all.length;
    else if (e.key === prev) j = (i - 1 + all.length) % all.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = all.length - 1;
    if (j === null) return;
    e.preventDefault();
    all[j].focus();
    select(all[j]);
  });
}

/** Marks `tab` selected among its siblings (aria-selected, roving tabindex). */
export function markTab(tab) {
  for (const t of tab.parentElement.querySelectorAll('[role="tab"]')) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
  }
}

/**
 * `draw` wrapped to run only when one of its arguments is not the one it last drew (the kiosk's
 * state is never changed in place): a list is not rebuilt under the focus for nothing.
 * `forget()` makes the next call draw.
 */
export function redrawn(draw) {
  let last = null;
  const run = (...parts) => {
    if (last && parts.length === last.length && parts.every((p, i) => p === last[i])) return;
    last = parts;
    draw(...parts);
  };
  run.forget = () => { last = null; };
  return run;
}
