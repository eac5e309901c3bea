// The kiosk's three journeys as data, and the one function that moves a person along them:
// next(state, action) -> state. No DOM, no backend, no timers: what must happen outside (a call to
// the core, going home, the done countdown) is listed in the new state's `effects`, made fresh by
// every step, and the driver (kiosk.js) does it and reports back with an `answered` or `failed`
// action. Exact-match switches (R2.3, R2.4) decide whether typed names and reasons are offered.

import { KIND } from '../contract.js';

/** The steps of each journey, in order. A step with a loader asks the core before it shows. */
export const JOURNEYS = Object.freeze({
  late: ['find', 'reasons', 'confirm', 'done'], // R2.1
  early: ['find', 'reasons', 'collector', 'confirm', 'done'], // R2.2: one child or several siblings
  return: ['returning', 'confirm', 'done'], // back from an appointment
});

/** Seconds the confirmation stays up before the kiosk goes home by itself. */
export const DONE_SECONDS = 8;

/** Letters in a string, in any alphabet: no names are searched or shown before 2 (R2.1). */
export const letterCount = (s) => (s.match(/\p{L}/gu) || []).length;

/** "Amy, Ben and Cara" */
export function joinNames(names) {
  if (names.length <= 1) return names.join('');
  return names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1];
}

/** The step on screen: { name, arg }, or undefined before a journey has shown anything. */
export const current = (s) => s.steps[s.steps.length - 1];

/**
 * A kiosk with no journey. `epoch` counts resets: an answer asked for before one is dropped.
 * `waiting` counts guarded calls still running, stale ones included: taps that move on wait.
 */
export function initial({ epoch = 0, waiting = 0 } = {}) {
  return {
    epoch,
    waiting,
    flow: null, // 'late' | 'early' | 'return'
    settings: { studentExactMatch: true, reasonExactMatch: true },
    inactivitySeconds: null,
    children: [], // [{ upi, name, year, registrationGroup, typed, at }]
    scanned: null, // the pupil a card named at home: the journey starts past the find step
    reason: null,
    reasonTyped: false,
    collector: null, // the name the collecting adult typed
    recorded: [], // record_event answers, index-aligned with children
    steps: [], // history for Back: [{ name, arg }]; `type` steps' arg says what is typed
    query: '', // the find screen's search text
    searchSeq: 0, // bumped by every search: only the newest answer is shown
    results: [],
    hint: { kind: 'short', error: false }, // the find screen's line under the field
    typed: '', // the typed-text screen's field
    returning: null, // today's sign-outs once loaded
    error: null, // a sentence for the step on screen
    saving: false, // the confirm button waits for record_event
    photo: null, // { upi, src, answered }: the check screen's photo of the pupil; src null shows initials
    countdown: null, // seconds left on the done screen
    effects: [],
  };
}

// ---------- effects ----------

const call = (s, name, args, guarded, tag = {}) => ({
  ...s,
  waiting: s.waiting + (guarded ? 1 : 0),
  effects: [...s.effects, { call: name, args, guarded, epoch: s.epoch, ...tag }],
});
const effect = (s, e) => ({ ...s, effects: [...s.effects, e] });

// ---------- moving between steps ----------

/** Shows step `name`; a double tap must not stack the same step twice (Back would seem dead). */
function go(s, name, arg) {
  const top = current(s);
  const steps = top && top.name === name ? s.steps.slice(0, -1) : s.steps;
  return arrive({ ...s, steps: [...steps, { name, arg }] });
}

/** What showing a step (new, or again after Back) asks for. */
function arrive(s) {
  const step = current(s);
  s = { ...s, error: null };
  switch (step.name) {
    case 'find': return search(s);
    case 'type': return { ...s, typed: startingText(s, step.arg) };
    case 'returning': return call({ ...s, returning: null }, 'signedOutToday', [], true, { for: 'returning' });
    case 'confirm': return photoFor({ ...s, saving: false });
    case 'done': {
      const seconds = Math.max(1, Math.min(DONE_SECONDS, s.inactivitySeconds || DONE_SECONDS));
      return effect({ ...s, countdown: seconds }, { countdown: seconds });
    }
    default: return s;
  }
}

/** The photo of the pupil signing themself in or back (R7.2): asked for once per pupil. A parent
 *  collecting children sees none. */
function photoFor(s) {
  const c = s.children[0];
  if (s.flow === 'early' || !c || c.typed) return { ...s, photo: null };
  if (s.photo && s.photo.upi === c.upi) return s;
  return call({ ...s, photo: { upi: c.upi, src: null, answered: false } }, 'studentPhoto', [c.upi], false, { for: 'photo', upi: c.upi });
}

/** "This isn't me": back to the name search, the wrong pupil forgotten. */
function notMe(s) {
  if (s.flow !== 'late') return s;
  return go({ ...s, children: [], reason: null, reasonTyped: false, photo: null, steps: [] }, 'find');
}

/** Typed text starts from what was typed before (the search text for a name): nothing twice. */
function startingText(s, purpose) {
  const typedChild = s.children[0] && s.children[0].typed ? s.children[0].name : null;
  if (purpose === 'name') return typedChild || s.query.trim();
  if (purpose === 'child') return s.query.trim();
  if (purpose === 'reason') return s.reasonTyped ? s.reason || '' : '';
  return s.collector || '';
}

function back(s) {
  const steps = s.steps.slice(0, -1);
  if (!steps.length) return effect({ ...s, steps }, { home: true });
  return arrive({ ...s, steps });
}

/** The step after `name` in this journey; a step with a loader asks the core first. */
function after(s, name) {
  const journey = JOURNEYS[s.flow];
  const step = journey[journey.indexOf(name) + 1];
  if (step === 'reasons') return loadReasons(s);
  // The adult types their name: the kiosk never lists a child's contacts (R6.7, R10.1).
  if (step === 'collector') return go(s, 'type', 'collector');
  return go(s, step);
}

function loadReasons(s) {
  const first = s.children[0];
  return call(s, 'reasons', [KIND[s.flow], first.typed ? null : first.upi], true, { for: 'reasons' });
}

/** An error on the screen in front of the person; nothing on it is cleared. */
function stepError(s, message) {
  const step = current(s);
  if (step && step.name === 'find') return { ...s, hint: { kind: 'message', message, error: true } };
  return { ...s, error: message };
}

// ---------- find ----------

function search(s) {
  const seq = s.searchSeq + 1;
  if (letterCount(s.query) < 2) return { ...s, searchSeq: seq, results: [], hint: { kind: 'short', error: false } };
  return call({ ...s, searchSeq: seq, hint: { ...s.hint, error: false } }, 'searchStudents', [s.query.trim()], false,
    { for: 'search', seq });
}

const childOf = (p) => ({
  upi: p.upi, name: p.name, year: p.year ?? null, registrationGroup: p.registrationGroup ?? null, typed: false,
});
const typedChild = (name) => ({ upi: null, name, year: null, registrationGroup: null, typed: true });

function pick(s, pupil) {
  if (s.waiting) return s;
  const child = childOf(pupil);
  if (s.flow !== 'early') return after({ ...s, children: [child] }, 'find');
  if (child.upi && s.children.some((c) => c.upi === child.upi)) return s;
  return { ...s, children: [...s.children, child], query: '', results: [], hint: { kind: 'added', name: child.name } };
}

function remove(s, index) {
  const child = s.children[index];
  if (!child) return s;
  return { ...s, children: s.children.filter((_, i) => i !== index), hint: { kind: 'removed', name: child.name } };
}

/** A card scanned on the find screen (R7.1): its pupil, as if picked; a late pupil already
 *  signed in today is told so, not signed in twice. */
function card(s, pupil, lateToday) {
  if (current(s).name !== 'find') return s;
  if (s.flow === 'late' && lateToday) return stepError(s, alreadyIn(pupil, lateToday));
  return pick(s, pupil);
}

/** What a pupil who scans again is told. */
export const alreadyIn = (pupil, at) => `${pupil.name}, you signed in at ${at} today already. There is nothing more to do.`;

// ---------- typed text: name not listed, other reason, someone else ----------

function typed(s) {
  const text = s.typed.trim().replace(/\s+/g, ' ');
  if (letterCount(text) < 2 || s.waiting) return s;
  const purpose = current(s).arg;
  if (purpose === 'name') return after({ ...s, children: [typedChild(text)] }, 'find');
  if (purpose === 'child') {
    // Back to the find screen, showing the list with this child in it.
    const found = back({ ...s, children: [...s.children, typedChild(text)], query: '', typed: '' });
    return { ...found, hint: { kind: 'added', name: text } };
  }
  if (purpose === 'reason') return after({ ...s, reason: text, reasonTyped: true }, 'reasons');
  return after({ ...s, collector: text }, 'collector');
}

// ---------- choices: reasons, who is collecting, today's sign-outs ----------

function choose(s, index) {
  const step = current(s);
  if (step.name === 'reasons') {
    const reason = step.arg[index];
    if (!reason || s.waiting) return s;
    return after({ ...s, reason: reason.label, reasonTyped: false }, 'reasons');
  }
  const pupil = (s.returning || [])[index];
  if (!pupil) return s;
  return after({ ...s, children: [{ ...childOf(pupil), at: pupil.at }] }, 'returning');
}

function other(s) {
  const step = current(s);
  if (step.name === 'reasons' && s.settings.reasonExactMatch === false) return go(s, 'type', 'reason');
  return s;
}

// ---------- confirm ----------

/** What record_event is sent for child `i`. */
function eventFor(s, i) {
  const c = s.children[i];
  const ret = s.flow === 'return';
  return {
    kind: KIND[s.flow],
    upi: c.typed ? null : c.upi,
    typedName: c.typed ? c.name : null,
    reason: ret ? null : s.reason,
    reasonTyped: ret ? false : !!(s.reason && s.reasonTyped),
    collectedBy: s.flow === 'early' ? s.collector : null,
  };
}

/** One call per child, one at a time; a child already recorded (before an error) never twice. */
function recordNext(s) {
  const i = s.children.findIndex((_, j) => !s.recorded[j]);
  if (i < 0) return go({ ...s, steps: s.steps.slice(0, -1) }, 'done');
  return call(s, 'recordEvent', [eventFor(s, i)], true, { for: 'record', index: i });
}

// ---------- answers from the core ----------

function answered(s, e, value) {
  const list = Array.isArray(value) ? value : [];
  switch (e.for) {
    case 'settings': {
      const ready = { ...s, settings: { ...s.settings, ...value } };
      if (s.scanned) return after({ ...ready, children: [childOf(s.scanned)], scanned: null }, 'find');
      return go(ready, JOURNEYS[s.flow][0]);
    }
    case 'search':
      if (e.seq !== s.searchSeq || letterCount(s.query) < 2) return s; // a newer keystroke has its own answer
      return { ...s, results: list.slice(0, 8), hint: { kind: 'found', count: Math.min(list.length, 8), error: false } };
    case 'reasons':
      if (!list.length) return after({ ...s, reason: null, reasonTyped: false }, 'reasons');
      return go(s, 'reasons', list);
    case 'returning':
      return { ...s, returning: list };
    case 'photo':
      return s.photo && s.photo.upi === e.upi ? { ...s, photo: { upi: e.upi, src: value || null, answered: true } } : s;
    case 'record':
      return recordNext({ ...s, recorded: Object.assign([...s.recorded], { [e.index]: value }) });
    default:
      return s;
  }
}

function failed(s, e, error) {
  const message = error && error.message;
  switch (e.for) {
    case 'settings': return effect(s, { startFailed: message });
    case 'search': return e.seq === s.searchSeq ? { ...s, hint: { kind: 'message', message, error: true } } : s;
    case 'returning': return { ...s, error: message };
    case 'record': // after Back mid-save the confirm screen is gone: its error with it
      return current(s) && current(s).name === 'confirm' ? { ...s, error: message, saving: false } : { ...s, saving: false };
    default: return stepError(s, message);
  }
}

// ---------- the one entry point ----------

/** The state after `action`; see the action types below. */
export function next(state, action) {
  const s = { ...state, effects: [] };
  switch (action.type) {
    case 'start': // { flow, inactivitySeconds, scanned }: scanned, a card's pupil at home
      return call({ ...initial({ epoch: s.epoch + 1, waiting: s.waiting }), flow: action.flow,
        inactivitySeconds: action.inactivitySeconds ?? null, scanned: action.scanned ?? null },
      'kioskSettings', [], true, { for: 'settings' });
    case 'reset': // Forgets everything typed or picked (R2.5).
      return initial({ epoch: s.epoch + 1, waiting: s.waiting });
    case 'answered': // { effect, value }
    case 'failed': { // { effect, error }
      const e = action.effect;
      const t = { ...s, waiting: s.waiting - (e.guarded ? 1 : 0) };
      if (e.epoch !== s.epoch) return t; // asked before a reset
      return action.type === 'answered' ? answered(t, e, action.value) : failed(t, e, action.error);
    }
    case 'leave': return effect(s, { home: true }); // Start again, Done
    case 'tick': return s.countdown > 1 ? { ...s, countdown: s.countdown - 1 } : s;
    default: break;
  }
  if (!current(s)) return s; // a tap left over from before a reset
  switch (action.type) {
    case 'back': return back(s);
    case 'query': return search({ ...s, query: action.text }); // { text }
    case 'pick': return pick(s, action.pupil); // { pupil }: a search result
    case 'card': return card(s, action.pupil, action.lateToday); // { pupil, lateToday }: a scan
    case 'cardRefused': return current(s).name === 'find' ? stepError(s, action.message) : s; // { message }
    case 'remove': return remove(s, action.index); // { index }: a picked sibling
    case 'picked': return s.children.length && !s.waiting ? after(s, 'find') : s; // "Next: 2 children"
    case 'notListed': return go(s, 'type', s.flow === 'early' ? 'child' : 'name');
    case 'typing': return { ...s, typed: action.text }; // { text }
    case 'typed': return typed(s);
    case 'choose': return choose(s, action.index); // { index }
    case 'other': return other(s); // "Other reason", "Someone else"
    case 'confirm': return s.saving ? s : recordNext({ ...s, saving: true, error: null });
    case 'notMe': return s.saving ? s : notMe(s); // "This isn't me" on the check screen
    default: throw new Error(`no such kiosk action: ${action.type}`);
  }
}
