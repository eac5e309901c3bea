// The kiosk's three journeys, step by step:
//   late sign-in (R2.1): find your name -> reason -> confirm -> done
//   early sign-out (R2.2): find one child or several siblings -> reason -> who is collecting -> confirm -> done
//   returning after an appointment: pick from today's sign-outs -> confirm -> done
// Exact-match switches (R2.3, R2.4) decide whether typed names and reasons are offered.
// Nothing here talks to Tauri directly: api.js does.

import * as api from './api.js';
import { attachKeyboard } from './keyboard.js';

const $ = (id) => document.getElementById(id);

/** Seconds the confirmation stays up before the kiosk goes home by itself. */
export const DONE_SECONDS = 8;

const KIND = { late: 'late_sign_in', early: 'early_sign_out', return: 'return' };

/** Letters in a string, in any alphabet: no names are searched or shown before 2 (R2.1). */
export const letterCount = (s) => (s.match(/\p{L}/gu) || []).length;

/** "9" -> "Year 9"; "Reception" stays; null -> "". */
function yearLabel(year) {
  if (year == null || year === '') return '';
  return /^\d+$/.test(String(year)) ? `Year ${year}` : String(year);
}

/** "Year 9 · 9RB": what tells two pupils with the same name apart. */
export function pupilMeta(p) {
  return [yearLabel(p.year), p.registrationGroup || ''].filter(Boolean).join(' · ');
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

function joinNames(names) {
  if (names.length <= 1) return names.join('');
  return names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1];
}

/**
 * Wires the flow screens. `ui` gives: showScreen(id, focusEl), goHome(), setBusy(bool),
 * inactivitySeconds().
 */
export function createFlows(ui) {
  let state = fresh();
  let token = 0; // bumped on every reset: answers that arrive after one are dropped
  let searchSeq = 0;
  let inFlight = 0; // backend calls of this journey still running: taps that move on wait for them
  let doneTimer = null;
  let doneTick = null;

  function fresh() {
    return {
      flow: null, // 'late' | 'early' | 'return'
      settings: { studentExactMatch: true, reasonExactMatch: true, typedCollectorAllowed: false },
      children: [], // [{ upi, name, year, registrationGroup, typed, at }]
      reason: null,
      reasonTyped: false,
      collector: null,
      collectorTyped: false,
      recorded: [], // record_event answers, index-aligned with children
      steps: [], // history for Back: [{ name, arg }]
      typing: null, // what the typed-text screen is for
    };
  }

  // ---------- keyboards ----------
  const findInput = $('find-input');
  const typeInput = $('type-input');
  attachKeyboard(document.querySelector('[data-keyboard-for="find-input"]'), findInput, 'search');
  const typeKeyboard = attachKeyboard(document.querySelector('[data-keyboard-for="type-input"]'), typeInput, 'name');

  // ---------- navigation ----------
  function go(name, arg) {
    const top = state.steps[state.steps.length - 1];
    // A double tap must not stack the same step twice (Back would then seem to do nothing).
    if (top && top.name === name) state.steps.pop();
    state.steps.push({ name, arg });
    render(name, arg);
  }

  function replaceStep(name, arg) {
    state.steps.pop();
    go(name, arg);
  }

  function back() {
    state.steps.pop();
    const prev = state.steps[state.steps.length - 1];
    if (!prev) { ui.goHome(); return; }
    render(prev.name, prev.arg);
  }

  function render(name, arg) {
    hideErrors();
    ({ find: renderFind, type: renderType, reasons: renderReasons, collector: renderCollector,
      returning: renderReturning, confirm: renderConfirm, done: renderDone })[name](arg);
  }

  for (const b of document.querySelectorAll('[data-action="back"]')) b.addEventListener('click', back);
  for (const b of document.querySelectorAll('[data-action="cancel"]')) b.addEventListener('click', () => ui.goHome());

  function hideErrors() {
    for (const e of document.querySelectorAll('.screen:not(.screen-home) .error')) { e.hidden = true; e.textContent = ''; }
  }

  function showError(id, message) {
    const e = $(id);
    e.textContent = message;
    e.hidden = false;
  }

  /** Runs a backend call for the current journey; drops its answer if the kiosk was reset meanwhile. */
  async function guarded(promise) {
    const mine = token;
    ui.setBusy(true);
    inFlight += 1;
    try {
      const value = await promise;
      return { value, live: mine === token };
    } catch (error) {
      return { error, live: mine === token };
    } finally {
      inFlight -= 1;
      ui.setBusy(false);
    }
  }

  // ---------- start and reset ----------
  async function start(flow) {
    reset();
    state.flow = flow;
    const r = await guarded(api.kioskSettings());
    if (!r.live) return;
    if (r.error) throw r.error;
    state.settings = { ...state.settings, ...r.value };
    if (flow === 'return') go('returning');
    else go('find');
  }

  /** Forgets everything typed or picked (R2.5). */
  function reset() {
    token += 1;
    searchSeq += 1;
    clearTimeout(doneTimer);
    clearInterval(doneTick);
    state = fresh();
    findInput.value = '';
    typeInput.value = '';
    $('find-results').textContent = '';
    $('picked-list').textContent = '';
    $('choose-list').textContent = '';
    $('confirm-summary').textContent = '';
    $('done-list').textContent = '';
    hideErrors();
  }

  // ---------- find a pupil ----------
  const isEarly = () => state.flow === 'early';

  function renderFind() {
    const early = isEarly();
    $('find-title').textContent = early ? 'Find the child' : 'Find your name';
    $('find-label').textContent = early ? "Type the child's name" : 'Type your name';
    $('btn-not-listed').textContent = early ? "The child's name isn't listed" : "My name isn't listed";
    $('btn-not-listed').hidden = state.settings.studentExactMatch !== false;
    $('find-picked').hidden = !early;
    $('screen-find').classList.toggle('with-picked', early);
    renderPicked();
    ui.showScreen('screen-find', findInput);
    runSearch();
  }

  function shortHint() {
    return isEarly() ? "Type at least 2 letters of the child's name." : 'Type at least 2 letters of your name.';
  }

  findInput.addEventListener('input', runSearch);

  async function runSearch() {
    const query = findInput.value;
    const seq = ++searchSeq;
    const hint = $('find-hint');
    hint.classList.remove('is-error');
    if (letterCount(query) < 2) {
      $('find-results').textContent = '';
      hint.textContent = shortHint();
      return;
    }
    const mine = token;
    let found;
    try {
      found = await api.searchStudents(query.trim());
    } catch (e) {
      if (seq !== searchSeq || mine !== token) return;
      hint.textContent = e.message;
      hint.classList.add('is-error');
      return; // the last results stay on screen
    }
    if (seq !== searchSeq || mine !== token) return; // a newer keystroke has its own answer
    if (letterCount(findInput.value) < 2) return;
    renderResults(Array.isArray(found) ? found.slice(0, 8) : []);
  }

  function renderResults(found) {
    const list = $('find-results');
    list.textContent = '';
    const hint = $('find-hint');
    if (!found.length) {
      hint.textContent = state.settings.studentExactMatch === false
        ? `No names found. Check the spelling, or tap "${$('btn-not-listed').textContent}".`
        : 'No names found. Check the spelling, or ask at reception.';
      return;
    }
    hint.textContent = found.length === 1 ? '1 name found.' : `${found.length} names found.`;
    for (const p of found) {
      const li = el('li');
      const b = el('button', 'result');
      b.type = 'button';
      const meta = pupilMeta(p);
      const added = isEarly() && state.children.some((c) => c.upi && c.upi === p.upi);
      b.append(el('span', 'result-name', p.name));
      if (meta) b.append(el('span', 'result-meta', meta));
      if (added) {
        b.disabled = true;
        b.append(el('span', 'result-added', 'Added'));
      }
      b.setAttribute('aria-label', [p.name, meta, added ? 'added' : ''].filter(Boolean).join(', '));
      b.dataset.upi = p.upi;
      b.addEventListener('click', () => pick(p));
      li.append(b);
      list.append(li);
    }
  }

  function pick(p) {
    if (inFlight) return;
    const child = { upi: p.upi, name: p.name, year: p.year ?? null, registrationGroup: p.registrationGroup ?? null, typed: false };
    if (isEarly()) {
      addChild(child);
    } else {
      state.children = [child];
      afterChildren();
    }
  }

  function addChild(child) {
    if (child.upi && state.children.some((c) => c.upi === child.upi)) return;
    state.children.push(child);
    findInput.value = '';
    $('find-results').textContent = '';
    renderPicked();
    $('find-hint').textContent = `${child.name} added. Find a brother or sister, or tap Next.`;
    findInput.focus();
  }

  function renderPicked() {
    const list = $('picked-list');
    list.textContent = '';
    for (const [i, c] of state.children.entries()) {
      const li = el('li', 'picked-item');
      const who = el('span', 'picked-who');
      who.append(el('span', 'picked-name', c.name));
      const meta = c.typed ? 'Not on the list' : pupilMeta(c);
      if (meta) who.append(el('span', 'picked-meta', meta));
      const rm = el('button', 'btn btn-remove', 'Remove');
      rm.type = 'button';
      rm.setAttribute('aria-label', `Remove ${c.name}`);
      rm.addEventListener('click', () => {
        state.children.splice(i, 1);
        renderPicked();
        $('find-hint').textContent = `${c.name} removed.`;
        findInput.focus();
      });
      li.append(who, rm);
      list.append(li);
    }
    $('picked-empty').hidden = state.children.length > 0;
    const next = $('btn-picked-next');
    next.disabled = state.children.length === 0;
    next.textContent = state.children.length > 1 ? `Next: ${state.children.length} children` : 'Next';
  }

  $('btn-picked-next').addEventListener('click', () => {
    if (state.children.length && !inFlight) afterChildren();
  });

  $('btn-not-listed').addEventListener('click', () => {
    go('type', isEarly() ? 'child' : 'name');
  });

  // ---------- typed text: name not listed, other reason, someone else ----------
  const TYPING = {
    name: { title: 'Type your full name', label: 'Your first name and surname', mode: 'name',
      hint: 'Your name will be checked by reception.', min: 2 },
    child: { title: "Type the child's full name", label: "The child's first name and surname", mode: 'name',
      hint: 'The name will be checked by reception.', min: 2 },
    reason: { title: 'Type the reason', label: 'Reason', mode: 'text', hint: '', min: 2 },
    collector: { title: 'Who is collecting?', label: 'Your first name and surname', mode: 'name',
      hint: 'Reception may ask to see identification.', min: 2 },
  };

  function renderType(purpose) {
    const t = TYPING[purpose];
    state.typing = purpose;
    $('type-title').textContent = t.title;
    $('type-label').textContent = t.label;
    $('type-hint').textContent = t.hint;
    typeKeyboard.setMode(t.mode);
    // Start from what was typed before (the search text for a name), so nothing is typed twice.
    const typedChild = state.children[0] && state.children[0].typed ? state.children[0].name : null;
    typeInput.value = {
      name: typedChild || findInput.value.trim(),
      child: findInput.value.trim(),
      reason: state.reasonTyped ? state.reason || '' : '',
      collector: state.collectorTyped ? state.collector || '' : '',
    }[purpose];
    updateTypeNext();
    ui.showScreen('screen-type', typeInput);
  }

  function updateTypeNext() {
    const t = TYPING[state.typing];
    $('btn-type-next').disabled = !t || letterCount(typeInput.value) < t.min;
  }

  typeInput.addEventListener('input', updateTypeNext);
  typeInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !$('btn-type-next').disabled) { e.preventDefault(); typeDone(); }
  });
  $('btn-type-next').addEventListener('click', typeDone);

  function typeDone() {
    const text = typeInput.value.trim().replace(/\s+/g, ' ');
    if (letterCount(text) < 2 || inFlight) return;
    const purpose = state.typing;
    if (purpose === 'name') {
      state.children = [{ upi: null, name: text, year: null, registrationGroup: null, typed: true }];
      afterChildren();
    } else if (purpose === 'child') {
      state.children.push({ upi: null, name: text, year: null, registrationGroup: null, typed: true });
      findInput.value = '';
      typeInput.value = '';
      back(); // to the find screen, showing the list with this child in it
      $('find-hint').textContent = `${text} added. Find a brother or sister, or tap Next.`;
    } else if (purpose === 'reason') {
      state.reason = text;
      state.reasonTyped = true;
      afterReason();
    } else if (purpose === 'collector') {
      state.collector = text;
      state.collectorTyped = true;
      go('confirm');
    }
  }

  // ---------- reasons ----------
  const firstUpi = () => (state.children.find((c) => c.upi) || {}).upi ?? null;

  async function afterChildren() {
    const kind = KIND[state.flow];
    const r = await guarded(api.reasons(kind, state.children[0].typed ? null : state.children[0].upi));
    if (!r.live) return;
    if (r.error) { showStepError(r.error.message); return; }
    const list = Array.isArray(r.value) ? r.value : [];
    if (!list.length) { state.reason = null; state.reasonTyped = false; afterReason(); return; }
    go('reasons', list);
  }

  /** An error on the screen in front of the person; nothing on it is cleared. */
  function showStepError(message) {
    const current = state.steps[state.steps.length - 1];
    if (current && current.name === 'find') {
      const hint = $('find-hint');
      hint.textContent = message;
      hint.classList.add('is-error');
    } else if (current && current.name === 'type') {
      $('type-hint').textContent = message;
    } else if (current && (current.name === 'reasons' || current.name === 'returning')) {
      showError('choose-error', message);
    } else {
      showError('confirm-error', message);
    }
  }

  function chooseScreen({ title, intro, items, other, empty }) {
    $('choose-title').textContent = title;
    $('choose-intro').textContent = intro || '';
    $('choose-intro').hidden = !intro;
    const list = $('choose-list');
    list.textContent = '';
    for (const it of items) {
      const li = el('li');
      const b = el('button', 'choice' + (it.selected ? ' is-selected' : ''));
      b.type = 'button';
      b.append(el('span', 'choice-label', it.label));
      if (it.meta) b.append(el('span', 'choice-meta', it.meta));
      b.setAttribute('aria-label', [it.label, it.meta].filter(Boolean).join(', '));
      if (it.selected) b.setAttribute('aria-current', 'true');
      b.addEventListener('click', it.onPick);
      li.append(b);
      list.append(li);
    }
    const o = $('btn-choose-other');
    o.hidden = !other;
    if (other) { o.textContent = other.label; o.onclick = other.onPick; }
    $('choose-empty').hidden = !!items.length || !empty;
    $('choose-empty').textContent = empty || '';
    ui.showScreen('screen-choose', $('choose-title'));
  }

  function renderReasons(list) {
    const early = isEarly();
    const names = joinNames(state.children.map((c) => c.name));
    chooseScreen({
      title: early ? 'Why are they leaving early?' : 'Why are you late?',
      intro: early ? `Signing out ${names}` : names,
      items: list.map((r) => ({
        label: r.label,
        selected: !state.reasonTyped && state.reason === r.label,
        onPick: () => {
          if (inFlight) return;
          state.reason = r.label;
          state.reasonTyped = false;
          afterReason();
        },
      })),
      other: state.settings.reasonExactMatch === false
        ? { label: 'Other reason', onPick: () => go('type', 'reason') }
        : null,
    });
  }

  function afterReason() {
    if (isEarly()) loadCollectors();
    else go('confirm');
  }

  // ---------- who is collecting ----------
  async function loadCollectors() {
    const upi = firstUpi();
    let list = [];
    if (upi) {
      const r = await guarded(api.contacts(upi));
      if (!r.live) return;
      if (r.error) { showStepError(r.error.message); return; }
      list = Array.isArray(r.value) ? r.value : [];
    }
    go('collector', list);
  }

  function renderCollector(list) {
    const names = joinNames(state.children.map((c) => c.name));
    const allowTyped = state.settings.typedCollectorAllowed === true;
    chooseScreen({
      title: 'Who is collecting?',
      intro: `Collecting ${names}. Tap your name.`,
      items: list.map((c) => ({
        label: c.name,
        meta: c.relationship || '',
        selected: !state.collectorTyped && state.collector === c.name,
        onPick: () => { state.collector = c.name; state.collectorTyped = false; go('confirm'); },
      })),
      other: allowTyped ? { label: 'Someone else', onPick: () => go('type', 'collector') } : null,
      empty: allowTyped
        ? 'No adults are on record for this child. Tap "Someone else" to type your name.'
        : 'No adults are on record to collect this child. Please ask at reception.',
    });
  }

  // ---------- returning after an appointment ----------
  async function renderReturning() {
    chooseScreen({ title: 'Returning after an appointment', intro: 'Loading…', items: [] });
    const r = await guarded(api.signedOutToday());
    if (!r.live) return;
    if (r.error) { $('choose-intro').textContent = ''; showError('choose-error', r.error.message); return; }
    const list = Array.isArray(r.value) ? r.value : [];
    chooseScreen({
      title: 'Returning after an appointment',
      intro: list.length ? 'Tap your name to sign back in.' : '',
      items: list.map((p) => ({
        label: p.name,
        meta: [pupilMeta(p), p.at ? `signed out ${p.at}` : ''].filter(Boolean).join(' · '),
        onPick: () => {
          state.children = [{ upi: p.upi, name: p.name, year: p.year ?? null, registrationGroup: p.registrationGroup ?? null, typed: false, at: p.at }];
          go('confirm');
        },
      })),
      empty: 'Nobody has been signed out today. Please use "I\'m late" or ask at reception.',
    });
  }

  // ---------- confirm ----------
  function renderConfirm() {
    const dl = $('confirm-summary');
    dl.textContent = '';
    const row = (term, ...values) => {
      dl.append(el('dt', null, term));
      for (const v of values) {
        const dd = el('dd');
        if (typeof v === 'string') dd.textContent = v; else dd.append(v);
        dl.append(dd);
      }
    };
    const who = (c) => {
      const frag = document.createDocumentFragment();
      frag.append(el('span', 'summary-name', c.name));
      const meta = c.typed ? 'Not on the list: reception will check' : pupilMeta(c);
      if (meta) frag.append(el('span', 'summary-meta', meta));
      return frag;
    };
    const early = isEarly();
    if (early) row(state.children.length > 1 ? 'Children' : 'Child', ...state.children.map(who));
    else row('Name', who(state.children[0]));
    if (state.flow === 'return' && state.children[0].at) row('Signed out at', state.children[0].at);
    if (state.reason) row('Reason', state.reason);
    if (early) row('Collected by', state.collector || '');
    const btn = $('btn-confirm');
    btn.disabled = false;
    btn.textContent = state.flow === 'late' ? 'Sign in'
      : state.flow === 'return' ? 'Sign back in'
        : state.children.length > 1 ? `Sign out ${state.children.length} children` : 'Sign out';
    ui.showScreen('screen-confirm', $('confirm-title'));
  }

  $('btn-confirm').addEventListener('click', confirm);

  async function confirm() {
    const btn = $('btn-confirm');
    if (btn.disabled) return;
    const label = btn.textContent;
    btn.disabled = true;
    btn.textContent = 'Saving…';
    $('confirm-error').hidden = true;
    const kind = KIND[state.flow];
    // One call per child; a child already recorded (before an error) is never recorded twice.
    for (let i = 0; i < state.children.length; i += 1) {
      if (state.recorded[i]) continue;
      const c = state.children[i];
      const event = {
        kind,
        upi: c.typed ? null : c.upi,
        typedName: c.typed ? c.name : null,
        reason: state.flow === 'return' ? null : state.reason,
        reasonTyped: state.flow === 'return' ? false : !!(state.reason && state.reasonTyped),
        collectedBy: state.flow === 'early' ? state.collector : null,
      };
      const r = await guarded(api.recordEvent(event));
      if (!r.live) return;
      if (r.error) {
        const saved = state.recorded.filter(Boolean).map((x) => x.name);
        const note = saved.length ? ` ${joinNames(saved)} ${saved.length > 1 ? 'are' : 'is'} already signed out.` : '';
        showError('confirm-error', r.error.message + note);
        btn.disabled = false;
        btn.textContent = saved.length ? 'Try again' : label;
        return;
      }
      state.recorded[i] = r.value;
    }
    replaceStep('done');
  }

  // ---------- done ----------
  function renderDone() {
    ui.showScreen('screen-done', $('btn-done'));
    const flow = state.flow;
    const first = state.recorded[0] || {};
    $('done-title').textContent = flow === 'late' ? `You're signed in, ${first.name || state.children[0].name}`
      : flow === 'return' ? `Welcome back, ${first.name || state.children[0].name}`
        : state.children.length > 1 ? 'Signed out' : 'Signed out';
    const list = $('done-list');
    list.textContent = '';
    const verb = flow === 'late' ? 'Signed in at' : flow === 'return' ? 'Signed back in at' : 'Signed out at';
    state.recorded.forEach((r, i) => {
      const li = el('li', 'done-item');
      if (flow === 'early') li.append(el('span', 'done-name', r.name || state.children[i].name));
      li.append(el('span', 'done-verb', verb + ' '));
      li.append(el('strong', 'done-time', r.time));
      list.append(li);
    });
    $('done-note').textContent = flow === 'early'
      ? `Collected by ${state.collector}. Thank you.`
      : 'Please go straight to your lesson.';
    let left = Math.max(1, Math.min(DONE_SECONDS, ui.inactivitySeconds() || DONE_SECONDS));
    const countdown = $('done-countdown');
    const say = () => { countdown.textContent = `Back to the start in ${left} second${left === 1 ? '' : 's'}.`; };
    say();
    clearInterval(doneTick);
    doneTick = setInterval(() => { left -= 1; if (left > 0) say(); }, 1000);
    clearTimeout(doneTimer);
    doneTimer = setTimeout(() => ui.goHome(), left * 1000);
  }

  $('btn-done').addEventListener('click', () => ui.goHome());

  return { start, reset, back };
}
