// The kiosk's touch screens in a real browser engine (Debian's Chromium through playwright-core),
// against the fake backend in fake-tauri.js. Test names say the behaviour in the school's words.

const { test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const { sharedBrowser, openKiosk, tapKeys } = require('./helpers.js');

const shared = sharedBrowser();
let kiosk; // the one open in the current test; closed after it
const SHOTS = path.join(__dirname, 'screenshots');


afterEach(async () => {
  if (!kiosk) return;
  const errors = kiosk.errors.slice();
  await kiosk.close();
  kiosk = null;
  // Covers CSP violations too: Chromium reports them as console errors.
  assert.deepEqual(errors, [], 'the page logged errors');
});

async function open(overrides, options) {
  kiosk = await openKiosk(shared.browser, shared.server.url, overrides, options);
  return kiosk;
}

const visible = (page) => page.locator('.screen:not([hidden])');
const screenIs = async (page, name) => {
  await page.waitForFunction((n) => document.body.dataset.screen === n, name, { timeout: 5000 });
};
const resultButtons = (page) => page.locator('#find-results button');

async function waitResults(page, n) {
  await page.waitForFunction((count) => document.querySelectorAll('#find-results button').length === count, n,
    { timeout: 5000 });
}

/** A late sign-in as far as the reasons: "I'm late", types "zo" and picks Zoë. */
async function lateUpToReasons(page) {
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await page.keyboard.type('zo');
  await waitResults(page, 1);
  await resultButtons(page).first().tap();
  await screenIs(page, 'choose');
}

// ---------------------------------------------------------------------------------------------

test('home shows the school, the demo badge, the two big buttons and the status strip', async () => {
  const { page } = await open({ home: { pending: 2 } });
  await screenIs(page, 'home');
  assert.equal(await page.locator('#school-name').textContent(), 'Riverside Academy');
  assert.ok(await page.getByText('Demo school').isVisible());
  assert.ok(await page.getByRole('button', { name: /I'm late/ }).isVisible());
  assert.ok(await page.getByRole('button', { name: /Collecting a child early/ }).isVisible());
  assert.ok(await page.getByRole('button', { name: 'Returning after an appointment' }).isVisible());
  assert.equal(await page.locator('#status-online').textContent(), 'Online');
  assert.equal(await page.locator('#status-pending').textContent(), '2 waiting');
  assert.equal(await page.locator('#status-import').textContent(), 'Last import 07:02');
  assert.ok(await page.locator('#offline-banner').isHidden());
  await page.screenshot({ path: path.join(SHOTS, 'home.png') });
});

test('a fresh kiosk says the school\'s names are loading until its first import is in', async () => {
  const { page, emit } = await open({ home: { schoolName: null, lastImport: null, importing: true } });
  await screenIs(page, 'home');
  assert.equal(await page.locator('#status-import').textContent(), 'Loading the school\'s names…');
  await page.evaluate(() => window.__fake.setHome({
    schoolName: 'Riverside Academy', lastImport: new Date().toISOString(), importing: false,
  }));
  await emit('roster-ready', null);
  await page.waitForFunction(() => document.getElementById('status-import').textContent.startsWith('Last import'));
  assert.equal(await page.locator('#school-name').textContent(), 'Riverside Academy');
});

test('a real school shows no demo badge', async () => {
  const { page } = await open({ home: { demo: false, schoolName: 'Hillside School' } });
  assert.equal(await page.locator('#school-name').textContent(), 'Hillside School');
  assert.ok(await page.locator('#demo-badge').isHidden());
});

test('late sign-in end to end: type "zo", pick, reason, confirm, see the time, back home by itself', async () => {
  const { page, calls } = await open({}, { clock: true });
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await screenIs(page, 'find');
  await tapKeys(page, 'zo');
  assert.equal(await page.locator('#find-input').inputValue(), 'zo');
  await waitResults(page, 1);
  const zoe = resultButtons(page).first();
  assert.match(await zoe.textContent(), /Zoë O'Brien/);
  assert.match(await zoe.textContent(), /Year 9 · 9RB/);
  await zoe.tap();

  await screenIs(page, 'choose');
  assert.equal(await page.locator('#choose-title').textContent(), 'Why are you late?');
  assert.deepEqual(await calls('reasons'), [{ kind: 'late_sign_in', upi: 'A100' }]);
  await page.getByRole('button', { name: 'Transport delay' }).tap();

  await screenIs(page, 'confirm');
  const summary = await page.locator('#confirm-summary').textContent();
  assert.match(summary, /Zoë O'Brien/);
  assert.match(summary, /Transport delay/);
  await page.getByRole('button', { name: 'Sign in', exact: true }).tap();

  await screenIs(page, 'done');
  assert.match(await page.locator('#done-title').textContent(), /You're signed in, Zoë O'Brien/);
  assert.match(await page.locator('#done-list').textContent(), /Signed in at 09:42/);
  assert.deepEqual(await calls('record_event'), [{
    event: {
      kind: 'late_sign_in', upi: 'A100', typedName: null, reason: 'Transport delay', reasonTyped: false,
      collectedBy: null,
    },
  }]);
  await page.screenshot({ path: path.join(SHOTS, 'confirmation.png') });

  // Nobody touches the screen: it goes home by itself after a few seconds.
  await page.clock.fastForward(3000);
  assert.equal(await page.evaluate(() => document.body.dataset.screen), 'done');
  await page.clock.fastForward(6000);
  await screenIs(page, 'home');
  assert.equal(await page.locator('#find-input').inputValue(), '');
});

test('the Done button goes home at once', async () => {
  const { page } = await open();
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await page.keyboard.type('ben');
  await waitResults(page, 1);
  await resultButtons(page).first().tap();
  await page.getByRole('button', { name: 'Overslept' }).tap();
  await page.getByRole('button', { name: 'Sign in', exact: true }).tap();
  await screenIs(page, 'done');
  await page.getByRole('button', { name: 'Done' }).tap();
  await screenIs(page, 'home');
});

test('nothing is searched or shown before 2 letters', async () => {
  const { page, calls } = await open();
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await tapKeys(page, 'z');
  await tapKeys(page, ' ');
  await page.keyboard.type("'-");
  assert.equal(await page.locator('#find-input').inputValue(), "z '-");
  assert.equal(await resultButtons(page).count(), 0);
  assert.equal(await page.locator('#find-hint').textContent(), 'Type at least 2 letters of your name.');
  assert.deepEqual(await calls('search_students'), []);
  await page.getByRole('button', { name: 'Clear all' }).tap();
  await tapKeys(page, 'zo');
  await waitResults(page, 1);
  await page.getByRole('button', { name: 'Delete last letter' }).tap();
  await waitResults(page, 0);
  assert.equal(await page.locator('#find-hint').textContent(), 'Type at least 2 letters of your name.');
});

test('a search without the accent finds the accented name ("zoe" finds "Zoë", "chloe" finds "Chloé")', async () => {
  const { page, calls } = await open();
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await page.keyboard.type('zoe'); // the physical keyboard types into the same field
  await waitResults(page, 1);
  assert.match(await resultButtons(page).first().textContent(), /Zoë O'Brien/);
  const sent = (await calls('search_students')).map((a) => a.query);
  assert.deepEqual(sent, ['zo', 'zoe']);
  await page.locator('#find-input').fill('');
  await page.keyboard.type('CHLOE');
  await waitResults(page, 1);
  assert.match(await resultButtons(page).first().textContent(), /Clo Martin/); // preferred name shown
});

test('pupils with the same name are told apart by year and registration group', async () => {
  const { page, calls } = await open();
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await page.keyboard.type('sam');
  await waitResults(page, 2);
  const texts = await resultButtons(page).allTextContents();
  assert.ok(texts.some((t) => /Sam Patel/.test(t) && /Year 8 · 8AB/.test(t)), texts.join(' | '));
  assert.ok(texts.some((t) => /Sam Patel/.test(t) && /Year 11 · 11CD/.test(t)), texts.join(' | '));
  await page.getByRole('button', { name: 'Sam Patel, Year 11 · 11CD' }).tap();
  await page.getByRole('button', { name: 'Medical appointment' }).tap();
  assert.match(await page.locator('#confirm-summary').textContent(), /Year 11 · 11CD/);
  await page.getByRole('button', { name: 'Sign in', exact: true }).tap();
  await screenIs(page, 'done');
  assert.equal((await calls('record_event'))[0].event.upi, 'A301');
  await page.getByRole('button', { name: 'Done' }).tap();
  await screenIs(page, 'home');
});

test('search screenshot: same-name pupils told apart, for the README', async () => {
  const { page } = await open();
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await page.keyboard.type('sam'); // no key left mid-press in the picture
  await waitResults(page, 2);
  await page.locator('#find-input').blur();
  await page.screenshot({ path: path.join(SHOTS, 'search.png') });
});

test('a pupil with no reasons for their group goes straight to confirm', async () => {
  const { page, calls } = await open({ noReasonsFor: ['A400'] });
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await page.keyboard.type('oliver');
  await waitResults(page, 1);
  await resultButtons(page).first().tap();
  await screenIs(page, 'confirm');
  assert.doesNotMatch(await page.locator('#confirm-summary').textContent(), /Reason/);
  await page.getByRole('button', { name: 'Sign in', exact: true }).tap();
  await screenIs(page, 'done');
  const [{ event }] = await calls('record_event');
  assert.equal(event.reason, null);
  assert.equal(event.reasonTyped, false);
});

test('sibling sign-out: two children, their one shared contact, one record_event per child', async () => {
  const { page, calls } = await open({ times: ['14:05', '14:06'] });
  await page.getByRole('button', { name: /Collecting a child early/ }).tap();
  await screenIs(page, 'find');
  assert.equal(await page.locator('#find-title').textContent(), 'Find the child');
  assert.ok(await page.getByRole('button', { name: 'Next' }).isDisabled());

  await tapKeys(page, 'smith');
  await waitResults(page, 3);
  await page.getByRole('button', { name: /^Amy Smith-Jones/ }).tap();
  assert.equal(await page.locator('#find-input').inputValue(), '', 'the search clears for the next child');
  await page.keyboard.type('smith');
  await waitResults(page, 3);
  assert.ok(await page.getByRole('button', { name: /^Amy Smith-Jones.*added/ }).isDisabled());
  await page.getByRole('button', { name: /^Jack Smith/ }).tap();
  await page.keyboard.type('ben');
  await waitResults(page, 1);
  await page.getByRole('button', { name: /^Ben Smith-Jones/ }).tap();
  // Jack was a slip: remove him.
  await page.getByRole('button', { name: 'Remove Jack Smith' }).tap();
  const picked = await page.locator('#picked-list li').allTextContents();
  assert.equal(picked.length, 2);
  assert.match(picked[0], /Amy Smith-Jones/);
  assert.match(picked[1], /Ben Smith-Jones/);
  await page.getByRole('button', { name: 'Next: 2 children' }).tap();

  await screenIs(page, 'choose');
  assert.equal(await page.locator('#choose-title').textContent(), 'Why are they leaving early?');
  assert.deepEqual(await calls('reasons'), [{ kind: 'early_sign_out', upi: 'A200' }]);
  await page.getByRole('button', { name: 'Medical appointment' }).tap();

  await page.waitForFunction(() => document.getElementById('choose-title').textContent === 'Who is collecting?');
  assert.deepEqual(await calls('contacts'), [{ upi: 'A200' }]);
  const choices = await page.locator('#choose-list button').allTextContents();
  assert.equal(choices.length, 1);
  assert.match(choices[0], /Claire Smith-Jones/);
  assert.match(choices[0], /Mother/);
  assert.ok(await page.getByRole('button', { name: 'Someone else' }).isVisible());
  await page.getByRole('button', { name: /Claire Smith-Jones/ }).tap();

  await screenIs(page, 'confirm');
  const summary = await page.locator('#confirm-summary').textContent();
  assert.match(summary, /Amy Smith-Jones.*Ben Smith-Jones/);
  assert.match(summary, /Collected by\s*Claire Smith-Jones/);
  await page.getByRole('button', { name: 'Sign out 2 children' }).tap();

  await screenIs(page, 'done');
  const done = await page.locator('#done-list li').allTextContents();
  assert.equal(done.length, 2);
  assert.match(done[0], /Amy Smith-Jones\s*Signed out at 14:05/);
  assert.match(done[1], /Ben Smith-Jones\s*Signed out at 14:06/);
  const recorded = (await calls('record_event')).map((a) => a.event);
  assert.deepEqual(recorded, ['A200', 'A201'].map((upi) => ({
    kind: 'early_sign_out', upi, typedName: null, reason: 'Medical appointment', reasonTyped: false,
    collectedBy: 'Claire Smith-Jones',
  })));
});

test('someone else collecting types their name when typed collectors are allowed', async () => {
  const { page, calls } = await open();
  await page.getByRole('button', { name: /Collecting a child early/ }).tap();
  await page.keyboard.type('amy');
  await waitResults(page, 1);
  await resultButtons(page).first().tap();
  await page.getByRole('button', { name: 'Next' }).tap();
  await page.getByRole('button', { name: 'Illness' }).tap();
  await page.getByRole('button', { name: 'Someone else' }).tap();
  await screenIs(page, 'type');
  await tapKeys(page, "mary-jane o'neil");
  assert.equal(await page.locator('#type-input').inputValue(), "Mary-Jane O'Neil", 'names are capitalised as typed');
  await page.getByRole('button', { name: 'Continue' }).tap();
  await page.getByRole('button', { name: 'Sign out', exact: true }).tap();
  await screenIs(page, 'done');
  assert.equal((await calls('record_event'))[0].event.collectedBy, "Mary-Jane O'Neil");
});

test('no "Someone else" when typed collectors are not allowed', async () => {
  const { page } = await open({ settings: { typedCollectorAllowed: false } });
  await page.getByRole('button', { name: /Collecting a child early/ }).tap();
  await page.keyboard.type('amy');
  await waitResults(page, 1);
  await resultButtons(page).first().tap();
  await page.getByRole('button', { name: 'Next' }).tap();
  await page.getByRole('button', { name: 'Illness' }).tap();
  await page.waitForFunction(() => document.getElementById('choose-title').textContent === 'Who is collecting?');
  assert.ok(await page.locator('#btn-choose-other').isHidden());
});

test('inactivity returns home and clears everything typed or picked', async () => {
  // The page's clock is Playwright's: the test moves it, so the verdict never depends on how
  // busy the machine is.
  const { page } = await open({ home: { inactivitySeconds: 2 } }, { clock: true });
  await page.getByRole('button', { name: /Collecting a child early/ }).tap();
  await page.keyboard.type('amy');
  await waitResults(page, 1);
  await resultButtons(page).first().tap();
  await page.keyboard.type('be');
  await waitResults(page, 1);
  // Every touch or key starts the count again.
  await page.clock.runFor(1500);
  await page.keyboard.press('Backspace');
  await page.clock.runFor(1500);
  assert.equal(await page.evaluate(() => document.body.dataset.screen), 'find', 'still in use: 1.5 s since the last key');
  await page.clock.runFor(600);
  await screenIs(page, 'home');
  await page.getByRole('button', { name: /Collecting a child early/ }).tap();
  await screenIs(page, 'find');
  assert.equal(await page.locator('#find-input').inputValue(), '');
  assert.equal(await resultButtons(page).count(), 0);
  assert.equal(await page.locator('#picked-list li').count(), 0);
});

test('the offline banner appears on sync-status offline and goes when back online', async () => {
  const { page, emit } = await open();
  const banner = page.locator('#offline-banner');
  assert.ok(await banner.isHidden());
  await emit('sync-status', { online: false, pending: 3 });
  await banner.waitFor({ state: 'visible' });
  assert.equal((await banner.textContent()).trim(),
    'Offline — sign-ins are saved and will be sent when the connection returns');
  assert.equal(await page.locator('#status-online').textContent(), 'Offline');
  assert.equal(await page.locator('#status-pending').textContent(), '3 waiting');
  await emit('sync-status', { online: true, pending: 0 });
  await banner.waitFor({ state: 'hidden' });
  assert.equal(await page.locator('#status-online').textContent(), 'Online');
  assert.equal(await page.locator('#status-pending').textContent(), 'Nothing waiting');
});

test('with Student Exact Match off, "My name isn\'t listed" records a typed name', async () => {
  const { page, calls } = await open({ settings: { studentExactMatch: false } });
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await page.keyboard.type('newpupil');
  await waitResults(page, 0);
  await page.getByRole('button', { name: "My name isn't listed" }).tap();
  await screenIs(page, 'type');
  assert.equal(await page.locator('#type-input').inputValue(), 'newpupil', 'starts from what was typed');
  await page.locator('#type-input').fill('');
  await tapKeys(page, 'new pupil');
  assert.equal(await page.locator('#type-input').inputValue(), 'New Pupil');
  await page.getByRole('button', { name: 'Continue' }).tap();
  await screenIs(page, 'choose');
  assert.deepEqual((await calls('reasons')).at(-1), { kind: 'late_sign_in', upi: null });
  await page.getByRole('button', { name: 'Overslept' }).tap();
  await page.getByRole('button', { name: 'Sign in', exact: true }).tap();
  await screenIs(page, 'done');
  assert.deepEqual((await calls('record_event'))[0].event, {
    kind: 'late_sign_in', upi: null, typedName: 'New Pupil', reason: 'Overslept', reasonTyped: false, collectedBy: null,
  });
});

test('with Student Exact Match on, there is no "My name isn\'t listed"', async () => {
  const { page } = await open();
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await page.keyboard.type('xx');
  await page.waitForFunction(() => /No names found/.test(document.getElementById('find-hint').textContent));
  assert.ok(await page.locator('#btn-not-listed').isHidden());
});

test('with Reason Exact Match off, "Other reason" records typed text', async () => {
  const { page, calls } = await open({ settings: { reasonExactMatch: false } });
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await page.keyboard.type('zo');
  await waitResults(page, 1);
  await resultButtons(page).first().tap();
  await page.getByRole('button', { name: 'Other reason' }).tap();
  await screenIs(page, 'type');
  await page.keyboard.type('M - Dentist');
  await page.keyboard.press('Enter');
  await screenIs(page, 'confirm');
  await page.getByRole('button', { name: 'Sign in', exact: true }).tap();
  await screenIs(page, 'done');
  const [{ event }] = await calls('record_event');
  assert.equal(event.reason, 'M - Dentist');
  assert.equal(event.reasonTyped, true);
});

test('with Reason Exact Match on, there is no "Other reason"', async () => {
  const { page } = await open();
  await lateUpToReasons(page);
  assert.ok(await page.locator('#btn-choose-other').isHidden());
});

test('a failed save shows the backend\'s sentence, keeps the screen, and a retry records once', async () => {
  const { page, calls, failNext } = await open({ times: ['14:05', '14:06'] });
  await page.getByRole('button', { name: /Collecting a child early/ }).tap();
  await page.keyboard.type('smith-j');
  await waitResults(page, 2);
  await page.getByRole('button', { name: /^Amy Smith-Jones/ }).tap();
  await page.keyboard.type('ben');
  await waitResults(page, 1);
  await resultButtons(page).first().tap();
  await page.getByRole('button', { name: /^Next/ }).tap();
  await page.getByRole('button', { name: 'Illness' }).tap();
  await page.getByRole('button', { name: /Claire Smith-Jones/ }).tap();
  await failNext('record_event', { code: 'STORE', message: 'The kiosk could not save this. Please try again.' }, 1);
  await page.getByRole('button', { name: 'Sign out 2 children' }).tap();
  const alert = page.getByRole('alert').filter({ hasText: 'could not save' });
  await alert.waitFor();
  assert.equal(await alert.textContent(),
    'The kiosk could not save this. Please try again. Amy Smith-Jones is already signed out.');
  assert.equal(await page.evaluate(() => document.body.dataset.screen), 'confirm');
  assert.match(await page.locator('#confirm-summary').textContent(), /Amy Smith-Jones.*Ben Smith-Jones/);
  await page.getByRole('button', { name: 'Try again' }).tap();
  await screenIs(page, 'done');
  const upis = (await calls('record_event')).map((a) => a.event.upi);
  assert.deepEqual(upis, ['A200', 'A201', 'A201']);
  assert.equal(await page.locator('#done-list li').count(), 2);
});

test('a failed search keeps what was typed and says why', async () => {
  const { page, failNext } = await open();
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await failNext('search_students', { code: 'ROSTER_LOADING', message: 'The pupil list is being updated. Please try again in a moment.' });
  await page.keyboard.type('zo');
  await page.waitForFunction(() => /being updated/.test(document.getElementById('find-hint').textContent));
  assert.equal(await page.locator('#find-input').inputValue(), 'zo');
  await page.keyboard.type('e');
  await waitResults(page, 1);
});

test('when the kiosk cannot save, a banner says so, a sign-in says it was not saved, and both go once saving works', async () => {
  const cannotSave = 'This kiosk cannot save sign-ins at the moment. Please tell the school office.';
  const notSaved = 'This was not saved: the kiosk cannot store anything just now. Please tell the school office.';
  const { page, calls, failNext } = await open({ home: { storageProblem: cannotSave } });
  const banner = page.locator('#storage-banner');
  assert.ok(await banner.isVisible());
  assert.equal(await banner.textContent(), cannotSave);
  assert.equal(await banner.getAttribute('role'), 'alert');

  await page.getByRole('button', { name: /I'm late/ }).tap();
  assert.ok(await banner.isVisible(), 'the banner stays on every screen');
  await page.keyboard.type('zo');
  await waitResults(page, 1);
  await resultButtons(page).first().tap();
  await page.getByRole('button', { name: 'Overslept' }).tap();
  await failNext('record_event', { code: 'NOT_SAVED', message: notSaved });
  await page.getByRole('button', { name: 'Sign in', exact: true }).tap();
  const alert = page.locator('#confirm-error');
  await alert.waitFor();
  assert.equal(await alert.textContent(), notSaved);
  assert.equal(await page.evaluate(() => document.body.dataset.screen), 'confirm');

  // Space is back: the retry is saved and home no longer warns.
  await page.evaluate(() => window.__fake.setHome({ storageProblem: null }));
  await page.getByRole('button', { name: 'Sign in', exact: true }).tap();
  await screenIs(page, 'done');
  assert.equal((await calls('record_event')).length, 2);
  await page.getByRole('button', { name: 'Done' }).tap();
  await screenIs(page, 'home');
  await page.waitForFunction(() => document.getElementById('storage-banner').hidden);
});

test('Tauri\'s refusal of malformed arguments reaches the screen as a plain sentence', async () => {
  const { page, failNext } = await open();
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await failNext('search_students', 'invalid args `query` for command `search_students`: invalid type: integer `5`, expected a string');
  await page.keyboard.type('zo');
  await page.waitForFunction(() => /Something went wrong/.test(document.getElementById('find-hint').textContent));
  assert.doesNotMatch(await page.locator('#find-hint').textContent(), /invalid args/);
});

test('when the kiosk cannot start a sign-in, home says why in the backend\'s words', async () => {
  const { page } = await open({ failures: { kiosk_settings: [{ code: 'ROSTER_LOADING', message: 'The kiosk is still starting. Please wait a moment.' }] } });
  await page.getByRole('button', { name: /I'm late/ }).tap();
  const alert = page.getByRole('alert').filter({ hasText: 'still starting' });
  await alert.waitFor();
  assert.equal(await page.evaluate(() => document.body.dataset.screen), 'home');
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await screenIs(page, 'find');
});

test('a pupil back from an appointment signs back in from today\'s sign-outs', async () => {
  const { page, calls } = await open({ times: ['11:50'] });
  await page.getByRole('button', { name: 'Returning after an appointment' }).tap();
  await page.waitForFunction(() => document.querySelectorAll('#choose-list button').length === 1);
  assert.match(await page.locator('#choose-list button').textContent(), /Sam Patel.*Year 8 · 8AB.*signed out 10:15/);
  await page.locator('#choose-list button').tap();
  await screenIs(page, 'confirm');
  await page.getByRole('button', { name: 'Sign back in' }).tap();
  await screenIs(page, 'done');
  assert.match(await page.locator('#done-title').textContent(), /Welcome back, Sam Patel/);
  assert.match(await page.locator('#done-list').textContent(), /Signed back in at 11:50/);
  assert.deepEqual((await calls('record_event'))[0].event, {
    kind: 'return', upi: 'A300', typedName: null, reason: null, reasonTyped: false, collectedBy: null,
  });
});

test('a double tap on a name on a slow kiosk moves on once, and Back goes straight back', async () => {
  const { page, calls } = await open({ latencyMs: 150 });
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await screenIs(page, 'find');
  await page.keyboard.type('zo');
  await waitResults(page, 1);
  await resultButtons(page).first().dblclick();
  await screenIs(page, 'choose');
  assert.equal((await calls('reasons')).length, 1);
  await page.getByRole('button', { name: 'Overslept' }).dblclick();
  await screenIs(page, 'confirm');
  await visible(page).getByRole('button', { name: 'Back' }).tap();
  await screenIs(page, 'choose');
  await visible(page).getByRole('button', { name: 'Back' }).tap();
  await screenIs(page, 'find');
});

test('Back and Start again: Back keeps what was typed, Start again forgets it', async () => {
  const { page } = await open();
  await lateUpToReasons(page);
  await visible(page).getByRole('button', { name: 'Back' }).tap();
  await screenIs(page, 'find');
  assert.equal(await page.locator('#find-input').inputValue(), 'zo');
  await waitResults(page, 1);
  await resultButtons(page).first().tap();
  await screenIs(page, 'choose');
  await page.keyboard.press('Escape'); // Escape is Back
  await screenIs(page, 'find');
  assert.equal(await page.locator('#find-input').inputValue(), 'zo');
  await visible(page).getByRole('button', { name: 'Start again' }).tap();
  await screenIs(page, 'home');
  await page.getByRole('button', { name: /I'm late/ }).tap();
  assert.equal(await page.locator('#find-input').inputValue(), '');
});

test('works with a keyboard alone: Tab, Enter and typing reach every step', async () => {
  const { page, calls } = await open();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'btn-late');
  await page.keyboard.press('Enter');
  await screenIs(page, 'find');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'find-input', 'the field has the focus');
  await page.keyboard.type('zoe');
  await waitResults(page, 1);
  // From the field, Tab reaches the results before the on-screen keys.
  await page.keyboard.press('Tab');
  assert.match(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), /Zoë O'Brien, Year 9 · 9RB/);
  await page.keyboard.press('Enter');
  await screenIs(page, 'choose');
  for (let i = 0; i < 10; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement.textContent) === 'Overslept') break;
  }
  await page.keyboard.press('Enter');
  await screenIs(page, 'confirm');
  for (let i = 0; i < 10; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement.id) === 'btn-confirm') break;
  }
  await page.keyboard.press('Enter');
  await screenIs(page, 'done');
  assert.equal((await calls('record_event')).length, 1);
});

for (const viewport of [{ width: 1280, height: 800 }, { width: 1024, height: 768 }]) {
  test(`every control is at least 48 px and fits a ${viewport.width}x${viewport.height} screen`, async () => {
    const { page, emit } = await open({}, { viewport });
    await emit('sync-status', { online: false, pending: 12 }); // the banner takes room too
    const check = async (where) => {
      const bad = await page.evaluate(() => {
        const out = [];
        for (const b of document.querySelectorAll('.screen:not([hidden]) button, .screen:not([hidden]) input')) {
          const r = b.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue; // hidden
          if (r.width < 48 || r.height < 48) out.push(`${b.textContent || b.id} is ${r.width}x${r.height}`);
        }
        if (document.documentElement.scrollWidth > window.innerWidth) out.push('the page scrolls sideways');
        for (const k of document.querySelectorAll('.screen:not([hidden]) .kb-key')) {
          if (k.getBoundingClientRect().bottom > window.innerHeight) out.push(`key ${k.textContent} is off screen`);
        }
        return out;
      });
      assert.deepEqual(bad, [], where);
    };
    await check('home');
    await page.getByRole('button', { name: /Collecting a child early/ }).tap();
    await page.keyboard.type('smith');
    await waitResults(page, 3);
    await page.getByRole('button', { name: /^Amy Smith-Jones/ }).tap();
    await page.keyboard.type('jack');
    await waitResults(page, 1);
    await resultButtons(page).first().tap();
    await page.keyboard.type('sa');
    await waitResults(page, 2);
    await check('find a child');
    await page.getByRole('button', { name: /^Next/ }).tap();
    await check('reasons');
    await page.getByRole('button', { name: 'Illness' }).tap();
    await page.waitForFunction(() => document.getElementById('choose-title').textContent === 'Who is collecting?');
    await check('collector');
    await page.getByRole('button', { name: 'Someone else' }).tap();
    await check('typed name');
    await page.keyboard.type('ann lee');
    await page.getByRole('button', { name: 'Continue' }).tap();
    await check('confirm');
    await page.getByRole('button', { name: /^Sign out/ }).tap();
    await screenIs(page, 'done');
    await check('done');
  });
}

fs.mkdirSync(SHOTS, { recursive: true });
