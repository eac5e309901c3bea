// How ui/api.js turns whatever the core rejects with into a KioskError, in plain Node: the
// window decides on `code`, shows `message`, and never shows a developer's text.

const { test } = require('node:test');
const assert = require('node:assert/strict');

let rejectWith;
globalThis.window = { __TAURI__: { core: { invoke: () => Promise.reject(rejectWith) } } };
const api = require('../../ui/api.js');
const { ERROR } = require('../../ui/contract.js');

const FALLBACK = 'Something went wrong. Please try again or ask at reception.';

async function refusalOf(value) {
  rejectWith = value;
  const e = await api.homeStatus().then(() => null, (x) => x);
  assert.ok(e instanceof api.KioskError);
  return { code: e.code, message: e.message };
}

for (const [what, rejected, expected] of [
  ['a refusal with a code keeps both', { code: 'SESSION_EXPIRED', message: 'Please enter the staff PIN again.' },
    { code: ERROR.SESSION_EXPIRED, message: 'Please enter the staff PIN again.' }],
  ['a bare sentence from an older core is shown, with no code', 'The kiosk could not save this.',
    { code: null, message: 'The kiosk could not save this.' }],
  ["Tauri's refusal of malformed arguments becomes BAD_ARGS and the plain sentence",
    'invalid args `query` for command `search_students`: invalid type: integer `5`, expected a string',
    { code: ERROR.BAD_ARGS, message: FALLBACK }],
  ['a refusal with an empty sentence says something went wrong', { code: 'STORE', message: ' ' },
    { code: ERROR.STORE, message: FALLBACK }],
  ['anything else says something went wrong', undefined, { code: null, message: FALLBACK }],
]) {
  test(what, async () => assert.deepEqual(await refusalOf(rejected), expected));
}
