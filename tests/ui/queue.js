// The morning queue (R7.3): one late sign-in by card or by name on a kiosk page over the real
// core, as a pupil would do it with no pause to think, with what it took: the page's time from
// the scan (or the first key of the name) to "You're signed in", the taps after the scan (or
// after the name is typed), the time from picking the name, and how long the check screen waited
// for the photo. Used by the
// tests (the tap budget) and by queue-bench.js (the times).

const { tapKeys } = require('./helpers.js');

/** Installed once in a page: the moments the screen changed and the photo arrived, and the taps
 *  on the kiosk's buttons (the on-screen keyboard's keys are typing, not taps). */
function installQueueWatch() {
  const watch = { marks: [], taps: 0 };
  window.__queue = watch;
  const mark = (what) => watch.marks.push({ what, at: performance.now() });
  new MutationObserver(() => mark(`screen:${document.body.dataset.screen}`))
    .observe(document.body, { attributes: true, attributeFilter: ['data-screen'] });
  new MutationObserver(() => mark(`photo:${document.getElementById('confirm-photo').dataset.photo}`))
    .observe(document.getElementById('confirm-photo'), { attributes: true, attributeFilter: ['data-photo'] });
  document.addEventListener('click', (e) => {
    if (e.target.closest('button') && !e.target.closest('.keyboard')) watch.taps += 1;
  }, true);
}

async function watchQueue(page) {
  await page.evaluate(installQueueWatch);
}

/** Starts a measured sign-in: no marks, no taps, the clock at now. */
function restart() {
  window.__queue.marks = [];
  window.__queue.taps = 0;
  window.__queue.start = performance.now();
  window.__queue.picked = null;
}

/** A card reader's scan: every key of `text` and Enter in one go, as fast as a reader types. */
function readerTypes(text) {
  const target = document.activeElement || document.body;
  for (const key of [...text, 'Enter']) {
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  }
}

const screenIs = (page, name) => page.waitForFunction((n) => document.body.dataset.screen === n, name, { timeout: 15000 });

/** From wherever the journey is after the pupil is known: the first reason if asked, Sign in,
 *  "You're signed in"; then what it took, and Done back home. */
async function finish(page, who) {
  await page.waitForFunction(() => ['choose', 'confirm'].includes(document.body.dataset.screen), null, { timeout: 15000 });
  if (await page.evaluate(() => document.body.dataset.screen) === 'choose') {
    await page.locator('#choose-list button').first().tap();
    await screenIs(page, 'confirm');
  }
  await page.getByRole('button', { name: 'Sign in', exact: true }).tap();
  await page.waitForFunction((forename) => document.body.dataset.screen === 'done'
    && document.getElementById('done-title').textContent.startsWith(`You're signed in, ${forename}`), who.forename, { timeout: 15000 });
  const run = await page.evaluate(() => {
    const q = window.__queue;
    const at = (what) => q.marks.find((m) => m.what === what)?.at;
    const confirm = at('screen:confirm');
    const photo = at('photo:shown');
    const done = at('screen:done');
    return { ms: done - q.start, fromPickMs: done - (q.picked ?? q.start), taps: q.taps, photoMs: photo && confirm ? photo - confirm : null };
  });
  await page.getByRole('button', { name: 'Done' }).tap();
  await screenIs(page, 'home');
  return run;
}

/** A scan of `who`'s card on the home screen, then the taps it needs. */
async function signInByCard(page, who, cardNumber) {
  await screenIs(page, 'home');
  await page.evaluate(restart);
  await page.evaluate(readerTypes, cardNumber);
  return finish(page, who);
}

/** "I'm late", the whole name on the on-screen keyboard, the pupil picked, then the taps it needs. */
async function signInByName(page, who) {
  await screenIs(page, 'home');
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await screenIs(page, 'find');
  await page.evaluate(restart);
  await tapKeys(page, who.typed);
  await page.evaluate(() => { window.__queue.picked = performance.now(); });
  const hit = page.locator('#find-results button').filter({ hasText: who.name }).filter({ hasText: who.registrationGroup });
  await hit.first().tap();
  return finish(page, who);
}

module.exports = { watchQueue, signInByCard, signInByName };
