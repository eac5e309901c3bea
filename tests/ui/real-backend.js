// Opens the kiosk in Chromium over the real Rust core (backend.rs: the app on Tauri's mock
// runtime, a real SQLite data directory, the Wonde simulator, the sync engine and the import).
//
// The page keeps the app's CSP: it never reaches the backend itself. `window.__TAURI__` here is
// a shim whose `invoke` calls a function Playwright exposes, and Node carries the call over HTTP;
// the backend's pushed events come back the same way. Node keeps every answer and every pushed
// event, so a test can check what reached the page (the Wonde token must never).

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { ROOT } = require('./helpers.js');

const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
const BINARY = process.env.KIOSK_UI_BACKEND || path.join(TARGET, 'debug', 'examples', 'kiosk-ui-backend');

/** Installed in the page before its scripts run: Tauri's global API, carried by Node. */
function installBridge() {
  const listeners = {};
  window.__kioskPush = (name, payload) => {
    for (const cb of listeners[name] || []) cb({ event: name, id: 0, payload });
  };
  window.__TAURI__ = {
    core: {
      async invoke(cmd, args) {
        const answer = await window.__kioskInvoke(cmd, args || {});
        if ('error' in answer) throw answer.error;
        return answer.ok;
      },
    },
    event: {
      async listen(name, cb) {
        (listeners[name] = listeners[name] || []).push(cb);
        return () => { listeners[name] = listeners[name].filter((x) => x !== cb); };
      },
    },
  };
}

async function startBackend(pupils) {
  if (!fs.existsSync(BINARY)) {
    throw new Error(`${BINARY} is missing: build it with cargo build --example kiosk-ui-backend`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiosk-ui-'));
  const child = spawn(BINARY, [dataDir, String(pupils)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`kiosk-ui-backend exited (${code}): ${stderr}`)));
  });
  const request = async (method, route, body) => {
    const res = await fetch(url + route, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    get: (route) => request('GET', route),
    post: (route, body) => request('POST', route, body),
    stop() {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A kiosk page over a fresh real backend whose clock reads `localTime` ("HH:MM", today in the
 * school's zone) and runs on. Returns { page, backend, errors, seen, close() }: `seen` holds
 * every answer and pushed event as the page received them (JSON text).
 */
async function openRealKiosk(browser, baseUrl, { localTime = '09:10', viewport = { width: 1280, height: 800 }, pupils = 60 } = {}) {
  const backend = await startBackend(pupils);
  await backend.post('/control/clock', { local: localTime });
  const context = await browser.newContext({ viewport, hasTouch: true, locale: 'en-GB', timezoneId: 'Europe/London', acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  const seen = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.exposeFunction('__kioskInvoke', async (cmd, args) => {
    const answer = await backend.post(`/invoke/${encodeURIComponent(cmd)}`, args);
    seen.push(JSON.stringify(answer));
    return answer;
  });
  let open = true;
  const pump = (async () => {
    let after = 0;
    while (open) {
      let batch;
      try { batch = await backend.get(`/events?after=${after}`); } catch { break; }
      for (const e of batch) {
        after = e.seq;
        seen.push(JSON.stringify(e));
        await page.evaluate(([n, p]) => window.__kioskPush && window.__kioskPush(n, p), [e.name, e.payload]).catch(() => {});
      }
    }
  })();
  await page.addInitScript(installBridge);
  await page.goto(baseUrl);
  await page.locator('#school-name').filter({ hasNotText: /^$/ }).waitFor();
  return {
    page,
    backend,
    errors,
    seen,
    async close() {
      open = false;
      await context.close();
      backend.stop();
      await pump;
    },
  };
}

/** The pupils of the simulated school in the MIS's order, with the name the kiosk shows and what
 *  to type for it on the on-screen keyboard (which has no accented letters). */
async function schoolPupils(backend) {
  return (await backend.get('/control/pupils')).map((p) => {
    const name = `${p.forename} ${p.surname}`;
    return { ...p, name, typed: name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z '-]/g, '') };
  });
}

// Set by the backend as the school's IT would (`kioskctl pin set`): the kiosk is connected.
const PIN = '258046';

/** Opens the staff area with the PIN IT set. */
async function openStaff(page) {
  const screenIs = (name) => page.waitForFunction((n) => document.body.dataset.screen === n, name, { timeout: 10000 });
  await page.getByRole('button', { name: /^Staff/ }).tap();
  await screenIs('pin');
  await page.keyboard.type(PIN);
  await page.keyboard.press('Enter');
  await screenIs('staff');
}

async function saveSettings(page) {
  await page.getByRole('button', { name: 'Save settings' }).tap();
  await page.waitForFunction(() => document.getElementById('settings-message').textContent === 'Settings saved.');
}

module.exports = { openRealKiosk, schoolPupils, openStaff, saveSettings, PIN };
