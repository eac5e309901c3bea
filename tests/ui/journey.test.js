// The kiosk's journeys as the state machine (ui/kiosk/journey.js) runs them, in plain Node with no
// browser: what each tap leads to, what the core is asked, and what is recorded.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { initial, next, current, DONE_SECONDS } = require('../../ui/kiosk/journey.js');

const ZOE = { upi: 'A100', name: "Zoë O'Brien", year: '9', registrationGroup: '9RB' };
const AMY = { upi: 'A200', name: 'Amy Smith-Jones', year: '7', registrationGroup: '7JM' };
const BEN = { upi: 'A201', name: 'Ben Smith-Jones', year: '10', registrationGroup: '10KP' };
const REASONS = [{ label: 'Medical appointment' }, { label: 'Illness' }];
const SETTINGS = { studentExactMatch: true, reasonExactMatch: true };

/**
 * Runs `steps` from a fresh kiosk. A step is an action, or the core's reply to the oldest call
 * still open by that name (the newest with `newest: true`): { answer: 'reasons', value } or
 * { refuse: 'reasons', message }.
 * Returns { s, calls, effects, open }: every call asked for (name and args), every effect.
 */
function run(...steps) {
  let s = initial();
  const calls = [];
  const effects = [];
  const open = [];
  for (const step of steps) {
    let action = step;
    const name = step.answer || step.refuse;
    if (name) {
      const i = step.newest ? open.findLastIndex((e) => e.call === name) : open.findIndex((e) => e.call === name);
      assert.ok(i >= 0, `no ${name} call is open`);
      const [effect] = open.splice(i, 1);
      action = step.answer ? { type: 'answered', effect, value: step.value } : { type: 'failed', effect, error: { code: null, message: step.message } };
    }
    s = next(s, action);
    for (const e of s.effects) {
      effects.push(e);
      if (e.call) { calls.push([e.call, ...e.args]); open.push(e); }
    }
  }
  return { s, calls, effects, open };
}

const start = (flow, settings = SETTINGS) => [{ type: 'start', flow }, { answer: 'kioskSettings', value: settings }];
const find = (query, found) => [{ type: 'query', text: query }, { answer: 'searchStudents', value: found }];
const stepNames = (s) => s.steps.map((x) => x.name);
const recorded = (calls) => calls.filter(([name]) => name === 'recordEvent').map(([, event]) => event);
const times = (...ts) => ts.map((time, i) => ({ answer: 'recordEvent', value: { id: i + 1, name: null, time } }));

test('a late sign-in goes find, reason, confirm, done and records one late sign-in', () => {
  const { s, calls } = run(...start('late'), ...find('zo', [ZOE]), { type: 'pick', pupil: ZOE },
    { answer: 'reasons', value: REASONS }, { type: 'choose', index: 0 }, { type: 'confirm' }, ...times('09:42'));
  assert.deepEqual(stepNames(s), ['find', 'reasons', 'done']); // done replaces confirm: Back never undoes it
  assert.deepEqual(calls.find(([n]) => n === 'reasons'), ['reasons', 'late_sign_in', 'A100']);
  assert.deepEqual(recorded(calls), [{
    kind: 'late_sign_in', upi: 'A100', typedName: null, reason: 'Medical appointment', reasonTyped: false, collectedBy: null,
  }]);
});

test('an early sign-out of two siblings asks the adult to type their name once and records each child', () => {
  const { s, calls } = run(...start('early'), ...find('smith', [AMY, BEN]), { type: 'pick', pupil: AMY },
    ...find('ben', [BEN]), { type: 'pick', pupil: BEN }, { type: 'picked' },
    { answer: 'reasons', value: REASONS }, { type: 'choose', index: 1 },
    { type: 'typing', text: '  Claire   Smith-Jones ' }, { type: 'typed' }, { type: 'confirm' }, ...times('14:05', '14:06'));
  // R6.7: nothing asks the core who the child's contacts are.
  assert.deepEqual(calls.map(([n]) => n).filter((n) => !['kioskSettings', 'searchStudents', 'reasons', 'recordEvent'].includes(n)), []);
  assert.deepEqual(recorded(calls).map((e) => [e.upi, e.reason, e.collectedBy]),
    [['A200', 'Illness', 'Claire Smith-Jones'], ['A201', 'Illness', 'Claire Smith-Jones']]);
  assert.equal(current(s).name, 'done');
});

test('picking a sibling twice adds them once, and a removed one can be picked again', () => {
  const picked = run(...start('early'), { type: 'pick', pupil: AMY }, { type: 'pick', pupil: AMY });
  assert.deepEqual(picked.s.children.map((c) => c.name), ['Amy Smith-Jones']);
  assert.deepEqual(picked.s.hint, { kind: 'added', name: 'Amy Smith-Jones' });
  const removed = run(...start('early'), { type: 'pick', pupil: AMY }, { type: 'remove', index: 0 }, { type: 'pick', pupil: AMY });
  assert.equal(removed.s.children.length, 1);
});

test('a pupil back from an appointment picks from today\'s sign-outs and signs back in with no reason', () => {
  const { s, calls } = run(...start('return'),
    { answer: 'signedOutToday', value: [{ ...ZOE, at: '10:15' }] }, { type: 'choose', index: 0 });
  assert.deepEqual(stepNames(s), ['returning', 'confirm']);
  assert.equal(s.children[0].at, '10:15');
  const done = run(...start('return'), { answer: 'signedOutToday', value: [{ ...ZOE, at: '10:15' }] },
    { type: 'choose', index: 0 }, { type: 'confirm' });
  assert.deepEqual(recorded(done.calls), [{
    kind: 'return', upi: 'A100', typedName: null, reason: null, reasonTyped: false, collectedBy: null,
  }]);
  assert.ok(!calls.some(([n]) => n === 'reasons'), 'no reasons are asked for a return');
});

// The typed-text variants the exact-match settings allow (R2.3, R2.4).
for (const { name, settings, taps, expect } of [
  { name: 'a name that isn\'t listed is typed, its reasons asked with no upi, and recorded by name',
    settings: { studentExactMatch: false },
    taps: [{ type: 'notListed' }, { type: 'typing', text: '  new   pupil ' }, { type: 'typed' },
      { answer: 'reasons', value: REASONS }, { type: 'choose', index: 0 }],
    expect: (r) => {
      assert.deepEqual(r.calls.find(([n]) => n === 'reasons'), ['reasons', 'late_sign_in', null]);
      assert.deepEqual([r.s.children[0].name, r.s.children[0].typed], ['new pupil', true]);
    } },
  { name: 'another reason is typed and recorded as typed',
    settings: { reasonExactMatch: false },
    taps: [{ type: 'pick', pupil: ZOE }, { answer: 'reasons', value: REASONS }, { type: 'other' },
      { type: 'typing', text: 'M - Dentist' }, { type: 'typed' }],
    expect: (r) => assert.deepEqual([r.s.reason, r.s.reasonTyped, current(r.s).name], ['M - Dentist', true, 'confirm']) },
  { name: 'with Reason Exact Match on, "Other reason" leads nowhere',
    settings: { reasonExactMatch: true },
    taps: [{ type: 'pick', pupil: ZOE }, { answer: 'reasons', value: REASONS }, { type: 'other' }],
    expect: (r) => assert.equal(current(r.s).name, 'reasons') },
  { name: 'fewer than 2 letters typed cannot be used',
    settings: { studentExactMatch: false },
    taps: [{ type: 'notListed' }, { type: 'typing', text: "j '" }, { type: 'typed' }],
    expect: (r) => assert.equal(current(r.s).name, 'type') },
]) {
  test(name, () => expect(run(...start('late', { ...SETTINGS, ...settings }), ...taps)));
}

test('the collecting adult types their name, and Back from confirm shows it again to correct', () => {
  const upToCollector = run(...start('early'),
    { type: 'pick', pupil: AMY }, { type: 'picked' }, { answer: 'reasons', value: REASONS }, { type: 'choose', index: 0 });
  assert.deepEqual(current(upToCollector.s), { name: 'type', arg: 'collector' });
  assert.equal(next(next(upToCollector.s, { type: 'typing', text: 'J' }), { type: 'typed' }).steps.length,
    upToCollector.s.steps.length, 'one letter is not a name');
  const s = next(next(upToCollector.s, { type: 'typing', text: "Mary-Jane O'Neil" }), { type: 'typed' });
  assert.deepEqual([s.collector, current(s).name], ["Mary-Jane O'Neil", 'confirm']);
  const back = next(s, { type: 'back' });
  assert.deepEqual([current(back), back.typed], [{ name: 'type', arg: 'collector' }, "Mary-Jane O'Neil"]);
});

test('a typed child joins the list and the find screen says so', () => {
  const { s } = run(...start('early', { ...SETTINGS, studentExactMatch: false }), { type: 'query', text: 'new' },
    { type: 'notListed' }, { type: 'typing', text: 'New Child' }, { type: 'typed' });
  assert.deepEqual(stepNames(s), ['find']);
  assert.deepEqual([s.children[0].name, s.query, s.hint.kind], ['New Child', '', 'added']);
});

test('a pupil with no reasons for their group goes straight to confirm', () => {
  const { s } = run(...start('late'), { type: 'pick', pupil: ZOE }, { answer: 'reasons', value: [] });
  assert.deepEqual([current(s).name, s.reason], ['confirm', null]);
});

test('an answer that arrives after Start again is dropped', () => {
  const r = run(...start('late'), { type: 'pick', pupil: ZOE }, { type: 'reset' }, { answer: 'reasons', value: REASONS });
  assert.deepEqual(r.s.steps, []);
  assert.equal(r.s.waiting, 0);
});

test('a second tap while the reasons are being fetched waits, even for a call from before Start again', () => {
  const r = run(...start('late'), { type: 'pick', pupil: ZOE }, { type: 'pick', pupil: ZOE });
  assert.equal(r.calls.filter(([n]) => n === 'reasons').length, 1);
  const again = run(...start('late'), { type: 'pick', pupil: ZOE }, ...start('late'), { type: 'pick', pupil: ZOE });
  assert.equal(again.calls.filter(([n]) => n === 'reasons').length, 1, 'the old call still runs');
  const after = run(...start('late'), { type: 'pick', pupil: ZOE }, ...start('late'),
    { answer: 'reasons', value: REASONS }, { type: 'pick', pupil: ZOE });
  assert.equal(after.calls.filter(([n]) => n === 'reasons').length, 2);
});

test('nothing is searched before 2 letters, and an older answer never replaces a newer one', () => {
  const short = run(...start('late'), { type: 'query', text: "z '-" });
  assert.ok(!short.calls.some(([n]) => n === 'searchStudents'));
  assert.equal(short.s.hint.kind, 'short');
  const r = run(...start('late'), { type: 'query', text: 'zo' }, { type: 'query', text: 'zoe' },
    { answer: 'searchStudents', value: [ZOE], newest: true }, { answer: 'searchStudents', value: [ZOE, AMY] });
  assert.deepEqual(r.s.results, [ZOE], "the answer for 'zo' came last and is dropped");
  const late = run(...start('late'), { type: 'query', text: 'zoe' }, { type: 'query', text: 'z' },
    { answer: 'searchStudents', value: [ZOE] });
  assert.deepEqual(late.s.results, []);
});

test('a failed search keeps the results and says why', () => {
  const { s } = run(...start('late'), ...find('zo', [ZOE]), { type: 'query', text: 'zoe' },
    { refuse: 'searchStudents', message: 'The names are still loading.' });
  assert.deepEqual(s.results, [ZOE]);
  assert.deepEqual(s.hint, { kind: 'message', message: 'The names are still loading.', error: true });
});

test('a failed save keeps the children already recorded and a retry records only the rest', () => {
  const upToConfirm = [...start('early'), { type: 'pick', pupil: AMY }, { type: 'pick', pupil: BEN }, { type: 'picked' },
    { answer: 'reasons', value: [] }, { type: 'typing', text: 'Claire' }, { type: 'typed' }];
  const failed = run(...upToConfirm, { type: 'confirm' }, ...times('14:05'),
    { refuse: 'recordEvent', message: 'The kiosk could not save this.' });
  assert.deepEqual([current(failed.s).name, failed.s.error, failed.s.saving], ['confirm', 'The kiosk could not save this.', false]);
  const retried = run(...upToConfirm, { type: 'confirm' }, ...times('14:05'),
    { refuse: 'recordEvent', message: 'The kiosk could not save this.' }, { type: 'confirm' }, ...times('14:06'));
  assert.deepEqual(recorded(retried.calls).map((e) => e.upi), ['A200', 'A201', 'A201']);
  assert.deepEqual(retried.s.recorded.map((x) => x.time), ['14:05', '14:06']);
});

test('a second tap on Sign in while saving records nothing more', () => {
  const { calls } = run(...start('late'), { type: 'pick', pupil: ZOE }, { answer: 'reasons', value: [] },
    { type: 'confirm' }, { type: 'confirm' });
  assert.equal(recorded(calls).length, 1);
});

test('Back goes one step back and keeps what was typed; from the first step it goes home', () => {
  const r = run(...start('late'), ...find('zo', [ZOE]), { type: 'pick', pupil: ZOE }, { answer: 'reasons', value: REASONS },
    { type: 'back' });
  assert.deepEqual([stepNames(r.s), r.s.query], [['find'], 'zo']);
  assert.deepEqual(r.calls.filter(([n]) => n === 'searchStudents').length, 2, 'the results are asked again');
  const home = run(...start('late'), { type: 'back' });
  assert.ok(home.effects.some((e) => e.home));
});

test('the confirmation goes home after DONE_SECONDS, or sooner when the inactivity time is shorter', () => {
  for (const [inactivitySeconds, seconds] of [[60, DONE_SECONDS], [3, 3], [null, DONE_SECONDS]]) {
    const { s, effects } = run({ type: 'start', flow: 'late', inactivitySeconds }, { answer: 'kioskSettings', value: {} },
      { type: 'pick', pupil: ZOE }, { answer: 'reasons', value: [] }, { type: 'confirm' }, ...times('09:42'));
    assert.deepEqual(effects.filter((e) => e.countdown), [{ countdown: seconds }]);
    assert.equal(next(next(s, { type: 'tick' }), { type: 'tick' }).countdown, Math.max(1, seconds - 2));
  }
});

test('when a sign-in cannot start, home is told why', () => {
  const { effects, s } = run({ type: 'start', flow: 'late' }, { refuse: 'kioskSettings', message: 'Still starting.' });
  assert.deepEqual(effects.filter((e) => e.startFailed), [{ startFailed: 'Still starting.' }]);
  assert.deepEqual(s.steps, []);
});

test('a card scanned at home starts the late sign-in past the name search: a reason and Sign in are its two taps (R7.1, R7.3)', () => {
  const { s, calls } = run({ type: 'start', flow: 'late', scanned: ZOE }, { answer: 'kioskSettings', value: SETTINGS },
    { answer: 'reasons', value: REASONS }, { type: 'choose', index: 0 }, { type: 'confirm' }, ...times('09:12'));
  assert.deepEqual(calls.filter(([n]) => n === 'searchStudents'), [], 'no name search');
  assert.deepEqual(stepNames(s), ['reasons', 'done']);
  assert.deepEqual(recorded(calls).map((e) => [e.kind, e.upi, e.reason]), [['late_sign_in', 'A100', 'Medical appointment']]);
  // Back from the reasons goes home: the scan did not pass through the find screen.
  const back = run({ type: 'start', flow: 'late', scanned: ZOE }, { answer: 'kioskSettings', value: SETTINGS },
    { answer: 'reasons', value: REASONS }, { type: 'back' });
  assert.deepEqual(back.effects.at(-1), { home: true });
});

test('a card scanned on the find screen picks its pupil; a late pupil already in is told so, and a refused card says why', () => {
  const picked = run(...start('late'), { type: 'card', pupil: ZOE, lateToday: null }, { answer: 'reasons', value: REASONS });
  assert.deepEqual(stepNames(picked.s), ['find', 'reasons']);
  const again = run(...start('late'), { type: 'card', pupil: ZOE, lateToday: '09:05' });
  assert.deepEqual(stepNames(again.s), ['find']);
  assert.equal(again.s.hint.message, "Zoë O'Brien, you signed in at 09:05 today already. There is nothing more to do.");
  assert.deepEqual(again.calls.filter(([n]) => n === 'reasons'), []);
  // A parent scans each child's card to collect them both; being in late today does not matter.
  const siblings = run(...start('early'), { type: 'card', pupil: AMY, lateToday: '09:30' }, { type: 'card', pupil: BEN, lateToday: null });
  assert.deepEqual(siblings.s.children.map((c) => c.upi), ['A200', 'A201']);
  const refused = run(...start('late'), { type: 'cardRefused', message: 'This card is not known to the kiosk.' });
  assert.deepEqual(refused.s.hint, { kind: 'message', message: 'This card is not known to the kiosk.', error: true });
});

test('the check screen asks for the pupil\'s photo once, and "This isn\'t me" goes back to the name search (R7.2)', () => {
  const { s, calls } = run(...start('late'), ...find('zo', [ZOE]), { type: 'pick', pupil: ZOE },
    { answer: 'reasons', value: [] }, { answer: 'studentPhoto', value: 'data:image/png;base64,AAAA' });
  assert.equal(current(s).name, 'confirm');
  assert.deepEqual(calls.filter(([n]) => n === 'studentPhoto'), [['studentPhoto', 'A100']]);
  assert.deepEqual(s.photo, { upi: 'A100', src: 'data:image/png;base64,AAAA', answered: true });
  const asked = run(...start('late'), ...find('zo', [ZOE]), { type: 'pick', pupil: ZOE }, { answer: 'reasons', value: [] });
  assert.deepEqual(asked.s.photo, { upi: 'A100', src: null, answered: false }, 'initials while it comes');
  const none = run(...start('late'), ...find('zo', [ZOE]), { type: 'pick', pupil: ZOE }, { answer: 'reasons', value: [] },
    { answer: 'studentPhoto', value: null });
  assert.deepEqual(none.s.photo, { upi: 'A100', src: null, answered: true }, 'none: initials stay');
  const notMe = next(s, { type: 'notMe' });
  assert.deepEqual(stepNames(notMe), ['find']);
  assert.deepEqual([notMe.children, notMe.photo], [[], null]);
  // A parent collecting children sees no photo.
  const early = run(...start('early'), { type: 'pick', pupil: AMY }, { type: 'picked' }, { answer: 'reasons', value: [] },
    { type: 'typing', text: 'Claire Smith-Jones' }, { type: 'typed' });
  assert.equal(current(early.s).name, 'confirm');
  assert.deepEqual(early.calls.filter(([n]) => n === 'studentPhoto'), []);
});
