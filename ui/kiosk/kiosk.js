// The thin driver of the kiosk's journeys: it keeps the state, feeds next() the taps and the
// core's answers, does the effects next() lists (journey.js), and shows the screen of the step.
// The only file of the journeys that talks to the core (through api.js) or keeps timers.

import * as api from '../api.js';
import { initial, next, current } from './journey.js';
import { createFind } from './screens/find.js';
import { createType } from './screens/type.js';
import { createChoose } from './screens/choose.js';
import { createConfirm } from './screens/confirm.js';
import { createDone } from './screens/done.js';

const CALLS = {
  kioskSettings: api.kioskSettings,
  searchStudents: api.searchStudents,
  reasons: api.reasons,
  signedOutToday: api.signedOutToday,
  recordEvent: api.recordEvent,
  studentPhoto: api.studentPhoto,
};

/**
 * Wires the journey screens. `ui` gives: showScreen(id, focusEl), goHome(), setBusy(bool),
 * inactivitySeconds(), startFailed(sentence). Returns { start(flow), reset(), back() }.
 */
export function createKiosk(ui) {
  let state = initial();
  let shown = null; // the step whose screen is up
  let tick = null;
  let homeTimer = null;

  const choose = createChoose(dispatch);
  const screens = {
    find: createFind(dispatch),
    type: createType(dispatch),
    reasons: choose,
    returning: choose,
    confirm: createConfirm(dispatch),
    done: createDone(dispatch),
  };
  const allScreens = new Set(Object.values(screens));

  for (const b of document.querySelectorAll('[data-action="back"]')) b.addEventListener('click', () => dispatch({ type: 'back' }));
  for (const b of document.querySelectorAll('[data-action="cancel"]')) b.addEventListener('click', () => dispatch({ type: 'leave' }));

  function dispatch(action) {
    state = next(state, action);
    const { effects } = state;
    const step = current(state);
    if (step) {
      const screen = screens[step.name];
      screen.render(state);
      if (step !== shown) ui.showScreen(screen.id, screen.focus);
    }
    shown = step;
    for (const e of effects) perform(e);
  }

  function perform(e) {
    if (e.call) {
      if (e.guarded) ui.setBusy(true);
      // A guarded call is let go of before its answer is read, as the inactivity reset expects.
      const settle = (action) => { if (e.guarded) ui.setBusy(false); dispatch(action); };
      CALLS[e.call](...e.args).then(
        (value) => settle({ type: 'answered', effect: e, value }),
        (error) => settle({ type: 'failed', effect: e, error }),
      );
    } else if (e.home) {
      ui.goHome();
    } else if (e.startFailed) {
      ui.startFailed(e.startFailed);
    } else if (e.countdown) {
      stopCountdown();
      tick = setInterval(() => dispatch({ type: 'tick' }), 1000);
      homeTimer = setTimeout(() => ui.goHome(), e.countdown * 1000);
    }
  }

  function stopCountdown() {
    clearInterval(tick);
    clearTimeout(homeTimer);
  }

  /** Forgets everything typed or picked (R2.5), on screen as well as in the state. */
  function forget(action) {
    stopCountdown();
    for (const screen of allScreens) screen.clear();
    dispatch(action);
  }

  /** A card scanned while a journey is on screen: only the find step takes it. */
  async function scan(text) {
    const step = current(state);
    if (!step || step.name !== 'find' || state.waiting) return;
    const epoch = state.epoch;
    ui.setBusy(true);
    let action;
    try {
      const found = await api.cardLookup(text);
      action = { type: 'card', pupil: found.pupil, lateToday: found.lateToday };
    } catch (e) {
      action = { type: 'cardRefused', message: e.message };
    } finally {
      ui.setBusy(false);
    }
    if (state.epoch === epoch) dispatch(action);
  }

  return {
    start: (flow, scanned = null) =>
      forget({ type: 'start', flow, inactivitySeconds: ui.inactivitySeconds(), scanned }),
    scan,
    cardRefused: (message) => dispatch({ type: 'cardRefused', message }),
    reset: () => forget({ type: 'reset' }),
    back: () => dispatch({ type: 'back' }),
  };
}
