// Settings (R5.3), the configuration check (R5.5), import (R5.4) and On site now (R5.6) in
// Chromium against the fake backend (fake-staff.js).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { kioskPerTest, screenshot, FIXED, unlock } = require('./helpers.js');
const { STAFF_CODES } = require('./fake-staff.js');

const open = kioskPerTest();

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
  await screenshot(page, 'staff-settings');

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

test("a group's years and registration groups are picked from the roster's, not typed (R5.3)", async () => {
  const { page, calls } = await open({}, { fixedTime: FIXED });
  await unlock(page);
  await page.getByRole('tab', { name: 'Settings' }).tap();
  await page.getByRole('button', { name: 'Sixth form' }).tap();
  const years = page.getByRole('group', { name: 'Years' });
  await years.waitFor();
  assert.deepEqual(await years.getByRole('button').allTextContents(), ['7', '8', '9', '10', '11', '12', '13']);
  assert.equal(await years.getByRole('button', { name: '12', exact: true }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByText('Comma separated').count(), 0, 'no typing of years or groups');
  await years.getByRole('button', { name: '13', exact: true }).tap(); // unpicked
  await years.getByRole('button', { name: '11', exact: true }).tap();
  await page.getByRole('group', { name: 'Registration groups' }).getByRole('button', { name: '13S' }).tap();
  await page.getByRole('button', { name: 'Save settings' }).tap();
  await page.waitForFunction(() => document.getElementById('settings-message').textContent === 'Settings saved.');
  const [saved] = await calls('staff_save_settings');
  assert.deepEqual(saved.settings.groups[0].years, ['11', '12']);
  assert.deepEqual(saved.settings.groups[0].registration_groups, ['13S']);
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
  await screenshot(page, 'staff-config-check');
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
  assert.deepEqual((await calls('staff_import_now')), [{ session: 'session-1', full: false, acceptLargeArchive: false }]);
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

test('a full import that would archive most pupils runs only when staff confirm they left (R1.2)', async () => {
  const { page, calls } = await open({ staff: { importArchivesMost: true } });
  await unlock(page);
  await page.getByRole('tab', { name: 'Import' }).tap();
  await page.getByRole('button', { name: 'Run full import' }).tap();
  await page.getByRole('alert').filter({ hasText: 'would archive 5 of the school' }).waitFor();
  const confirm = page.getByRole('button', { name: 'They have left: run the full import' });
  await confirm.tap();
  await page.getByText(/^Import finished: /).waitFor();
  assert.deepEqual((await calls('staff_import_now')).map((c) => c.acceptLargeArchive), [false, true]);
  assert.ok(await confirm.isHidden(), 'the confirmation goes once the import ran');
});

test('On site now lists today\'s late, early and returned, and prints on the printer in Settings, never through a print dialog (R5.6, L7)', async () => {
  const { page, calls } = await open({}, { fixedTime: FIXED });
  await page.evaluate(() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; });
  await unlock(page);
  await page.getByRole('tab', { name: 'On site now' }).tap();
  await page.waitForFunction(() => document.querySelectorAll('#onsite-rows tr').length === 9);
  assert.match(await page.locator('#onsite-summary').textContent(), /5 late sign-ins, 3 early sign-outs, 1 return/);
  assert.match(await page.locator('#onsite-rows tr').nth(4).textContent(), /10:15Sam PatelYear 8 · 8ABEarly sign-outMedical appointmentPriya Patel/);
  await page.getByRole('button', { name: 'Print' }).tap();
  await page.locator('#onsite-error', { hasText: 'No printer is set up: choose the school\'s printer in Settings first.' }).waitFor();

  await page.getByRole('tab', { name: 'Settings' }).tap();
  await page.getByLabel('Printer', { exact: true }).fill(' Office_Laser ');
  await page.getByRole('button', { name: 'Save settings' }).tap();
  await page.waitForFunction(() => document.getElementById('settings-message').textContent === 'Settings saved.');
  assert.equal((await calls('staff_save_settings'))[0].settings.printer, 'Office_Laser');
  await page.getByRole('tab', { name: 'On site now' }).tap();
  await page.getByRole('button', { name: 'Print' }).tap();
  await page.locator('#staff-notice', { hasText: 'Sent 9 rows to the printer Office_Laser.' }).waitFor();
  assert.ok(await page.locator('#onsite-error').isHidden(), 'the earlier refusal is gone');
  assert.equal((await calls('staff_print_on_site')).length, 2);
  assert.equal(await page.evaluate(() => window.__printed || 0), 0, 'the web view\'s print dialog never opens');
});

test("a pupil's contacts are listed in the staff area only, and staff allow a grandparent to collect (R10.1)", async () => {
  const { page, calls } = await open();
  await unlock(page);
  await page.getByRole('tab', { name: 'Import' }).tap();
  const amy = page.locator('#people-list li.person').filter({ hasText: 'Amy Smith-Jones' });
  await amy.getByRole('button', { name: 'Who may collect' }).tap();
  const list = page.getByRole('list', { name: 'Who may collect Amy Smith-Jones' });
  await list.locator('li').nth(2).waitFor();
  assert.deepEqual(await calls('staff_collectors'), [{ session: 'session-1', misId: 'A200' }]);
  const item = (name) => list.locator('li').filter({ hasText: name });
  assert.match(await item('Claire Smith-Jones').textContent(), /Mother · parental responsibility\s*May collect/);
  assert.match(await item('Karen Lee').textContent(), /Social Worker\s*Never through the kiosk/);
  const nan = page.getByRole('switch', { name: 'Rose Smith may collect Amy Smith-Jones' });
  assert.equal(await nan.getAttribute('aria-checked'), 'false');
  await nan.tap();
  await page.waitForFunction(() => window.__fake.callsTo('staff_set_collector').length === 1);
  assert.deepEqual(await calls('staff_set_collector'), [{ session: 'session-1', misId: 'A200', contact: 'C4', allowed: true }]);
  assert.equal(await nan.textContent(), 'Allowed to collect');
  await page.locator('#staff-notice').filter({ hasText: 'Rose Smith may now collect Amy Smith-Jones.' }).waitFor();
});
