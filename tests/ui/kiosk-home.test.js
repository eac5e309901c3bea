// The kiosk's home screen in Chromium against the fake backend (fake-tauri.js): the school, the
// status strip and its banners, what home says when a sign-in cannot start or the core refuses,
// and the kiosk used by keyboard alone or on a small screen. Test names are the school's words.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { kioskPerTest, screenshot, screenIs, visible, resultButtons, waitResults } = require('./helpers.js');

const open = kioskPerTest();

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
  await screenshot(page, 'home');
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

test('while Wonde refuses the token the strip says writeback is paused and who must act, until it is accepted', async () => {
  const { page, emit } = await open();
  const strip = page.locator('#status-online');
  await emit('sync-status', { online: true, pending: 2, paused: 'token_refused' });
  await page.waitForFunction(() => document.querySelector('#status-online').textContent.startsWith('Writeback paused'));
  assert.equal(await strip.textContent(),
    "Writeback paused: Wonde refused the kiosk's token. Staff: check the connection.");
  assert.ok(await page.locator('#offline-banner').isHidden(), 'not offline: Wonde answered');
  assert.equal(await page.locator('#status-pending').textContent(), '2 waiting');
  await emit('sync-status', { online: true, pending: 0, paused: null });
  await page.waitForFunction(() => document.querySelector('#status-online').textContent === 'Online');
});

test('while the tablet\'s clock is wrong the strip says by how much and who must act (R6.5)', async () => {
  const { page, emit } = await open();
  const strip = page.locator('#status-online');
  await emit('sync-status', { online: true, pending: 1, paused: 'clock_wrong', clockWrongBy: -900 });
  await page.waitForFunction(() => document.querySelector('#status-online').textContent.startsWith('Writeback paused'));
  assert.equal(await strip.textContent(),
    "Writeback paused: the tablet's clock is wrong by 15 hours. Staff: set the clock.");
  await emit('sync-status', { online: true, pending: 1, paused: 'clock_wrong', clockWrongBy: 3 });
  await page.waitForFunction(() => /wrong by 3 minutes\./.test(document.querySelector('#status-online').textContent));
  await emit('sync-status', { online: true, pending: 0, paused: null, clockWrongBy: null });
  await page.waitForFunction(() => document.querySelector('#status-online').textContent === 'Online');
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
    await screenIs(page, 'type');
    await check('collector');
    await page.keyboard.type('ann lee');
    await page.getByRole('button', { name: 'Continue' }).tap();
    await check('confirm');
    await page.getByRole('button', { name: /^Sign out/ }).tap();
    await screenIs(page, 'done');
    await check('done');
  });
}
