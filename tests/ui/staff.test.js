// The staff area (R5) in Chromium against the fake backend (fake-staff.js): the PIN and its
// lockout, the writeback log with its filters, detail, retry, live updates and CSV export,
// settings saved or refused with the backend's sentence, the configuration check and its badge,
// import switches that survive an import, the on-site list and its print sheet, and locking.

const { test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const { sharedBrowser, openKiosk } = require('./helpers.js');
const { STAFF_CODES } = require('./fake-staff.js');

const shared = sharedBrowser();
let kiosk;
const SHOTS = path.join(__dirname, 'screenshots');
/** Screenshots show the same day every run (timers still run). */
const FIXED = '2025-11-24T12:40:00';


afterEach(async () => {
  if (!kiosk) return;
  const errors = kiosk.errors.slice();
  await kiosk.close();
  kiosk = null;
  assert.deepEqual(errors, [], 'the page logged errors'); // CSP violations included
});

async function open(overrides, options) {
  kiosk = await openKiosk(shared.browser, shared.server.url, overrides, options);
  return kiosk;
}

const screenIs = (page, name) => page.waitForFunction((n) => document.body.dataset.screen === n, name, { timeout: 5000 });
const pinMessage = (page) => page.locator('#pin-message');
const logRows = (page) => page.locator('#log-rows tr');
const chip = (page, label) => page.locator('#log-status .chip, #log-kind .chip').filter({
  has: page.locator('.chip-label', { hasText: new RegExp(`^${label}$`) }),
});

async function tapPin(page, digits, submit = true) {
  for (const d of digits) await page.locator('#pin-pad').getByRole('button', { name: d, exact: true }).tap();
  if (submit) await page.locator('#pin-ok').tap();
}

/** Staff button, PIN, and the log showing `rows` rows. */
async function unlock(page, rows = 9) {
  await page.getByRole('button', { name: /^Staff/ }).tap();
  await screenIs(page, 'pin');
  await tapPin(page, '2468');
  await screenIs(page, 'staff');
  await page.waitForFunction((n) => document.querySelectorAll('#log-rows tr').length === n, rows);
}

async function waitRows(page, n) {
  await page.waitForFunction((c) => document.querySelectorAll('#log-rows tr').length === c, n, { timeout: 5000 });
}

// ---------------------------------------------------------------------------------------------

test('first run forces choosing a staff PIN, typed twice, then opens the staff area (R5.1)', async () => {
  const { page, calls } = await open({ staff: { pin: null } });
  await page.getByRole('button', { name: 'Staff' }).tap();
  await screenIs(page, 'pin');
  assert.equal(await page.locator('#pin-title').textContent(), 'Choose a staff PIN');
  await tapPin(page, '12');
  assert.equal(await pinMessage(page).textContent(), 'A staff PIN is 4 to 8 digits.');
  await page.locator('#pin-input').fill('');
  await tapPin(page, '1357');
  assert.match(await page.locator('#pin-intro').textContent(), /same PIN again/);
  await page.keyboard.type('1358'); // typed digits work as well as the pad
  await page.keyboard.press('Enter');
  assert.match(await pinMessage(page).textContent(), /two PINs were different/);
  assert.deepEqual(await calls('staff_set_pin'), [], 'nothing saved from a mismatch');
  await tapPin(page, '1357');
  await page.keyboard.type('1357');
  await page.keyboard.press('Enter');
  await screenIs(page, 'staff');
  assert.deepEqual(await calls('staff_set_pin'), [{ pin: '1357', currentPin: null }]);
  assert.deepEqual(await calls('staff_unlock'), [{ pin: '1357' }]);
  await waitRows(page, 9);
  assert.equal((await calls('staff_log'))[0].session, 'session-1');
});

test('five wrong PINs lock the pad with a countdown; the pad stays disabled (R5.1)', async () => {
  const { page, calls } = await open();
  await page.getByRole('button', { name: 'Staff' }).tap();
  await screenIs(page, 'pin');
  assert.equal(await page.locator('#pin-title').textContent(), 'Staff PIN');
  for (let left = 4; left >= 1; left -= 1) {
    await tapPin(page, '0000');
    await page.waitForFunction((t) => document.getElementById('pin-message').textContent === t,
      `Wrong PIN. ${left} ${left === 1 ? 'try' : 'tries'} left.`);
  }
  await tapPin(page, '0000');
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

test('log: today by default, counts per status, filter to Failed and retry one: it becomes Pending (R5.2)', async () => {
  const { page, calls } = await open({}, { fixedTime: FIXED });
  await unlock(page);
  const first = (await calls('staff_log'))[0];
  assert.deepEqual(first, { session: 'session-1', date: '2025-11-24', status: null, kind: null, text: null });
  assert.equal(await page.locator('#log-date').inputValue(), '2025-11-24');
  const chips = await page.locator('#log-status .chip').allTextContents();
  assert.deepEqual(chips, ['All9', 'Pending2', 'Successful4', 'Failed2', 'Not Required1', 'Expired0']);
  assert.match(await logRows(page).first().textContent(), /12:31:48.*Clo Martin.*Late sign-in.*Family event.*PM.*O.*Pending/);
  assert.match(await page.locator('#log-summary').textContent(), /Today, Monday 24 November 2025: 9 events/);
  await page.screenshot({ path: path.join(SHOTS, 'staff-log.png') });

  await chip(page, 'Failed').tap();
  await waitRows(page, 2);
  assert.equal(await chip(page, 'Failed').getAttribute('aria-pressed'), 'true');
  assert.equal((await calls('staff_log')).at(-1).status, 'failed');
  assert.deepEqual(await page.locator('#log-rows .chip-status').allTextContents(), ['Failed', 'Failed']);

  await page.getByRole('button', { name: /^Sam Patel/ }).tap();
  const dialog = page.getByRole('dialog', { name: /Sam Patel · Late sign-in/ });
  await dialog.waitFor();
  assert.match(await page.locator('#event-cause').textContent(), /AM register for 11CD is locked/);
  await dialog.getByRole('button', { name: 'Retry writeback' }).tap();
  await page.waitForFunction(() => document.querySelector('#event-status').textContent === 'Pending');
  assert.deepEqual(await calls('staff_retry'), [{ session: 'session-1', id: 3 }]);
  assert.ok(await page.locator('#event-retry').isHidden(), 'no retry for a pending event');
  await waitRows(page, 1); // it left the Failed list
  assert.equal(await chip(page, 'Pending').textContent(), 'Pending3');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await chip(page, 'All').tap();
  await waitRows(page, 9);
  assert.match(await logRows(page).filter({ hasText: '09:21:02' }).textContent(), /Sam Patel.*Pending/);
});

test('the Writeback tab lists every attempt: time, what was sent, HTTP status, Wonde\'s message, duration (R5.2)', async () => {
  const { page, calls } = await open({}, { fixedTime: FIXED });
  await unlock(page);
  await logRows(page).filter({ hasText: '09:21:02' }).click();
  const dialog = page.getByRole('dialog');
  await page.waitForFunction(() => document.getElementById('event-tab-writeback').textContent === 'Writeback (3)');
  assert.deepEqual(await calls('staff_event'), [{ session: 'session-1', id: 3 }]);
  assert.match(await page.locator('#event-fields').textContent(), /Year · group\s*Year 11 · 11CD/);
  // Keyboard: the arrow key moves from Details to Writeback.
  await dialog.getByRole('tab', { name: 'Details' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await dialog.getByRole('tab', { name: 'Writeback (3)' }).getAttribute('aria-selected'), 'true');
  const attempts = await page.locator('#event-attempts li').allTextContents();
  assert.equal(attempts.length, 3);
  assert.match(attempts[0], /Attempt 1.*09:21:03.*No answer \(timed out after 10 s\).*Sent\s*U for AM.*HTTP status\s*No answer.*Took\s*10004 ms/);
  assert.match(attempts[1], /Attempt 2.*Failed.*HTTP status\s*422.*Wonde's message\s*The register for this session is locked\..*Took\s*655 ms/);
  await page.screenshot({ path: path.join(SHOTS, 'staff-writeback-tab.png') });
  await dialog.getByRole('button', { name: 'Close' }).tap();
  await dialog.waitFor({ state: 'hidden' });
  // The focus goes back to the row it came from.
  await page.waitForFunction(() => document.activeElement.textContent === 'Sam PatelYear 11 · 11CD');
});

test('a status change pushed by the sync engine shows in the log without reloading (R5.2)', async () => {
  const { page } = await open();
  await unlock(page);
  const jack = logRows(page).filter({ hasText: 'Jack Smith' });
  assert.match(await jack.textContent(), /Pending/);
  await page.evaluate(() => window.__fake.staff.setStatus(4, 'successful'));
  await page.waitForFunction(() => [...document.querySelectorAll('#log-rows tr')]
    .some((tr) => /Jack Smith/.test(tr.textContent) && /Successful/.test(tr.textContent)));
  assert.equal(await chip(page, 'Successful').textContent(), 'Successful5');
});

test('type chips and text search narrow the log; another day is one tap away', async () => {
  const { page, calls } = await open({}, { fixedTime: FIXED });
  await unlock(page);
  await chip(page, 'Early sign-out').tap();
  await waitRows(page, 3);
  await page.locator('#log-text').fill('smith');
  await waitRows(page, 2);
  assert.deepEqual((await calls('staff_log')).at(-1),
    { session: 'session-1', date: '2025-11-24', status: null, kind: 'early_sign_out', text: 'smith' });
  await page.getByRole('button', { name: 'Previous day' }).tap();
  await page.waitForFunction(() => /No events match/.test(document.getElementById('log-empty').textContent));
  await page.locator('#log-text').fill('');
  await chip(page, 'All types').tap();
  await waitRows(page, 2);
  assert.equal(await page.locator('#log-date').inputValue(), '2025-11-23');
  assert.match(await logRows(page).first().textContent(), /Zoë O'Brien.*Failed/);
  await logRows(page).first().click();
  await page.getByRole('dialog').waitFor();
  await page.waitForFunction(() => document.getElementById('event-tab-writeback').textContent === 'Writeback (1)');
  assert.ok(await page.locator('#event-retry').isHidden(), "only today's failed events can be retried");
});

test('Export CSV saves the chosen days and says where the file is (R5.2)', async () => {
  const { page, calls } = await open({}, { fixedTime: FIXED });
  await unlock(page);
  await page.getByRole('button', { name: 'Export CSV…' }).tap();
  const dialog = page.getByRole('dialog', { name: 'Export the log to CSV' });
  await dialog.waitFor();
  assert.equal(await page.locator('#export-to').inputValue(), '2025-11-24');
  await page.locator('#export-from').fill('2025-11-25');
  await dialog.getByRole('button', { name: 'Save CSV' }).tap();
  assert.equal(await page.locator('#export-error').textContent(), 'The first date is after the last one.');
  assert.deepEqual(await calls('staff_export_csv'), [], 'nothing asked of the backend');
  await page.locator('#export-from').fill('2025-11-23');
  await dialog.getByRole('button', { name: 'Save CSV' }).tap();
  await dialog.waitFor({ state: 'hidden' });
  assert.deepEqual(await calls('staff_export_csv'), [{ session: 'session-1', from: '2025-11-23', to: '2025-11-24' }]);
  assert.equal(await page.locator('#staff-notice').textContent(),
    'Saved 11 events from Sunday 23 November 2025 to Monday 24 November 2025 in /home/office/Downloads/writeback-log-2025-11-23-2025-11-24.csv');
});

test('settings: a new AM late time is saved; a refused save shows the backend\'s sentence by Save (R5.3)', async () => {
  const { page, calls } = await open({}, { fixedTime: FIXED });
  await unlock(page);
  await page.getByRole('tab', { name: 'Settings' }).tap();
  const amLate = page.getByLabel('AM late', { exact: true });
  await amLate.waitFor();
  assert.equal(await amLate.inputValue(), '08:50');
  assert.ok(await page.getByRole('button', { name: 'Save settings' }).isDisabled(), 'nothing to save yet');
  // Codes are picked from the MIS's codes, never typed.
  const lateCode = page.getByLabel('Late code', { exact: true });
  assert.equal(await lateCode.evaluate((s) => s.tagName), 'SELECT');
  assert.equal(await lateCode.locator('option').count(), STAFF_CODES.length);
  await page.locator('#settings-groups').evaluate((g) => { // the groups editor at the top
    const form = document.getElementById('settings-form');
    form.scrollTop = g.closest('.settings-card').offsetTop - form.offsetTop - 14;
  });
  await page.screenshot({ path: path.join(SHOTS, 'staff-settings.png') });

  await amLate.fill('09:10');
  assert.equal(await page.locator('#settings-message').textContent(), 'You have unsaved changes.');
  await page.getByRole('button', { name: 'Save settings' }).tap();
  await page.waitForFunction(() => document.getElementById('settings-message').textContent === 'Settings saved.');
  const [saved] = await calls('staff_save_settings');
  assert.equal(saved.session, 'session-1');
  assert.equal(saved.settings.default_group.am_late, '09:10');
  assert.equal(saved.settings.default_group.am_unauthorised, '09:20');
  assert.equal(saved.settings.groups[0].name, 'Sixth form', 'the rest of the document sent as it was');

  await amLate.fill('9.30');
  await page.getByRole('button', { name: 'Save settings' }).tap();
  assert.equal(await page.locator('#settings-message').textContent(), 'Check “AM late”: type a 24-hour time such as 08:50.');
  assert.equal((await calls('staff_save_settings')).length, 1, 'not sent');
  await amLate.fill('09:30');
  await page.getByRole('button', { name: 'Save settings' }).tap();
  await page.waitForFunction(() => document.getElementById('settings-message').dataset.kind === 'error');
  assert.equal(await page.locator('#settings-message').textContent(),
    "In group 'Everyone' the AM late time (09:30) is after the AM unauthorised time (09:20).");
  assert.equal(await page.locator('#settings-message').getAttribute('role'), 'alert');
  assert.ok(await page.getByRole('button', { name: 'Save settings' }).isEnabled(), 'fix it and save again');
  assert.equal((await calls('staff_save_settings')).length, 2);
});

test('settings: a reason gets a code from the list; the connection token is typed once and then shown masked (R5.3)', async () => {
  const { page, calls } = await open();
  await unlock(page);
  await page.getByRole('tab', { name: 'Settings' }).tap();
  const mode = page.getByLabel('Reason 2: writeback');
  await mode.waitFor();
  await mode.selectOption({ label: 'Always one code' });
  await page.getByLabel('Reason 2: code').selectOption('L');
  await page.getByRole('button', { name: 'Save settings' }).tap();
  await page.waitForFunction(() => document.getElementById('settings-message').textContent === 'Settings saved.');
  const reason = (await calls('staff_save_settings'))[0].settings.default_group.reasons[1];
  assert.deepEqual(reason, { label: 'Transport delay', used_for: 'late_sign_in', writeback: { mode: 'code', code: 'L' } });

  await page.getByLabel('School id').fill('1234567');
  await page.getByLabel('Token').fill('secret-token-abcd');
  await page.getByRole('button', { name: 'Test connection' }).tap();
  await page.getByText('Connected: Riverside Academy (MIS: SIMS).').waitFor();
  await page.getByRole('button', { name: 'Save connection' }).tap();
  await page.locator('.token-masked').waitFor();
  assert.equal(await page.locator('.token-masked').textContent(), '••••••••abcd');
  assert.equal(await page.getByLabel('Token').inputValue(), '', 'the token is not kept in the page');
  assert.equal(await page.getByLabel('Token').getAttribute('type'), 'password');
  assert.deepEqual(await calls('staff_save_connection'), [{ session: 'session-1', schoolId: '1234567', token: 'secret-token-abcd' }]);
});

test('the configuration check lists a reason mapped to a code the MIS lacks, and home shows the badge (R5.5)', async () => {
  const { page } = await open({ staff: { codes: STAFF_CODES.filter((c) => c.code !== 'M') } }, { fixedTime: FIXED });
  const staffButton = page.getByRole('button', { name: 'Staff, 1 configuration problem' });
  await staffButton.waitFor();
  assert.equal(await page.locator('#staff-badge').textContent(), '1');
  await unlock(page);
  await page.getByRole('tab', { name: /Configuration check/ }).tap();
  await page.locator('#check-list li').first().waitFor();
  const items = await page.locator('#check-list li').allTextContents();
  assert.equal(items.length, 4);
  assert.match(items[0], /^Problem\s*Reason 'Medical appointment' in group 'Everyone' is mapped to code 'M', which the MIS does not have/);
  assert.match(items[1], /^Warning/);
  assert.match(items[3], /^OK/);
  assert.match(await page.locator('#check-summary').textContent(), /1 problem and 1 warning/);
  assert.equal(await page.locator('#check-tab-badge').textContent(), '1');
  await page.screenshot({ path: path.join(SHOTS, 'staff-config-check.png') });
  // The settings show the missing code for what it is.
  await page.getByRole('tab', { name: 'Settings' }).tap();
  await page.getByLabel('Reason 1: code').waitFor();
  assert.equal(await page.getByLabel('Reason 1: code').locator('option:checked').textContent(), "M — not one of the MIS's codes");
});

test('an import switch turned off stays off after "Run import now", with progress while it runs (R5.4)', async () => {
  const { page, calls } = await open({ staff: { importDelayMs: 60 } });
  await unlock(page);
  await page.getByRole('tab', { name: 'Import' }).tap();
  const zoe = page.getByRole('switch', { name: "Import Zoë O'Brien" });
  await zoe.waitFor();
  assert.equal(await zoe.getAttribute('aria-checked'), 'true');
  assert.equal(await zoe.textContent(), 'Importing');
  await zoe.tap();
  await page.waitForFunction(() => window.__fake.callsTo('staff_set_import').length === 1);
  assert.equal(await zoe.getAttribute('aria-checked'), 'false');
  assert.equal(await zoe.textContent(), 'Do not import');
  assert.deepEqual(await calls('staff_set_import'), [{ session: 'session-1', kind: 'student', misId: 'A100', imported: false }]);
  assert.match(await page.locator('#import-runs li').first().textContent(), /Succeeded/);

  const peopleBefore = (await calls('staff_people')).length;
  await page.getByRole('button', { name: 'Run import now' }).tap();
  await page.locator('#import-progress').waitFor();
  await page.waitForFunction(() => /Pupils: \d of 9/.test(document.getElementById('import-stage').textContent));
  assert.ok(await page.getByRole('button', { name: 'Run full import' }).isDisabled());
  await page.getByText(/^Import finished: 7 pupils, 12 contacts, 2 members of staff and 9 attendance codes\.$/).waitFor();
  assert.deepEqual((await calls('staff_import_now')), [{ session: 'session-1', full: false }]);
  await page.waitForFunction((n) => window.__fake.callsTo('staff_people').length > n, peopleBefore);
  await page.locator('#import-progress').waitFor({ state: 'hidden' });
  const after = page.getByRole('switch', { name: "Import Zoë O'Brien" });
  assert.equal(await after.getAttribute('aria-checked'), 'false', 'still off after the import');
  assert.match(await page.locator('#import-runs li').first().textContent(), /Succeeded\s*Update/);

  await page.getByRole('button', { name: 'Staff', exact: true }).tap();
  await page.getByRole('switch', { name: 'Import Ms Rita Novak' }).waitFor();
  assert.equal(await page.getByRole('switch', { name: 'Import Ms Rita Novak' }).getAttribute('aria-checked'), 'false');
  await page.locator('#people-query').fill('okaf');
  await page.waitForFunction(() => document.querySelectorAll('#people-list li').length === 1);
});

test('On site now lists today\'s late, early and returned, and prints only that list (R5.6)', async () => {
  const { page } = await open({}, { fixedTime: FIXED });
  await unlock(page);
  await page.getByRole('tab', { name: 'On site now' }).tap();
  await page.waitForFunction(() => document.querySelectorAll('#onsite-rows tr').length === 9);
  assert.match(await page.locator('#onsite-summary').textContent(), /5 late sign-ins, 3 early sign-outs, 1 return/);
  assert.match(await page.locator('#onsite-rows tr').nth(4).textContent(), /10:15Sam PatelYear 8 · 8ABEarly sign-outMedical appointmentPriya Patel/);
  await page.evaluate(() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; });
  await page.getByRole('button', { name: 'Print' }).tap();
  await page.waitForFunction(() => window.__printed === 1);
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.locator('#onsite-rows').isVisible());
  assert.match(await page.locator('#print-head').textContent(), /Riverside Academy · On site now · Monday 24 November 2025/);
  for (const hidden of ['.staff-nav', '.staff-top', '#onsite-print', '#screen-home']) {
    assert.ok(await page.locator(hidden).isHidden(), `${hidden} is not printed`);
  }
  await page.emulateMedia({ media: 'screen' });
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
  await tapPin(page, '2468');
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
  await tapPin(page, '2468');
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
  await page.keyboard.type('2468');
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

fs.mkdirSync(SHOTS, { recursive: true });
