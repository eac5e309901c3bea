// The staff area's door and frame (R5.1): the Staff button's badge, the PIN pad (first-run setup,
// unlock, the lockout countdown), the session every staff command carries, the section tabs, and
// locking (Lock button, inactivity, an expired session). The sections live in their own modules.

import * as api from './api.js';
import { $, el, wireTabs, markTab } from './dom.js';
import { createLog } from './staff-log.js';
import { createOnSite, createCheck } from './staff-lists.js';
import { createImport } from './staff-import.js';
import { createSettings } from './staff-settings.js';
import { ERROR, PIN_RE } from './contract.js';

const PAUSED = 'Too many wrong tries.';

/** Thrown instead of an expired session's error: the PIN pad is already showing, nothing to say. */
class Dropped extends Error {}

/**
 * `ui` gives: showScreen(id, focusEl), goHome(), say(text).
 * Returns { open(), lock(why), isOpen(), onEscape(), refreshBadge() }.
 */
export function createStaff(ui) {
  let session = null;
  let gen = 0; // bumped on lock and on expiry: late answers are dropped
  let mode = 'unlock'; // 'unlock' | 'setup' | 'confirm'
  let firstPin = '';
  let lockTimer = null;
  let panel = 'log';

  const pinInput = $('pin-input');
  const pinMessage = $('pin-message');

  // ---------- the badge on the Staff button (R5.5) ----------
  async function refreshBadge() {
    let n = 0;
    try { n = Number(await api.staffCheckCount()) || 0; } catch { n = 0; }
    for (const b of [$('staff-badge'), $('check-tab-badge')]) {
      b.textContent = n > 0 ? String(n) : '';
      b.hidden = n <= 0;
    }
    const problems = `${n} configuration ${n === 1 ? 'problem' : 'problems'}`;
    $('btn-staff').setAttribute('aria-label', n > 0 ? `Staff, ${problems}` : 'Staff');
    $('tab-check').setAttribute('aria-label', n > 0 ? `Configuration check, ${problems}` : 'Configuration check');
  }

  // ---------- PIN pad ----------
  const pad = $('pin-pad');
  for (const k of ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'Delete', '0', 'OK']) {
    const b = el('button', 'pin-key', k, { type: k === 'OK' ? 'submit' : 'button', 'data-key': k });
    if (k === 'Delete') { b.classList.add('pin-key-fn'); b.setAttribute('aria-label', 'Delete last digit'); }
    if (k === 'OK') { b.classList.add('pin-key-ok'); b.id = 'pin-ok'; }
    pad.append(b);
  }
  pad.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b || b.type === 'submit') return;
    const k = b.dataset.key;
    if (k === 'Delete') pinInput.value = pinInput.value.slice(0, -1);
    else if (pinInput.value.length < 8) pinInput.value += k;
    pinInput.focus({ preventScroll: true });
  });
  pinInput.addEventListener('input', () => { pinInput.value = pinInput.value.replace(/\D/g, '').slice(0, 8); });
  $('pin-form').addEventListener('submit', (e) => { e.preventDefault(); submitPin(); });
  $('pin-cancel').addEventListener('click', () => lock('cancel'));

  function setPinMode(m, message = '') {
    mode = m;
    pinInput.value = '';
    const titles = {
      unlock: ['Staff PIN', 'Enter the staff PIN.', 'Unlock'],
      setup: ['Choose a staff PIN', 'This kiosk has no staff PIN yet. Choose 6 to 8 digits that office staff will use.', 'Next'],
      unset: ['Staff PIN', 'No staff PIN is set. The school\'s IT sets it on this kiosk with kioskctl pin set.', 'Unlock'],
      confirm: ['Choose a staff PIN', 'Type the same PIN again to check it.', 'Save PIN'],
    }[m];
    $('pin-title').textContent = titles[0];
    $('pin-intro').textContent = titles[1];
    $('pin-ok').textContent = titles[2];
    $('pin-label').textContent = m === 'setup' ? 'New staff PIN' : m === 'confirm' ? 'New staff PIN again' : 'Staff PIN';
    setPadDisabled(m === 'unset');
    pinMessage.textContent = message;
    if (!$('screen-pin').hidden && !pinInput.disabled) pinInput.focus({ preventScroll: true });
  }

  function setPadDisabled(on) {
    pinInput.disabled = on;
    for (const b of pad.querySelectorAll('button')) b.disabled = on;
  }

  /** Disables the pad and counts down while the backend says it is locked. */
  function startLockout(seconds) {
    clearInterval(lockTimer);
    let left = Math.ceil(seconds);
    setPadDisabled(true);
    const render = () => {
      pinMessage.textContent = `${PAUSED} The pad opens again in ${left} ${left === 1 ? 'second' : 'seconds'}.`;
    };
    render();
    lockTimer = setInterval(() => {
      left -= 1;
      if (left > 0) { render(); return; }
      clearInterval(lockTimer);
      lockTimer = null;
      setPadDisabled(false);
      pinMessage.textContent = 'You can try the PIN again.';
      pinInput.focus({ preventScroll: true });
    }, 1000);
  }

  async function open() {
    gen += 1;
    session = null;
    clearInterval(lockTimer);
    setPadDisabled(false);
    let status;
    try {
      status = await api.staffPinStatus();
    } catch (e) {
      setPinMode('unlock', e.message);
      ui.showScreen('screen-pin', $('pin-title'));
      return;
    }
    // With a school connected, only IT can choose the first PIN (R6.6).
    setPinMode(status.pinSet ? 'unlock' : status.canChooseFirst ? 'setup' : 'unset');
    ui.showScreen('screen-pin', mode === 'unset' ? $('pin-title') : pinInput);
    if (status.pinSet && status.lockedForSeconds > 0) startLockout(status.lockedForSeconds);
  }

  let submitting = false;
  async function submitPin() {
    const pin = pinInput.value;
    if (submitting || pinInput.disabled) return;
    if (mode === 'unset') return;
    if (mode !== 'unlock' && !PIN_RE.test(pin)) {
      pinMessage.textContent = 'A new staff PIN is 6 to 8 digits.';
      return;
    }
    if (mode === 'unlock' && !pin) { pinMessage.textContent = 'Type the staff PIN first.'; return; }
    if (mode === 'setup') { firstPin = pin; setPinMode('confirm'); return; }
    submitting = true;
    try {
      if (mode === 'confirm') {
        if (pin !== firstPin) { setPinMode('setup', 'The two PINs were different. Please choose the PIN again.'); return; }
        await api.staffSetPin(pin, null);
      }
      const r = await api.staffUnlock(pin);
      firstPin = '';
      enter(r.session);
      const wrong = Number(r.wrongTriesSinceLastVisit) || 0;
      if (wrong > 0) ctx.notice(`${wrong} wrong PIN ${wrong === 1 ? 'try' : 'tries'} at this kiosk since the last staff visit.`);
    } catch (e) {
      pinInput.value = '';
      pinMessage.textContent = e.message;
      // A wrong PIN says the tries left; anything else may be the pause (an older core sends no code).
      if (mode === 'unlock' && e.code !== ERROR.PIN_WRONG) await checkLockout();
    } finally {
      submitting = false;
    }
  }

  /** The pad's pause, from the backend's own count (the sentence's "N seconds" would go stale). */
  async function checkLockout() {
    try {
      const s = await api.staffPinStatus();
      if (s.lockedForSeconds > 0) startLockout(s.lockedForSeconds);
    } catch { /* the sentence already shown is enough */ }
  }

  // ---------- the session and the sections ----------
  const ctx = {
    /** Calls a staff command with the session; an expired session goes back to the PIN pad. */
    async call(name, args) {
      const mine = gen;
      if (!session) throw new Dropped('locked');
      try {
        const value = await api.staff(session)[name](args);
        if (mine !== gen) throw new Dropped('stale');
        return value;
      } catch (e) {
        if (e instanceof Dropped || mine !== gen) throw e instanceof Dropped ? e : new Dropped('stale');
        if (e.code === ERROR.SESSION_EXPIRED) { expire(e.message); throw new Dropped('expired'); }
        throw e;
      }
    },
    /** True for errors that must not be shown (the area locked meanwhile). */
    dropped: (e) => e instanceof Dropped,
    notice(text) { $('staff-notice').textContent = text; ui.say(text); },
    refreshBadge,
    isActive: (name) => session !== null && panel === name,
  };

  const sections = {
    log: createLog(ctx),
    onsite: createOnSite(ctx),
    import: createImport(ctx),
    settings: createSettings(ctx),
    check: createCheck(ctx),
  };

  wireTabs($('staff-tabs'), (tab) => showPanel(tab.dataset.panel), true);

  function showPanel(name, focus = false) {
    if (panel === 'settings' && name !== 'settings' && sections.settings.dirty()) {
      ctx.notice('Settings have unsaved changes: they are kept until you save, undo or lock.');
    }
    panel = name;
    markTab($(`tab-${name}`));
    for (const p of document.querySelectorAll('.staff-panel')) p.hidden = p.id !== `panel-${name}`;
    sections[name].show();
    if (focus) $(`tab-${name}`).focus({ preventScroll: true });
  }

  function enter(s) {
    session = s;
    gen += 1;
    clearInterval(lockTimer);
    $('staff-notice').textContent = '';
    $('staff-school').textContent = document.getElementById('school-name').textContent;
    ui.showScreen('screen-staff', $('staff-title'));
    showPanel(panel === 'settings' && !sections.settings.dirty() ? 'log' : panel);
    refreshBadge();
  }

  function closeDialogs() {
    for (const d of document.querySelectorAll('dialog[open]')) d.close();
  }

  /** The session ended under us: back to the pad with the backend's sentence. */
  function expire(sentence) {
    gen += 1;
    session = null;
    closeDialogs();
    setPadDisabled(false);
    setPinMode('unlock', sentence);
    ui.showScreen('screen-pin', pinInput);
  }

  /** Locks the staff area and goes home: Lock, Cancel on the pad, or inactivity (why = 'idle'). */
  function lock(why) {
    const s = session;
    gen += 1;
    session = null;
    clearInterval(lockTimer);
    lockTimer = null;
    closeDialogs();
    for (const sec of Object.values(sections)) sec.reset();
    panel = 'log';
    pinInput.value = '';
    firstPin = '';
    if (s) api.staffLock(s).catch(() => {});
    ui.goHome(why);
  }

  $('staff-lock').addEventListener('click', () => lock('lock'));

  return {
    open,
    lock,
    refreshBadge,
    isOpen: () => session !== null,
  };
}
