// The on-screen keyboard (R2.1): letters, space, hyphen, apostrophe and delete, as real buttons.
// It types into a normal <input> (inputmode="none", so a tablet's own keyboard stays hidden), so a
// physical keyboard works on the same field and every change raises the usual `input` event.

const LETTER_ROWS = ['qwertyuiop', "asdfghjkl'", 'zxcvbnm-'];
const DIGIT_ROW = '1234567890';

const NAMES = { "'": 'Apostrophe', '-': 'Hyphen' };

/**
 * Builds the keys inside `container` for `input`.
 * `mode`: "search" (types lower case), "name" (capitalises each part of a name: "Mary-Jane O'Neil"),
 * or "text" (capitalises the first letter; adds a row of digits, e.g. for "M - Medical").
 * Returns { setMode(mode) }.
 */
export function attachKeyboard(container, input, mode = 'search') {
  let current = mode;

  function render() {
    container.textContent = '';
    const rows = current === 'text' ? [DIGIT_ROW, ...LETTER_ROWS] : LETTER_ROWS;
    rows.forEach((row, i) => {
      const div = document.createElement('div');
      div.className = 'kb-row';
      for (const ch of row) div.append(key(ch, ch === "'" || ch === '-' ? ch : ch.toUpperCase(), NAMES[ch]));
      if (i === rows.length - 1) div.append(key('Backspace', 'Delete', 'Delete last letter', 'kb-wide kb-delete'));
      container.append(div);
    });
    const last = document.createElement('div');
    last.className = 'kb-row';
    last.append(key(' ', 'Space', 'Space', 'kb-space'));
    last.append(key('Clear', 'Clear', 'Clear all', 'kb-wide'));
    container.append(last);
  }

  function key(value, label, aria, extra) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'kb-key' + (extra ? ' ' + extra : '');
    b.textContent = label;
    b.dataset.key = value;
    if (aria) b.setAttribute('aria-label', aria);
    // A tap must not take the focus away from the field (the caret stays where it was).
    b.addEventListener('pointerdown', (e) => e.preventDefault());
    b.addEventListener('mousedown', (e) => e.preventDefault());
    b.addEventListener('click', () => press(value));
    return b;
  }

  function press(value) {
    const focused = document.activeElement === input;
    let start = focused && input.selectionStart != null ? input.selectionStart : input.value.length;
    let end = focused && input.selectionEnd != null ? input.selectionEnd : input.value.length;
    const v = input.value;
    let next;
    let caret;
    if (value === 'Backspace') {
      if (start === end && start > 0) start -= 1;
      next = v.slice(0, start) + v.slice(end);
      caret = start;
    } else if (value === 'Clear') {
      next = '';
      caret = 0;
    } else {
      const ch = shape(value, v.slice(0, start));
      next = v.slice(0, start) + ch + v.slice(end);
      caret = start + ch.length;
    }
    if (input.maxLength > 0 && next.length > input.maxLength) return;
    if (next === v) return;
    input.value = next;
    if (focused) input.setSelectionRange(caret, caret);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }

  /** Letter case the way a person would type it in this mode. */
  function shape(ch, before) {
    if (current === 'search' || !/[a-z]/.test(ch)) return ch;
    if (before.trim() === '') return ch.toUpperCase();
    if (current === 'name') {
      // New word, second part of a double-barrelled name, or O'/D' prefixes.
      if (/[\s-]$/.test(before) || /(^|[\s-])\p{L}'$/u.test(before)) return ch.toUpperCase();
    }
    return ch;
  }

  render();
  return {
    setMode(m) {
      if (m !== current) { current = m; render(); }
    },
  };
}
