// The staff area's door (R5.1) in Chromium against the fake backend (fake-staff.js): the first
// PIN, the lockout, locking by itself and on Lock, an expired session, keyboard use, 48 px targets.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { kioskPerTest, screenIs, pinMessage, chip, tapPin, waitRows, unlock } = require('./helpers.js');

const open = kioskPerTest();

test('first run forces choosing a staff PIN, typed twice, then opens the staff area (R5.1)', async () => {
  const { page, calls } = await open({ staff: { pin: null } });
  await page.getByRole('button', { name: 'Staff' }).tap();
  await screenIs(page, 'pin');
  assert.equal(await page.locator('#pin-title').textContent(), 'Choose a staff PIN');
  await tapPin(page, '12');
  assert.equal(await pinMessage(page).textContent(), 'A new staff PIN is 6 to 8 digits.');
  await page.locator('#pin-input').fill('');
  await tapPin(page, '135792');
  assert.match(await page.locator('#pin-intro').textContent(), /same PIN again/);
  await page.keyboard.type('135793'); // typed digits work as well as the pad
  await page.keyboard.press('Enter');
  assert.match(await pinMessage(page).textContent(), /two PINs were different/);
  assert.deepEqual(await calls('staff_set_pin'), [], 'nothing saved from a mismatch');
  await tapPin(page, '135792');
  await page.keyboard.type('135792');
  await page.keyboard.press('Enter');
  await screenIs(page, 'staff');
  assert.deepEqual(await calls('staff_set_pin'), [{ pin: '135792', currentPin: null }]);
  assert.deepEqual(await calls('staff_unlock'), [{ pin: '135792' }]);
  await waitRows(page, 9);
  assert.equal((await calls('staff_log'))[0].session, 'session-1');
});

test('on a kiosk connected to a school, no one at the pad can choose the first PIN (R6.6)', async () => {
  const { page, calls } = await open({ staff: { pin: null, demo: false } });
  await page.getByRole('button', { name: 'Staff' }).tap();
  await screenIs(page, 'pin');
  assert.equal(await page.locator('#pin-title').textContent(), 'Staff PIN');
  assert.match(await page.locator('#pin-intro').textContent(), /IT sets it on this kiosk with kioskctl pin set/);
  assert.ok(await page.locator('#pin-input').isDisabled());
  assert.ok(await page.locator('#pin-ok').isDisabled());
  assert.deepEqual(await calls('staff_set_pin'), []);
});

test('staff opening the area hear of the wrong tries since their last visit (R6.6)', async () => {
  const { page } = await open();
  await page.getByRole('button', { name: 'Staff' }).tap();
  await screenIs(page, 'pin');
  for (let left = 4; left >= 3; left -= 1) {
    await tapPin(page, '000000');
    await page.waitForFunction((t) => document.getElementById('pin-message').textContent === t,
      `Wrong PIN. ${left} tries left.`);
  }
  await tapPin(page, '246813');
  await screenIs(page, 'staff');
  await page.locator('#staff-notice').filter({ hasText: '2 wrong PIN tries at this kiosk since the last staff visit.' }).waitFor();
});

test('five wrong PINs lock the pad with a countdown; the pad stays disabled (R5.1)', async () => {
  const { page, calls } = await open();
  await page.getByRole('button', { name: 'Staff' }).tap();
  await screenIs(page, 'pin');
  assert.equal(await page.locator('#pin-title').textContent(), 'Staff PIN');
  for (let left = 4; left >= 1; left -= 1) {
    await tapPin(page, '000000');
    await page.waitForFunction((t) => document.getElementById('pin-message').textContent === t,
      `Wrong PIN. ${left} ${left === 1 ? 'try' : 'tries'} left.`);
  }
  await tapPin(page, '000000');
  await page.waitForFunction(() => /The pad opens again in/.test(document.getElementById('pin-message').textContent));
  assert.match(await pinMessage(page).textContent(), /^Too many wrong tries\. The pad opens again in (60|59) seconds\.$/);
  assert.ok(await page.locator('#pin-input').isDisabled());
  for (const name of ['1', '0', 'Unlock', 'Delete last digit']) {
    assert.ok(await page.locator('#pin-pad').getByRole('button', { name, exact: true }).isDisabled(), name);
  }
  assert.equal((await calls('staff_unlock')).length, 5);
  // Coming back to the pad later still shows the lockout, from staff_pin_status.
  await page.getByRole('button', { name: 'Cancel' }).tap();
  await screenIs(page, 'home');
  await page.getByRole('button', { name: 'Staff' }).tap();
  await page.waitForFunction(() => /Too many wrong tries/.test(document.getElementById('pin-message').textContent));
  assert.ok(await page.locator('#pin-ok').isDisabled());
});

test('the staff area locks itself after 4x the kiosk\'s inactivity time, and on Lock (R5.1)', async () => {
  const { page, calls } = await open({ home: { inactivitySeconds: 2 } }, { clock: true });
  await unlock(page);
  await page.clock.fastForward(6000);
  assert.equal(await page.evaluate(() => document.body.dataset.screen), 'staff', 'still open: 4 x 2 s is 8 s');
  await page.locator('#log-text').focus(); // any key or touch starts the count again
  await page.keyboard.press('a');
  await page.clock.fastForward(6000);
  assert.equal(await page.evaluate(() => document.body.dataset.screen), 'staff');
  await page.clock.fastForward(2500);
  await screenIs(page, 'home');
  assert.deepEqual(await calls('staff_lock'), [{ session: 'session-1' }]);
  // Opening again asks for the PIN.
  await page.getByRole('button', { name: 'Staff' }).tap();
  await screenIs(page, 'pin');
  assert.equal(await page.locator('#pin-input').inputValue(), '');
  await tapPin(page, '246813');
  await screenIs(page, 'staff');
  await page.getByRole('button', { name: 'Lock' }).tap();
  await screenIs(page, 'home');
  assert.deepEqual((await calls('staff_lock')).at(-1), { session: 'session-2' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'btn-staff');
});

test('an expired session goes back to the PIN pad with the backend\'s sentence, then carries on', async () => {
  const { page, calls } = await open();
  await unlock(page);
  await page.evaluate(() => window.__fake.staff.expireSessions());
  await chip(page, 'Failed').tap();
  await screenIs(page, 'pin');
  assert.equal(await pinMessage(page).textContent(), 'Please enter the staff PIN again.');
  await tapPin(page, '246813');
  await screenIs(page, 'staff');
  await waitRows(page, 2); // where it was: the Failed filter
  assert.deepEqual((await calls('staff_log')).at(-1),
    { session: 'session-2', date: (await calls('staff_log'))[0].date, status: 'failed', kind: null, text: null });
});

test('keyboard alone: Tab reaches the sections, arrows move between them, Enter opens an event', async () => {
  const { page } = await open();
  await page.getByRole('button', { name: 'Staff' }).focus();
  await page.keyboard.press('Enter');
  await screenIs(page, 'pin');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'pin-input');
  await page.keyboard.type('246813');
  await page.keyboard.press('Enter');
  await screenIs(page, 'staff');
  await waitRows(page, 9);
  await page.getByRole('tab', { name: 'Writeback log' }).focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-onsite');
  assert.ok(await page.locator('#panel-onsite').isVisible());
  await page.keyboard.press('Home');
  assert.ok(await page.locator('#panel-log').isVisible());
  await page.locator('#log-rows .row-open').first().focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'event-close');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.body.dataset.screen), 'staff', 'Escape closes the panel, not the area');
});

test('every staff control is at least 48 px and nothing scrolls sideways at 1280x800', async () => {
  const { page } = await open();
  await unlock(page);
  const check = async (where) => {
    const bad = await page.evaluate(() => {
      const out = [];
      for (const b of document.querySelectorAll('#screen-staff button, #screen-staff input, #screen-staff select')) {
        const r = b.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (r.width < 48 || r.height < 44) out.push(`${b.textContent || b.id || b.getAttribute('aria-label')} is ${r.width}x${r.height}`);
      }
      if (document.documentElement.scrollWidth > window.innerWidth) out.push('the page scrolls sideways');
      return out;
    });
    assert.deepEqual(bad, [], where);
  };
  await check('log');
  for (const [tab, ready] of [['On site now', '#onsite-rows tr'], ['Import', '#people-list li'],
    ['Settings', '#settings-groups input'], [/Configuration check/, '#check-list li']]) {
    await page.getByRole('tab', { name: tab }).tap();
    await page.locator(ready).first().waitFor();
    await check(String(tab));
  }
});
