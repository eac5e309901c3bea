// Starts the kiosk: the home screen and its status strip (R2.6), screen switching, and the
// inactivity reset that sends the kiosk home and forgets what was typed (R2.5). The staff area
// (R5) has the same reset, four times slower, and locks itself on the way home.

import * as api from './api.js';
import { createKiosk } from './kiosk/kiosk.js';
import { alreadyIn } from './kiosk/journey.js';
import { listenForScans } from './kiosk/scan.js';
import { createStaff } from './staff.js';
import { $, today, clockTime, shortDate, setSchoolZone } from './dom.js';
import { EVENTS, PAUSES, clockOffBy } from './contract.js';

const DEFAULT_INACTIVITY_SECONDS = 60;
const HOME_REFRESH_MS = 5 * 60 * 1000;
/** The staff area stays open this many times the kiosk's inactivity time. */
const STAFF_IDLE_FACTOR = 4;
const isStaffScreen = (id) => id === 'screen-pin' || id === 'screen-staff';

let inactivitySeconds = DEFAULT_INACTIVITY_SECONDS;
let busy = 0;
let idleTimer = null;
let current = 'screen-home';
const status = {
  online: null, pending: 0, lastImport: null, importing: false, demo: false, paused: null, clockWrongBy: null,
};

// ---------- screens ----------
function showScreen(id, focusEl) {
  for (const s of document.querySelectorAll('.screen')) s.hidden = s.id !== id;
  current = id;
  document.body.dataset.screen = id.replace('screen-', '');
  if (focusEl) focusEl.focus({ preventScroll: true });
  armIdle();
}

function goHome(why) {
  const fromStaff = isStaffScreen(current);
  hideHomeCard();
  kiosk.reset();
  showScreen('screen-home', why === 'boot' ? null : fromStaff ? $('btn-staff') : $('home-title'));
  if (why === 'idle') {
    say(fromStaff ? 'The staff area locked itself after a while without use.'
      : 'Back at the start. Everything typed has been cleared.');
  } else if (fromStaff && why === 'lock') {
    say('The staff area is locked.');
  }
  refreshHome();
}

function say(text) {
  const s = $('sr-announce');
  s.textContent = '';
  setTimeout(() => { s.textContent = text; }, 50);
}

// ---------- inactivity (R2.5) ----------
function armIdle() {
  clearTimeout(idleTimer);
  idleTimer = null;
  if (current === 'screen-home') return;
  const factor = isStaffScreen(current) ? STAFF_IDLE_FACTOR : 1;
  idleTimer = setTimeout(onIdle, Math.max(1, inactivitySeconds) * factor * 1000);
}

function onIdle() {
  if (isStaffScreen(current)) { staff.lock('idle'); return; }
  if (busy > 0) { armIdle(); return; } // never walk away from a sign-in being saved
  goHome('idle');
}

for (const type of ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart']) {
  document.addEventListener(type, armIdle, { capture: true, passive: true });
}

// Escape is Back for keyboard users (from the confirmation it is Done).
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || current === 'screen-home' || busy > 0) return;
  if (current === 'screen-staff') return; // dialogs close themselves; the area locks with Lock
  if (current === 'screen-pin') { e.preventDefault(); staff.lock('cancel'); return; }
  e.preventDefault();
  if (current === 'screen-done') goHome('flow'); else kiosk.back();
});

// A kiosk has no context menu (long press on a tablet).
document.addEventListener('contextmenu', (e) => e.preventDefault());

// ---------- home and status strip (R2.6) ----------
function formatImport(iso) {
  if (!iso) return 'No import yet';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'Last import unknown';
  if (today(d) === today()) return `Last import ${clockTime(d)}`;
  return `Last import ${shortDate(d, true)} ${clockTime(d)}`;
}

function renderStatus() {
  const online = $('status-online');
  online.classList.remove('is-online', 'is-offline', 'is-unknown', 'is-paused');
  if (status.paused && PAUSES[status.paused]) {
    online.textContent = PAUSES[status.paused].replace('{wrongBy}', clockOffBy(status.clockWrongBy));
    online.classList.add('is-paused');
  } else if (status.online === true) {
    online.textContent = 'Online';
    online.classList.add('is-online');
  } else if (status.online === false) {
    online.textContent = 'Offline';
    online.classList.add('is-offline');
  } else {
    online.textContent = status.demo ? 'Demo: not connected to a school system' : 'Checking connection';
    online.classList.add('is-unknown');
  }
  const n = Number(status.pending) || 0;
  $('status-pending').textContent = n === 0 ? 'Nothing waiting' : `${n} waiting`;
  $('status-import').textContent = status.importing
    ? 'Loading the school\'s names…' : formatImport(status.lastImport);
  $('offline-banner').hidden = status.online !== false;
}

async function refreshHome() {
  try {
    const h = await api.homeStatus();
    setSchoolZone(h.timeZone);
    $('school-name').textContent = h.schoolName || 'Reception';
    document.title = h.schoolName ? `${h.schoolName} reception` : 'Reception Kiosk';
    $('demo-badge').hidden = !h.demo;
    status.demo = !!h.demo;
    status.online = h.online ?? null;
    status.pending = h.pending ?? 0;
    status.paused = h.paused ?? null;
    status.clockWrongBy = h.clockWrongBy ?? null;
    status.lastImport = h.lastImport ?? null;
    status.importing = !!h.importing;
    if (Number(h.inactivitySeconds) > 0) inactivitySeconds = Number(h.inactivitySeconds);
    renderStatus();
    $('storage-banner').textContent = h.storageProblem || '';
    $('storage-banner').hidden = !h.storageProblem;
    if ($('home-error').dataset.from === 'status') $('home-error').hidden = true;
  } catch (e) {
    showHomeError(e.message, 'status');
  }
  staff.refreshBadge();
}

function showHomeError(message, from) {
  const e = $('home-error');
  e.textContent = message;
  e.dataset.from = from;
  e.hidden = false;
}

const kiosk = createKiosk({
  showScreen,
  goHome: () => goHome('flow'),
  setBusy(on) { busy = Math.max(0, busy + (on ? 1 : -1)); },
  inactivitySeconds: () => inactivitySeconds,
  startFailed: (sentence) => showHomeError(sentence, 'start'),
});

const staff = createStaff({ showScreen, goHome, say });

function startFlow(kind, scanned = null) {
  $('home-error').hidden = true;
  hideHomeCard();
  kiosk.start(kind, scanned);
}

// ---------- card readers (R7.1) ----------
const CUT_SHORT = 'The card was not read completely. Please scan it again, or find your name.';
const HOME_CARD_MS = 20 * 1000;
let homeCardTimer = null;
let looking = false;

/** What a scan at home came to when it does not start a sign-in, with the name search offered. */
function showHomeCard(sentence) {
  $('home-card-text').textContent = sentence;
  $('home-card').hidden = false;
  clearTimeout(homeCardTimer);
  homeCardTimer = setTimeout(hideHomeCard, HOME_CARD_MS);
}

function hideHomeCard() {
  clearTimeout(homeCardTimer);
  $('home-card').hidden = true;
}

/** A scan on the home screen starts a late sign-in for its pupil, past the name search. */
async function scanAtHome(text) {
  if (looking) return;
  looking = true;
  busy += 1;
  try {
    const found = await api.cardLookup(text);
    if (current !== 'screen-home') return;
    if (found.lateToday) showHomeCard(alreadyIn(found.pupil, found.lateToday));
    else startFlow('late', found.pupil);
  } catch (e) {
    if (current === 'screen-home') showHomeCard(e.message);
  } finally {
    busy -= 1;
    looking = false;
  }
}

listenForScans({
  active: () => current === 'screen-home' || current === 'screen-find',
  onScan: (text) => (current === 'screen-home' ? scanAtHome(text) : kiosk.scan(text)),
  onCutShort: () => (current === 'screen-home' ? showHomeCard(CUT_SHORT) : kiosk.cardRefused(CUT_SHORT)),
});
$('home-card-find').addEventListener('click', () => startFlow('late'));

$('btn-late').addEventListener('click', () => startFlow('late'));
$('btn-early').addEventListener('click', () => startFlow('early'));
$('btn-returning').addEventListener('click', () => startFlow('return'));
$('btn-staff').addEventListener('click', () => { $('home-error').hidden = true; staff.open(); });

api.onEvent(EVENTS.syncStatus, (p) => {
  if ('online' in p) status.online = p.online ?? null;
  if ('pending' in p) status.pending = p.pending ?? 0;
  if ('paused' in p) status.paused = p.paused ?? null;
  if ('clockWrongBy' in p) status.clockWrongBy = p.clockWrongBy ?? null;
  renderStatus();
}).catch(() => {});

// A fresh kiosk opens before its first import ends; the backend says when the names are in. That
// may happen before this listener is registered, so home is asked again once it is.
api.onEvent(EVENTS.rosterReady, refreshHome).then(refreshHome).catch(() => {});

setInterval(() => { if (current === 'screen-home') refreshHome(); }, HOME_REFRESH_MS);

renderStatus();
goHome('boot');
