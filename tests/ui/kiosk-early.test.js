// Collecting a child early (R2.2) in Chromium against the fake backend: siblings, the adult
// typing their own name (no contacts listed: R6.7, R10.1), a failed save retried, and the
// inactivity reset (R2.5) that forgets them all.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { kioskPerTest, tapKeys, screenIs, resultButtons, waitResults } = require('./helpers.js');

const open = kioskPerTest();

/** An early sign-out as far as who is collecting: Amy, leaving with an illness. */
async function amyUpToCollector(page) {
  await page.getByRole('button', { name: /Collecting a child early/ }).tap();
  await page.keyboard.type('amy');
  await waitResults(page, 1);
  await resultButtons(page).first().tap();
  await page.getByRole('button', { name: 'Next' }).tap();
  await page.getByRole('button', { name: 'Illness' }).tap();
  await screenIs(page, 'type');
}

test('sibling sign-out: two children, the adult types their name once, one record_event per child', async () => {
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

  await screenIs(page, 'type');
  assert.equal(await page.locator('#type-title').textContent(), 'Who is collecting?');
  assert.equal(await page.locator('#type-input').inputValue(), '', 'nobody is suggested');
  assert.equal(await page.getByText(/Mother|Claire/).count(), 0, "no contact's name or relationship is shown");
  await tapKeys(page, 'claire smith-jones');
  await page.getByRole('button', { name: 'Continue' }).tap();

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

test('any adult types their name, capitalised as they type it, and the office checks it', async () => {
  const { page, calls } = await open();
  await amyUpToCollector(page);
  await tapKeys(page, "mary-jane o'neil");
  assert.equal(await page.locator('#type-input').inputValue(), "Mary-Jane O'Neil", 'names are capitalised as typed');
  await page.getByRole('button', { name: 'Continue' }).tap();
  await page.getByRole('button', { name: 'Sign out', exact: true }).tap();
  await screenIs(page, 'done');
  assert.equal((await calls('record_event'))[0].event.collectedBy, "Mary-Jane O'Neil");
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
  await page.keyboard.type('Claire Smith-Jones');
  await page.getByRole('button', { name: 'Continue' }).tap();
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
