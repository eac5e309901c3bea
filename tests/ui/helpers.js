// Test harness: serves ui/ the way the app does (same CSP as tauri.conf.json), launches Debian's
// Chromium through playwright-core, and opens the kiosk with the fake backend installed.

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');
const { installFakeTauri, fakeConfig } = require('./fake-tauri.js');
const { installFakeStaff } = require('./fake-staff.js');

const ROOT = path.resolve(__dirname, '..', '..');
const UI = path.join(ROOT, 'ui');
const CSP = JSON.parse(fs.readFileSync(path.join(ROOT, 'tauri.conf.json'), 'utf8')).app.security.csp;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** A static server for ui/ on a free loopback port. Resolves to { url, close }. */
function serveUi() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/') rel = '/index.html';
    const file = path.normalize(path.join(UI, rel));
    if (!file.startsWith(UI + path.sep)) { res.writeHead(403).end(); return; }
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(rel === '/favicon.ico' ? 204 : 404).end(); return; }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Content-Security-Policy': CSP,
        'Cache-Control': 'no-store',
      });
      res.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/**
 * One UI server and one browser for a test file, started before its first test and closed after
 * its last. Returns { server, browser }, filled in once they run.
 */
function sharedBrowser() {
  const shared = {};
  before(async () => {
    [shared.server, shared.browser] = await Promise.all([serveUi(), launchBrowser()]);
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.close();
  });
  return shared;
}

/** "Today at 07:02" as the backend would send it, so the status strip reads the same every run. */
function todayAt(h, m) {
  const d = new Date();
  d.setHours(h, m, 0, 0);
  return d.toISOString();
}

/**
 * Opens the kiosk in a fresh context. `overrides` tune the fake backend (see fake-tauri.js).
 * `clock` fakes the page's timers; `fixedTime` only pins its date and time (timers run).
 * Returns { page, context, errors, calls(name), emit(name, payload), close() }.
 */
async function openKiosk(browser, baseUrl, overrides = {},
  { viewport = { width: 1280, height: 800 }, clock = false, fixedTime = null } = {}) {
  const config = fakeConfig(overrides);
  if (config.home.lastImport === null && !('lastImport' in (overrides.home || {}))) config.home.lastImport = todayAt(7, 2);
  const context = await browser.newContext({ viewport, hasTouch: true, locale: 'en-GB', reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  if (clock) await page.clock.install();
  if (fixedTime) await page.clock.setFixedTime(fixedTime); // screenshots read the same every day
  await page.addInitScript(installFakeTauri, config);
  await page.addInitScript(installFakeStaff, config);
  await page.goto(baseUrl);
  await page.locator('#school-name', { hasText: config.home.schoolName || 'Reception' }).waitFor();
  return {
    page,
    context,
    errors,
    calls: (name) => page.evaluate((n) => window.__fake.callsTo(n), name),
    emit: (name, payload) => page.evaluate(([n, p]) => window.__fake.emit(n, p), [name, payload]),
    /** The next call to `name` (after `skip`) fails with `error`: { code, message }, or a bare string. */
    failNext: (name, error, skip = 0) => page.evaluate(([n, e, k]) => window.__fake.failNext(n, e, k), [name, error, skip]),
    close: () => context.close(),
  };
}

/** Taps letters on the on-screen keyboard of the visible screen. */
async function tapKeys(page, text) {
  for (const ch of text) {
    const name = ch === ' ' ? 'Space' : ch === '-' ? 'Hyphen' : ch === "'" ? 'Apostrophe' : ch.toUpperCase();
    await page.locator('.screen:not([hidden]) .keyboard').getByRole('button', { name, exact: true }).tap();
  }
}

/**
 * For a test file: one browser, and `open(overrides, options)` (openKiosk's) for a fresh kiosk
 * per test, closed after it. A test fails if its page logged an error: Chromium reports CSP
 * violations as console errors, so those fail it too.
 */
function kioskPerTest() {
  const shared = sharedBrowser();
  let kiosk = null;
  afterEach(async () => {
    if (!kiosk) return;
    const errors = kiosk.errors.slice();
    await kiosk.close();
    kiosk = null;
    assert.deepEqual(errors, [], 'the page logged errors');
  });
  return async (overrides, options) => {
    kiosk = await openKiosk(shared.browser, shared.server.url, overrides, options);
    return kiosk;
  };
}

const SHOTS = path.join(__dirname, 'screenshots');

/** Rewrites screenshots/<name>.png, the pictures in the README. */
async function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

const screenIs = (page, name) => page.waitForFunction((n) => document.body.dataset.screen === n, name, { timeout: 5000 });

// ---------- the kiosk's journeys ----------

const visible = (page) => page.locator('.screen:not([hidden])');
const resultButtons = (page) => page.locator('#find-results button');

async function waitResults(page, n) {
  await page.waitForFunction((count) => document.querySelectorAll('#find-results button').length === count, n,
    { timeout: 5000 });
}

/** A late sign-in as far as the reasons: "I'm late", types "zo" and picks Zoë. */
async function lateUpToReasons(page) {
  await page.getByRole('button', { name: /I'm late/ }).tap();
  await page.keyboard.type('zo');
  await waitResults(page, 1);
  await resultButtons(page).first().tap();
  await screenIs(page, 'choose');
}

// ---------- the staff area ----------

/** Screenshots show the same day every run (timers still run). */
const FIXED = '2025-11-24T12:40:00';
const pinMessage = (page) => page.locator('#pin-message');
const logRows = (page) => page.locator('#log-rows tr');
const chip = (page, label) => page.locator('#log-status .chip, #log-kind .chip').filter({
  has: page.locator('.chip-label', { hasText: new RegExp(`^${label}$`) }),
});

async function tapPin(page, digits, submit = true) {
  for (const d of digits) await page.locator('#pin-pad').getByRole('button', { name: d, exact: true }).tap();
  if (submit) await page.locator('#pin-ok').tap();
}

async function waitRows(page, n) {
  await page.waitForFunction((c) => document.querySelectorAll('#log-rows tr').length === c, n, { timeout: 5000 });
}

/** Staff button, PIN, and the log showing `rows` rows. */
async function unlock(page, rows = 9) {
  await page.getByRole('button', { name: /^Staff/ }).tap();
  await screenIs(page, 'pin');
  await tapPin(page, '246813');
  await screenIs(page, 'staff');
  await page.waitForFunction((n) => document.querySelectorAll('#log-rows tr').length === n, rows);
}

module.exports = {
  serveUi, launchBrowser, sharedBrowser, openKiosk, kioskPerTest, tapKeys, todayAt, screenshot, screenIs, ROOT,
  visible, resultButtons, waitResults, lateUpToReasons,
  FIXED, pinMessage, logRows, chip, tapPin, waitRows, unlock,
};
