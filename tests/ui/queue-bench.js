// The morning queue, measured (R7.3): 50 late sign-ins back to back by card and 50 by name on the
// kiosk in Chromium over the real core (kiosk-ui-backend: the real commands, SQLite, the sync
// engine writing each mark to the Wonde simulator meanwhile). A benchmark, not a test: it prints
// the median and p95 page time per sign-in (scan or first key to "You're signed in") and of the
// photo's time to show on the check screen. `make queue-bench`; figures in benches/README.md.
//
// The robot taps the moment a button shows, so the times are the kiosk's, not a pupil's thinking.
// Every call crosses Playwright and loopback HTTP (real-backend.js), which the app's own IPC
// does not: the app is, if anything, faster.

const assert = require('node:assert/strict');
const { serveUi, launchBrowser } = require('./helpers.js');
const { openRealKiosk, schoolPupils, openStaff, saveSettings } = require('./real-backend.js');
const { watchQueue, signInByCard, signInByName } = require('./queue.js');

const RUNS = Number(process.env.QUEUE_RUNS || 50);

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function report(label, runs) {
  const ms = runs.map((r) => r.ms);
  const photos = runs.map((r) => r.photoMs).filter((t) => t !== null);
  const fmt = (t) => `${Math.round(t)} ms`;
  const fromPick = runs.map((r) => r.fromPickMs);
  console.log(`${label}: ${runs.length} sign-ins, median ${fmt(quantile(ms, 0.5))}, p95 ${fmt(quantile(ms, 0.95))}, `
    + `max ${fmt(Math.max(...ms))} (from the pick or scan: median ${fmt(quantile(fromPick, 0.5))}, p95 ${fmt(quantile(fromPick, 0.95))}); taps after the ${label === 'by card' ? 'scan' : 'name'} at most ${Math.max(...runs.map((r) => r.taps))}; `
    + `photo shown on ${photos.length}: median ${fmt(quantile(photos, 0.5))}, p95 ${fmt(quantile(photos, 0.95))} after the check screen`);
}

async function main() {
  const [server, browser] = await Promise.all([serveUi(), launchBrowser()]);
  const kiosk = await openRealKiosk(browser, server.url, { localTime: '09:10', pupils: 1200 });
  try {
    const { page, backend } = kiosk;
    await page.waitForFunction(() => document.getElementById('status-import').textContent.startsWith('Last import'),
      null, { timeout: 180000 });
    await openStaff(page);
    await page.getByRole('tab', { name: 'Settings' }).tap();
    await page.getByLabel('Card readers type').selectOption('admission_number');
    await saveSettings(page);
    await page.getByRole('button', { name: 'Lock' }).tap();
    await watchQueue(page);

    // Pupils whose names the on-screen keyboard types as the kiosk shows them, each told apart
    // on the find screen by name and registration group.
    const seen = new Set();
    const pupils = (await schoolPupils(backend)).filter((p) => {
      const key = `${p.name} ${p.registrationGroup}`;
      return p.typed === p.name && p.admissionNumber && !seen.has(key) && seen.add(key);
    });
    assert.ok(pupils.length >= 2 * RUNS, `only ${pupils.length} pupils to sign in`);
    const byCard = [];
    for (const who of pupils.slice(0, RUNS)) byCard.push(await signInByCard(page, who, who.admissionNumber));
    const byName = [];
    for (const who of pupils.slice(RUNS, 2 * RUNS)) byName.push(await signInByName(page, who));
    report('by card', byCard);
    report('by name', byName);
    assert.deepEqual(kiosk.errors, [], 'the page logged errors');
  } finally {
    await kiosk.close();
    await browser.close();
    await server.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
