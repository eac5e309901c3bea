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

const pad = (n) => String(n).padStart(2, '0');

/** Today as "YYYY-MM-DD" in the kiosk's local time. */
export function today(now = new Date()) {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** "YYYY-MM-DD" moved by n days. */
export function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  return today(new Date(y, m - 1, d + n));
}

/** "Monday 24 November 2025" */
export function longDate(date) {
  const [y, m, d] = date.split('-').map(Number);
  const at = new Date(y, m - 1, d);
  const part = (o) => at.toLocaleDateString('en-GB', o);
  return `${part({ weekday: 'long' })} ${d} ${part({ month: 'long' })} ${y}`;
}

/** An ISO instant as "24 Nov 09:42:05" (or "09:42:05" today). */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (today(d) === today()) return time;
  return `${d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`;
}

/** "9", "9B" -> "Year 9 · 9B"; empty parts left out. */
export function yearGroup(year, group) {
  const y = year == null || year === '' ? '' : /^\d+$/.test(String(year)) ? `Year ${year}` : String(year);
  return [y, group || ''].filter(Boolean).join(' · ');
}

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
