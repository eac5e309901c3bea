// A pupil arriving late (R2.1) and one back from an appointment, in Chromium against the fake
// backend: finding a name, the reasons, the typed-name and typed-reason variants (R2.3, R2.4),
// confirming, the done screen, Back and Start again.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { kioskPerTest, tapKeys, screenshot, screenIs, visible, resultButtons, waitResults, lateUpToReasons } = require('./helpers.js');

const open = kioskPerTest();

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
  await screenshot(page, 'confirmation');

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
  await screenshot(page, 'search');
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
