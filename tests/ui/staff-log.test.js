// The writeback log (R5.2) in Chromium against the fake backend (fake-staff.js): counts and
// filters, retry, the Writeback tab, live status changes, text search, other days, CSV export.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { kioskPerTest, screenshot, FIXED, logRows, chip, waitRows, unlock } = require('./helpers.js');

const open = kioskPerTest();

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
  await screenshot(page, 'staff-log');

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

test("retry all of today's failures: one button, every Failed event of today Pending; none on another day", async () => {
  const { page, calls } = await open({}, { fixedTime: FIXED });
  await unlock(page);
  const button = page.getByRole('button', { name: "Retry all of today's failures (2)" });
  await button.waitFor();
  await button.tap();
  await page.waitForFunction(() => document.querySelector('#log-retry-failed').hidden);
  assert.deepEqual(await calls('staff_retry_failed_today'), [{ session: 'session-1' }]);
  assert.equal(await chip(page, 'Failed').textContent(), 'Failed0');
  assert.equal(await chip(page, 'Pending').textContent(), 'Pending4');
  assert.match(await page.locator('#staff-notice').textContent(), /2 events will be tried again/);

  await page.locator('#log-prev').tap();
  await page.waitForFunction(() => document.querySelector('#log-date').value === '2025-11-23');
  assert.ok(await page.locator('#log-retry-failed').isHidden(), 'only today can be retried');
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
  assert.match(attempts[1], /Attempt 2.*Refused by the MIS.*HTTP status\s*422.*Wonde's message\s*The register for this session is locked\..*Took\s*655 ms/);
  // Coloured by the attempt's kind, not by its words.
  assert.deepEqual(await page.locator('#event-attempts li').evaluateAll((lis) => lis.map((li) => li.className)), ['attempt attempt-bad', 'attempt attempt-bad', 'attempt attempt-bad']);
  await screenshot(page, 'staff-writeback-tab');
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
    'Saved 11 events from Sunday 23 November 2025 to Monday 24 November 2025 in /home/office/.local/share/reception-kiosk/exports/writeback-log-2025-11-23-2025-11-24.csv');
});

test('the saved exports are listed with the folder IT fetches them from, and each can be deleted (R6.2, R6.4)', async () => {
  const { page, calls } = await open({}, { fixedTime: FIXED });
  await unlock(page);
  await page.getByRole('button', { name: 'Export CSV…' }).tap();
  const dialog = page.getByRole('dialog', { name: 'Export the log to CSV' });
  await page.locator('#exports-list li').first().waitFor();
  assert.equal(await page.locator('#exports-folder').textContent(),
    'Kept in /home/office/.local/share/reception-kiosk/exports on this computer, deleted after the retention period.');
  assert.equal(await page.locator('#exports-list li').textContent(),
    'writeback-log-2025-11-17-2025-11-21.csv38 events · 5 KB · saved 2025-11-21 16:02Delete');
  await dialog.getByRole('button', { name: 'Save CSV' }).tap();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('button', { name: 'Export CSV…' }).tap();
  await page.waitForFunction(() => document.querySelectorAll('#exports-list li').length === 2);
  assert.match(await page.locator('#exports-list li').first().textContent(), /^writeback-log-2025-11-24-2025-11-24\.csv/, 'newest first');

  await dialog.getByRole('button', { name: 'Delete writeback-log-2025-11-17-2025-11-21.csv' }).tap();
  await page.waitForFunction(() => document.querySelectorAll('#exports-list li').length === 1);
  assert.deepEqual(await calls('staff_delete_export'), [{ session: 'session-1', name: 'writeback-log-2025-11-17-2025-11-21.csv' }]);
  assert.equal(await page.locator('#staff-notice').textContent(), 'Deleted writeback-log-2025-11-17-2025-11-21.csv.');

  await dialog.getByRole('button', { name: 'Delete writeback-log-2025-11-24-2025-11-24.csv' }).tap();
  await page.locator('#exports-empty').waitFor();
});

test('an early sign-out by an adult the kiosk could not match is flagged in the log, its detail and On site now (R10.1)', async () => {
  const { page } = await open({}, { fixedTime: FIXED });
  await unlock(page);
  const flagged = logRows(page).filter({ hasText: 'Not a known contact' });
  await flagged.first().waitFor();
  assert.equal(await flagged.count(), 1);
  assert.match(await flagged.textContent(), /10:15:00.*Sam Patel.*Early sign-out\s*Not a known contact/);
  await flagged.getByRole('button', { name: /^Sam Patel/ }).tap();
  await page.getByRole('dialog', { name: /Sam Patel · Early sign-out/ }).waitFor();
  assert.match(await page.locator('#event-fields').textContent(), /Collected by\s*Priya Patel\s*Not a known contact/);
  await page.keyboard.press('Escape');
  await page.getByRole('tab', { name: 'On site now' }).tap();
  const row = page.locator('#onsite-rows tr').filter({ hasText: 'Priya Patel' });
  await row.waitFor();
  assert.match(await row.textContent(), /Priya Patel\s*Not a known contact/);
  assert.equal(await page.locator('#onsite-rows tr').filter({ hasText: 'Claire Smith-Jones' }).filter({ hasText: 'Not a known contact' }).count(), 0);
});

test('an event recorded on a wrong clock is flagged and staff confirm its time by Wonde\'s clock (R6.5)', async () => {
  const { page, calls } = await open({}, { fixedTime: FIXED });
  await unlock(page);
  const held = logRows(page).filter({ hasText: 'Clock was wrong' });
  await held.first().waitFor();
  assert.equal(await held.count(), 1);
  await held.getByRole('button', { name: /^Clo Martin/ }).tap();
  await page.getByRole('dialog', { name: /Clo Martin · Late sign-in/ }).waitFor();
  assert.equal(await page.locator('#event-clock-text').textContent(),
    "Recorded while the tablet's clock was 3 hours ahead. Nothing is written for it until you confirm when it happened: "
    + "09:31 on Monday 24 November by Wonde's clock, or 12:31 on Monday 24 November as recorded.");
  await page.getByRole('button', { name: 'It was 09:31 on Monday 24 November' }).tap();
  await page.waitForFunction(() => document.getElementById('event-clock').hidden);
  assert.deepEqual(await calls('staff_confirm_time'), [{ session: 'session-1', id: 9, byWonde: true }]);
  await page.locator('#staff-notice').filter({ hasText: /^The time of Clo Martin's late sign-in is confirmed: 09:31:48 on/ }).waitFor();
  assert.equal(await logRows(page).filter({ hasText: 'Clock was wrong' }).count(), 0);
});
