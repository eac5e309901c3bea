// Card readers (R7.1): USB and Bluetooth readers type the card's number like a keyboard, far
// faster than a person, and end with Enter. A burst of keys is a scan when it has at least
// MIN_LENGTH characters, each within MAX_GAP_MS of the one before, and Enter follows as fast: no
// one types like that, so typing on a real keyboard is never taken for a scan. No field needs
// focus; what a scan typed into a focused field is taken out of it again.

/** Timing of a scan (milliseconds) and its length. */
export const SCAN = Object.freeze({ minLength: 4, maxGapMs: 60 });

/** No burst under way. */
export const idle = () => ({ text: '', last: -Infinity, field: null, before: '' });

/**
 * One key of a burst, pure: `key` is KeyboardEvent.key, `at` its time. Returns the burst after it
 * and, for the Enter that ends a scan, `scan` with what was read.
 */
export function feed(burst, key, at) {
  const quick = at - burst.last <= SCAN.maxGapMs;
  if (key === 'Enter') {
    const scan = quick && burst.text.length >= SCAN.minLength ? burst.text : null;
    return { burst: idle(), scan };
  }
  if (key.length !== 1) return { burst, scan: null }; // Shift before a capital, and the like
  if (quick && burst.text) return { burst: { ...burst, text: burst.text + key, last: at }, scan: null };
  return { burst: { ...idle(), text: key, last: at }, scan: null };
}

/** A burst that stopped without Enter (a reader unplugged mid-card) and was fast enough to be one. */
export const cutShort = (burst, at) => burst.text.length >= SCAN.minLength && at - burst.last > SCAN.maxGapMs;

/**
 * Listens for scans while `active()` says so. `onScan(text)` gets each scan; `onCutShort()` a scan
 * that never finished. Either way, text the burst typed into a field is taken out again.
 */
export function listenForScans({ active, onScan, onCutShort }) {
  let burst = idle();
  let timer = null;
  const putBack = (b) => {
    if (b.field && b.field.value !== b.before) {
      b.field.value = b.before;
      b.field.dispatchEvent(new Event('input', { bubbles: true }));
    }
  };
  document.addEventListener('keydown', (e) => {
    if (!active()) { burst = idle(); return; }
    const starts = e.key.length === 1 && !(burst.text && e.timeStamp - burst.last <= SCAN.maxGapMs);
    const { burst: next, scan } = feed(burst, e.key, e.timeStamp);
    if (starts) {
      const field = e.target instanceof HTMLInputElement ? e.target : null;
      next.field = field;
      next.before = field ? field.value : '';
    }
    clearTimeout(timer);
    if (scan) {
      e.preventDefault();
      putBack(burst);
      onScan(scan);
    } else if (next.text) {
      timer = setTimeout(() => {
        if (cutShort(burst, performance.now())) { putBack(burst); onCutShort(); }
        burst = idle();
      }, SCAN.maxGapMs * 4);
    }
    burst = next;
  }, true);
}
