// The whole kiosk in Chromium over the real Rust core (real-backend.js, backend.rs): the real
// commands, a real SQLite file, the Wonde simulator over loopback HTTP, the sync engine and the
// import. Where staff.test.js checks each screen against a fake, these check that what the office
// does on the screen really happens: the mark in the MIS, the code the rules chose, the import.

const { test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { sharedBrowser, tapKeys } = require('./helpers.js');
const { openRealKiosk, schoolPupils, openStaff, saveSettings, PIN } = require('./real-backend.js');
const { watchQueue, signInByCard, signInByName } = require('./queue.js');

const shared = sharedBrowser();
let kiosk;


afterEach(async () => {
  if (!kiosk) return;
  const { errors, seen, backend } = kiosk;
  const { token } = await backend.get('/control/token');
  await kiosk.close();
  kiosk = null;
  assert.deepEqual(errors, [], 'the page logged errors');
  // R6.1: no command answer and no pushed event ever carried the Wonde token.
  assert.ok(seen.length > 0);
  assert.deepEqual(seen.filter((s) => s.includes(token)), [], 'the token reached the page');
});

async function open(options) {
  kiosk = await openRealKiosk(shared.browser, shared.server.url, options);
  return kiosk;
}

const screenIs = (page, name) => page.waitForFunction((n) => document.body.dataset.screen === n, name, { timeout: 10000 });
const logRow = (page, name) => page.locator('#log-rows tr').filter({ hasText: name });
const chip = (page, label) => page.locator('#log-status .chip').filter({
  has: page.locator('.chip-label', { hasText: new RegExp(`^${label}$`) }),
});

/** A pupil of the simulated school, by position in the MIS's list (schoolPupils). */
async function pupil(backend, n) {
  return (await schoolPupils(backend))[n];
}

/** Late sign-in up to the check screen: from the find screen types the whole name, picks the
 *  pupil and a reason if asked. */
async function findAndCheck(page, who, reason = null) {
  await screenIs(page, 'find');
  await tapKeys(page, who.typed);
  const hit = page.locator('#find-results button').filter({ hasText: who.name }).filter({ hasText: who.registrationGroup });
  await hit.first().tap();
  if (reason) {
    await screenIs(page, 'choose');
    await page.getByRole('button', { name: reason, exact: true }).tap();
  }
  await screenIs(page, 'confirm');
}

/** Late sign-in from home: types the whole name, picks the pupil, a reason if asked, signs in. */
async function signInLate(page, who, reason = null) {
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await findAndCheck(page, who, reason);
  await page.getByRole('button', { name: 'Sign in', exact: true }).tap();
  await screenIs(page, 'done');
  const done = await page.locator('#done-list').textContent();
  await page.getByRole('button', { name: 'Done' }).tap();
  await screenIs(page, 'home');
  return done;
}

/** Waits until the MIS holds `count` marks and returns them. */
async function marksInMis(backend, count) {
  for (let i = 0; i < 100; i += 1) {
    const marks = await backend.get('/control/marks');
    if (marks.length >= count) return marks;
    await new Promise((r) => setTimeout(r, 100));
  }
  return backend.get('/control/marks');
}

// ---------------------------------------------------------------------------------------------

test('a pupil late at 09:10 is written to the MIS as L and the staff log turns Successful by itself (R2.1, R4.2, R5.2)', async () => {
  const { page, backend } = await open({ localTime: '09:10' });
  const who = await pupil(backend, 0);
  assert.match(await signInLate(page, who), /Signed in at 09:1\d/);

  const [mark] = await marksInMis(backend, 1);
  assert.deepEqual([mark.name, mark.session, mark.code, mark.writes], [who.name, 'AM', 'L', 1]);

  await openStaff(page);
  const row = logRow(page, who.name);
  await page.waitForFunction((n) => [...document.querySelectorAll('#log-rows tr')]
    .some((tr) => tr.textContent.includes(n) && /Successful/.test(tr.textContent)), who.name, { timeout: 20000 });
  assert.match(await row.textContent(), /09:1\d:\d\d.*Late sign-in.*AM.*L.*Successful/);
  assert.equal(await chip(page, 'Successful').textContent(), 'Successful1');

  // The Writeback tab shows what was really sent and Wonde's answer.
  await row.click();
  await page.getByRole('dialog').waitFor();
  await page.getByRole('tab', { name: /^Writeback \(\d+\)$/ }).tap();
  const attempt = await page.locator('#event-attempts li').first().textContent();
  assert.match(attempt, /Sent\s*POST attendance\/session: student \w+, \d{4}-\d\d-\d\d AM, code L \(\w+\), 10 minutes late/);
  assert.match(attempt, /HTTP status\s*200/);
});

/** An early sign-out from home for `who`, collected by an adult who types `adult`. */
async function signOutEarly(page, who, adult) {
  await page.getByRole('button', { name: /Collecting a child early/ }).tap();
  await screenIs(page, 'find');
  await tapKeys(page, who.typed);
  await page.locator('#find-results button').filter({ hasText: who.name }).filter({ hasText: who.registrationGroup }).first().tap();
  await page.getByRole('button', { name: /^Next/ }).tap();
  if (await page.evaluate(() => document.body.dataset.screen) === 'choose') await page.locator('#choose-list button').first().tap();
  await screenIs(page, 'type');
  assert.equal(await page.locator('#type-title').textContent(), 'Who is collecting?');
  await page.keyboard.type(adult);
  await page.getByRole('button', { name: 'Continue' }).tap();
  await screenIs(page, 'confirm');
  await page.getByRole('button', { name: 'Sign out', exact: true }).tap();
  await screenIs(page, 'done');
  const done = await page.locator('#screen-done').textContent();
  await page.getByRole('button', { name: 'Done' }).tap();
  await screenIs(page, 'home');
  return done;
}

test('a parent types their name and matches; a stranger is recorded as typed and flagged for the office; no contact is ever listed (R6.7, R10.1)', async () => {
  const { page, backend, seen } = await open({ localTime: '10:30' });
  const pupils = await backend.get('/control/pupils');
  const n = pupils.findIndex((p) => p.contacts.some((c) => c.parentalResponsibility));
  const who = await pupil(backend, n);
  const parent = who.contacts.find((c) => c.parentalResponsibility);
  const parentName = `${parent.forename} ${parent.surname}`.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const same = (done, adult) => done.replace(adult, 'THE ADULT').replace(/\d\d:\d\d/g, 'HH:MM');
  const byParent = same(await signOutEarly(page, who, parentName.toUpperCase()), parentName.toUpperCase());
  const byStranger = same(await signOutEarly(page, who, 'Nobody Known'), 'Nobody Known');
  assert.equal(byParent, byStranger, 'the kiosk answers a stranger as it answers a parent');
  // Nothing the page was sent names a contact or a relationship.
  for (const c of who.contacts) {
    for (const text of [`${c.forename} ${c.surname}`, c.relationship]) {
      assert.deepEqual(seen.filter((answer) => answer.includes(text)), [], `${text} reached the page`);
    }
  }

  await openStaff(page);
  const stranger = page.locator('#log-rows tr').filter({ hasText: 'Early sign-out' }).filter({ hasText: 'Not a known contact' });
  await stranger.first().waitFor();
  assert.equal(await page.locator('#log-rows tr').filter({ hasText: 'Not a known contact' }).count(), 1, 'the parent is not flagged');
  await stranger.first().locator('.row-open').click();
  await page.getByRole('dialog').waitFor();
  assert.match(await page.locator('#event-fields').textContent(), /Collected by\s*Nobody Known\s*Not a known contact/);
});

test('the office moves the unauthorised time to 09:05 and the next pupil at 09:10 gets U (R3.2, R5.3)', async () => {
  const { page, backend } = await open({ localTime: '09:10' });
  await openStaff(page);
  await page.getByRole('tab', { name: 'Settings' }).tap();
  const unauthorised = page.getByLabel('AM unauthorised', { exact: true });
  await unauthorised.waitFor();
  assert.equal(await unauthorised.inputValue(), '09:20');
  await unauthorised.fill('09:05');
  await saveSettings(page);
  // The stored connection is tested without typing the token again; it is only ever shown masked.
  const school = await page.locator('#school-name').textContent();
  await page.getByRole('button', { name: 'Test connection' }).tap();
  await page.getByText(`Connected: ${school} (MIS: SIMS).`).waitFor({ timeout: 10000 });
  assert.match(await page.locator('.token-masked').textContent(), /^•+[0-9a-f]{4}$/);
  // Saved again with the token left empty: the saved token and the Wonde address are kept, and
  // the sync engine restarts on them (the sign-in below is written through it).
  await page.getByRole('button', { name: 'Save connection' }).tap();
  await page.locator('#staff-notice').filter({ hasText: 'The connection is saved.' }).waitFor();
  await page.getByRole('button', { name: 'Lock' }).tap();
  await screenIs(page, 'home');

  const who = await pupil(backend, 1);
  await signInLate(page, who);
  const [mark] = await marksInMis(backend, 1);
  assert.deepEqual([mark.name, mark.code], [who.name, 'U']);
  await openStaff(page);
  await page.waitForFunction((n) => [...document.querySelectorAll('#log-rows tr')]
    .some((tr) => tr.textContent.includes(n) && /AM\s*U\s*Successful/.test(tr.textContent)), who.name, { timeout: 20000 });
});

test('a reason mapped to a code the MIS dropped: the check warns, the sign-in fails with that cause, and Retry after the fix writes it (R3.8, R4.6, R5.5)', async () => {
  const { page, backend } = await open({ localTime: '09:30' });
  await openStaff(page);
  await page.getByRole('tab', { name: 'Settings' }).tap();
  await page.getByRole('button', { name: 'Add a reason' }).first().tap();
  await page.getByLabel('Reason 1: label').fill('Music exam');
  await page.getByLabel('Reason 1: writeback').selectOption({ label: 'Always one code' });
  await page.getByLabel('Reason 1: code').selectOption('C');
  await saveSettings(page);

  // The school stops using C; the next import brings the MIS's codes without it.
  assert.deepEqual(await backend.post('/control/drop-code', { code: 'C' }), { removed: 1 });
  await page.getByRole('tab', { name: 'Import' }).tap();
  await page.getByRole('button', { name: 'Run full import' }).tap();
  await page.getByText(/^Import finished: /).waitFor({ timeout: 20000 });
  await page.getByRole('tab', { name: /Configuration check/ }).tap();
  await page.locator('#check-list li').first().waitFor();
  assert.match(await page.locator('#check-list').textContent(),
    /Reason 'Music exam' writes C, which the MIS does not have/);
  await page.getByRole('button', { name: 'Lock' }).tap();
  await screenIs(page, 'home');
  await page.getByRole('button', { name: /^Staff, \d+ configuration problems?/ }).waitFor();

  const who = await pupil(backend, 2);
  await signInLate(page, who, 'Music exam');
  await openStaff(page);
  await chip(page, 'Failed').tap();
  const row = logRow(page, who.name);
  await row.waitFor({ timeout: 20000 });
  await row.click();
  await page.getByRole('dialog').waitFor();
  assert.match(await page.locator('#event-cause').textContent(), /\bC\b/);
  assert.deepEqual(await backend.get('/control/marks'), [], 'nothing was sent');
  await page.keyboard.press('Escape');

  // The office maps the reason to L instead and retries.
  await page.getByRole('tab', { name: 'Settings' }).tap();
  await page.getByLabel('Reason 1: code').selectOption('L');
  await saveSettings(page);
  await page.getByRole('tab', { name: /Writeback log/ }).tap();
  await chip(page, 'Failed').tap();
  await logRow(page, who.name).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Retry writeback' }).tap();
  const [mark] = await marksInMis(backend, 1);
  assert.deepEqual([mark.name, mark.code, mark.comment], [who.name, 'L', 'Music exam']);
  await page.waitForFunction(() => document.querySelector('#event-status').textContent === 'Successful', null, { timeout: 20000 });
});

test('a pupil switched to "Do not import" stays off across an import and is no longer found at the kiosk (R1.4, R5.4)', async () => {
  const { page, backend } = await open();
  const who = await pupil(backend, 3);
  await openStaff(page);
  await page.getByRole('tab', { name: 'Import' }).tap();
  await page.locator('#people-query').fill(who.surname);
  const toggle = page.getByRole('switch', { name: `Import ${who.name}` });
  await toggle.first().waitFor();
  await toggle.first().tap();
  await page.waitForFunction((n) => [...document.querySelectorAll('[role=switch]')]
    .some((s) => s.getAttribute('aria-label') === `Import ${n}` && s.getAttribute('aria-checked') === 'false'), who.name);

  await page.getByRole('button', { name: 'Run import now' }).tap();
  await page.getByText(/^Import finished: /).waitFor({ timeout: 20000 });
  await page.locator('#people-query').fill(who.surname);
  await page.waitForFunction((n) => [...document.querySelectorAll('[role=switch]')]
    .some((s) => s.getAttribute('aria-label') === `Import ${n}` && s.getAttribute('aria-checked') === 'false'), who.name);
  assert.match(await page.locator('#import-runs li').first().textContent(), /Succeeded/);

  await page.getByRole('button', { name: 'Lock' }).tap();
  await screenIs(page, 'home');
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await tapKeys(page, who.typed);
  await page.waitForFunction(() => /names? found/.test(document.getElementById('find-hint').textContent));
  const names = await page.locator('#find-results button').allTextContents();
  assert.ok(!names.some((n) => n.includes(who.name) && n.includes(who.registrationGroup)),
    `${who.name} is still offered: ${names}`);
});

test('offline: the sign-in is recorded at once and waits; when the network returns it is written (R4.1, R4.3, R2.6)', async () => {
  const { page, backend } = await open({ localTime: '09:12' });
  await backend.post('/control/network', { online: false });
  const who = await pupil(backend, 4);
  assert.match(await signInLate(page, who), /Signed in at 09:1\d/);
  await page.locator('#offline-banner').waitFor({ timeout: 20000 });
  assert.deepEqual(await backend.get('/control/marks'), []);

  await openStaff(page);
  assert.match(await logRow(page, who.name).textContent(), /Pending/);
  await backend.post('/control/network', { online: true });
  await page.waitForFunction((n) => [...document.querySelectorAll('#log-rows tr')]
    .some((tr) => tr.textContent.includes(n) && /Successful/.test(tr.textContent)), who.name, { timeout: 30000 });
  const [mark] = await marksInMis(backend, 1);
  assert.deepEqual([mark.name, mark.code], [who.name, 'L'], "the code of the sign-in's own time");
});

test('the CSV export is saved for the kiosk alone in its data directory, holding the day as the log shows it, listed and deleted; five wrong PINs lock the real pad (R5.1, R5.2, R6.4)', async () => {
  const { page, backend } = await open({ localTime: '09:25' });
  const who = await pupil(backend, 5);
  await signInLate(page, who);
  await marksInMis(backend, 1);
  await openStaff(page);
  await page.waitForFunction((n) => [...document.querySelectorAll('#log-rows tr')]
    .some((tr) => tr.textContent.includes(n) && /Successful/.test(tr.textContent)), who.name, { timeout: 20000 });
  await page.getByRole('button', { name: 'Export CSV…' }).tap();
  const dialog = page.getByRole('dialog', { name: 'Export the log to CSV' });
  await dialog.getByRole('button', { name: 'Save CSV' }).tap();
  await page.locator('#staff-notice').filter({ hasText: /^Saved 1 event / }).waitFor();
  const saved = /in (\/\S+\.csv)$/.exec(await page.locator('#staff-notice').textContent())[1];
  const lines = fs.readFileSync(saved, 'utf8').trimEnd().split(/\r?\n/);
  assert.equal(lines[0], 'id,date,time,person,year,registration_group,type,reason,collected_by,session,code,status,cause');
  assert.equal(lines.length, 2);
  assert.match(lines[1], new RegExp(`^\\d+,\\d{4}-\\d\\d-\\d\\d,09:2\\d(:\\d\\d)?,${who.name},${who.year},${who.registrationGroup},Late sign-in,,,AM,U,Successful,$`));
  assert.equal(path.basename(path.dirname(saved)), 'exports', 'in the data directory, not Downloads');
  assert.equal(fs.statSync(saved).mode & 0o777, 0o600);
  await page.getByRole('button', { name: 'Export CSV…' }).tap();
  await page.locator('#exports-list li').first().waitFor();
  assert.match(await page.locator('#exports-folder').textContent(), new RegExp(`^Kept in ${path.dirname(saved)} on this computer`));
  assert.match(await page.locator('#exports-list li').textContent(), new RegExp(`^${path.basename(saved)}1 event · `));
  await dialog.getByRole('button', { name: `Delete ${path.basename(saved)}` }).tap();
  await page.locator('#exports-empty').waitFor();
  assert.ok(!fs.existsSync(saved), 'the file is gone');
  await dialog.getByRole('button', { name: 'Cancel' }).tap();

  await page.getByRole('button', { name: 'Lock' }).tap();
  await screenIs(page, 'home');
  await page.getByRole('button', { name: /^Staff/ }).tap();
  await screenIs(page, 'pin');
  for (let left = 4; left >= 0; left -= 1) {
    await page.keyboard.type('111111');
    await page.keyboard.press('Enter');
    const expected = left > 0 ? `Wrong PIN. ${left} ${left === 1 ? 'try' : 'tries'} left.` : null;
    if (expected) await page.waitForFunction((t) => document.getElementById('pin-message').textContent === t, expected);
  }
  await page.waitForFunction(() => /The pad opens again in/.test(document.getElementById('pin-message').textContent));
  assert.ok(await page.locator('#pin-input').isDisabled());
  // The right PIN is refused too while the pad is paused.
  const status = await backend.post('/invoke/staff_unlock', { pin: PIN });
  // { code, message } from the core; a bare sentence from a core built before the codes.
  if (typeof status.error === 'string') assert.match(status.error, /Too many wrong tries/);
  else assert.deepEqual([status.error.code, /Too many wrong tries/.test(status.error.message)], ['PIN_PAUSED', true]);
});

/** A card reader's scan: the card's keys and Enter, as fast as a reader types them (synthetic key
 *  events sent together, so no load on the machine slows them to a person's pace). */
async function scan(page, text, enter = true) {
  await page.evaluate(([t, withEnter]) => {
    const target = document.activeElement || document.body;
    for (const key of [...t, ...(withEnter ? ['Enter'] : [])]) {
      target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    }
  }, [text, enter]);
}

test('a pupil scans their card at home and is signed in late with one tap, written as L; a second scan says they are in; an unknown, cut-short or garbled card offers the name search; typing is no scan (R7.1, R7.3)', async () => {
  const { page, backend } = await open({ localTime: '09:10' });
  const [who, other] = [await pupil(backend, 2), await pupil(backend, 5)];
  await openStaff(page);
  await page.getByRole('tab', { name: 'Settings' }).tap();
  await page.getByLabel('Card readers type').selectOption('admission_number');
  await saveSettings(page);
  await page.getByRole('button', { name: 'Lock' }).tap();
  await screenIs(page, 'home');

  // Typed on a real keyboard at a person's pace, the number is no scan: home stays as it was.
  await page.evaluate(() => document.activeElement.blur()); // Enter would press the Staff button
  await page.keyboard.type(who.admissionNumber, { delay: 150 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(400);
  assert.equal(await page.evaluate(() => document.body.dataset.screen), 'home');
  assert.ok(await page.locator('#home-card').isHidden());

  await scan(page, who.admissionNumber);
  await screenIs(page, 'confirm');
  assert.match(await page.locator('#screen-confirm').textContent(), new RegExp(who.name));
  await page.getByRole('button', { name: 'Sign in', exact: true }).tap(); // the one tap after the scan
  await screenIs(page, 'done');
  assert.match(await page.locator('#done-title').textContent(), new RegExp(`You're signed in, ${who.forename}`));
  const [mark] = await marksInMis(backend, 1);
  assert.deepEqual([mark.name, mark.session, mark.code], [who.name, 'AM', 'L']);
  await page.getByRole('button', { name: 'Done' }).tap();
  await screenIs(page, 'home');

  await scan(page, who.admissionNumber);
  await page.locator('#home-card').waitFor();
  assert.match(await page.locator('#home-card-text').textContent(), new RegExp(`${who.name}, you signed in at 09:1\\d today already`));

  for (const [card, sentence] of [
    ['987654321', /not known to the kiosk/],
    ['9'.repeat(500), /could not be read/],
  ]) {
    await scan(page, card);
    await page.waitForFunction((s) => new RegExp(s).test(document.getElementById('home-card-text').textContent), sentence.source);
  }
  await scan(page, other.admissionNumber.slice(0, 4), false); // the reader unplugged mid-card
  await page.waitForFunction(() => /not read completely/.test(document.getElementById('home-card-text').textContent));

  // "Find my name" opens the search; a card scanned there picks its pupil as a tap on the name would.
  await page.getByRole('button', { name: 'Find my name' }).tap();
  await screenIs(page, 'find');
  await scan(page, other.admissionNumber);
  await screenIs(page, 'confirm');
  assert.match(await page.locator('#screen-confirm').textContent(), new RegExp(other.name));
  const events = await backend.get('/control/marks');
  assert.equal(events.length, 1, 'nothing else was recorded');
});

test('the check screen shows the pupil\'s photo from the MIS, initials for one without, "This isn\'t me" goes back to the search, and Settings can turn photos off (R7.2)', async () => {
  const { page, backend } = await open({ localTime: '09:10' });
  const listed = await backend.get('/control/pupils');
  const withPhoto = await pupil(backend, listed.findIndex((p) => p.hasPhoto));
  const without = await pupil(backend, listed.findIndex((p) => !p.hasPhoto));
  const img = page.locator('#confirm-photo-img');
  const initialsOf = (who) => [who.forename, who.surname].map((w) => [...w][0].toLocaleUpperCase('en-GB')).join('');

  await page.getByRole('button', { name: /I'm late/ }).tap();
  await findAndCheck(page, withPhoto);
  await img.waitFor();
  assert.match(await img.getAttribute('src'), /^data:image\/png;base64,/);
  assert.equal(await img.getAttribute('alt'), `Photo of ${withPhoto.name}`);
  // The picture is decoded by the browser: a real image, not a broken icon.
  await page.waitForFunction(() => document.getElementById('confirm-photo-img').naturalWidth > 0);
  assert.ok(await page.locator('#confirm-initials').isHidden());

  // Not them: back to the search, nothing recorded.
  await page.getByRole('button', { name: "This isn't me" }).tap();
  await screenIs(page, 'find');
  await page.locator('#screen-find .keyboard').getByRole('button', { name: 'Clear all', exact: true }).tap();
  await findAndCheck(page, without);
  await page.locator('#confirm-initials').waitFor();
  assert.equal(await page.locator('#confirm-initials').textContent(), initialsOf(without));
  assert.ok(await img.isHidden());
  await page.getByRole('button', { name: 'Start again' }).tap();
  await screenIs(page, 'home');
  assert.deepEqual(await backend.get('/control/marks'), []);

  // Switched off in Settings, even a pupil with a photo shows initials.
  await openStaff(page);
  await page.getByRole('tab', { name: 'Settings' }).tap();
  const photos = page.getByLabel('Photos on the check screen');
  assert.ok(await photos.isChecked());
  await photos.setChecked(false);
  await saveSettings(page);
  await page.getByRole('button', { name: 'Lock' }).tap();
  await screenIs(page, 'home');
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await findAndCheck(page, withPhoto);
  await page.locator('#confirm-initials').waitFor();
  assert.equal(await page.locator('#confirm-initials').textContent(), initialsOf(withPhoto));
  assert.ok(await img.isHidden());
});

test('the queue: with a reason to pick, a card sign-in takes two taps after the scan and a name sign-in three after the name, each ending signed in and written as L (R7.3)', async () => {
  const { page, backend } = await open({ localTime: '09:10' });
  await openStaff(page);
  await page.getByRole('tab', { name: 'Settings' }).tap();
  await page.getByLabel('Card readers type').selectOption('admission_number');
  // A reason to pick is the longest way through: the budget is counted on it.
  await page.getByRole('button', { name: 'Add a reason' }).first().tap();
  await page.getByLabel('Reason 1: label').fill('Music exam');
  await page.getByLabel('Reason 1: writeback').selectOption({ label: 'Always one code' });
  await page.getByLabel('Reason 1: code').selectOption('L');
  await saveSettings(page);
  await page.getByRole('button', { name: 'Lock' }).tap();
  await screenIs(page, 'home');
  await watchQueue(page);

  const [byCard, byName] = [await pupil(backend, 3), await pupil(backend, 4)];
  const card = await signInByCard(page, byCard, byCard.admissionNumber);
  assert.equal(card.taps, 2, 'the reason, then Sign in');
  const name = await signInByName(page, byName);
  assert.equal(name.taps, 3, 'the name, the reason, then Sign in');
  for (const run of [card, name]) assert.ok(run.ms > 0, JSON.stringify(run));
  const marks = await marksInMis(backend, 2);
  assert.deepEqual(marks.map((m) => [m.name, m.code]).sort(), [[byCard.name, 'L'], [byName.name, 'L']].sort());
});
