// Telling a card reader from a person (ui/kiosk/scan.js), in plain Node: a reader's burst of keys
// ending in Enter is a scan; the same keys at a person's speed, a burst without Enter, or a short
// one are not.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { feed, idle, cutShort, SCAN } = require('../../ui/kiosk/scan.js');

/** Feeds `keys` spaced `gap` ms apart (after `start`); returns the scans read and the burst left. */
function type(keys, gap, start = 1000, burst = idle()) {
  const scans = [];
  let at = start;
  for (const key of keys) {
    const step = feed(burst, key, at);
    burst = step.burst;
    if (step.scan) scans.push(step.scan);
    at += gap;
  }
  return { scans, burst, at: at - gap };
}

test('a reader typing a card number at 10 ms a key, then Enter, is one scan of that number', () => {
  assert.deepEqual(type([...'001234', 'Enter'], 10).scans, ['001234']);
  // Readers press Shift for capitals: it is no character and does not break the burst.
  assert.deepEqual(type(['Shift', 'K', '7', 'Shift', 'Q', '2', 'Enter'], 8).scans, ['K7Q2']);
});

test('a person typing the same number, however fast they are, is not a scan', () => {
  for (const gap of [SCAN.maxGapMs + 1, 90, 150, 400]) {
    assert.deepEqual(type([...'001234', 'Enter'], gap).scans, [], `${gap} ms a key`);
  }
  // Two keys rolled together by a quick typist, then a normal pace: not a burst of four.
  const keys = ['0', '0', '1', '2', 'Enter'];
  const gaps = [20, 140, 130, 120];
  let burst = idle();
  let at = 0;
  const scans = [];
  keys.forEach((key, i) => {
    const step = feed(burst, key, at);
    burst = step.burst;
    if (step.scan) scans.push(step.scan);
    at += gaps[i] || 0;
  });
  assert.deepEqual(scans, []);
});

test('fewer than four characters, or Enter long after the last key, is not a scan', () => {
  assert.deepEqual(type([...'123', 'Enter'], 5).scans, []);
  const { burst, at } = type([...'123456'], 5);
  assert.deepEqual(feed(burst, 'Enter', at + 500).scan, null);
});

test('a burst that stops without Enter (a reader unplugged mid-card) is known as cut short', () => {
  const { burst, at } = type([...'0012'], 5);
  assert.equal(cutShort(burst, at + 10), false, 'still arriving');
  assert.equal(cutShort(burst, at + SCAN.maxGapMs * 4), true);
  const slow = type([...'0012'], 200);
  assert.equal(cutShort(slow.burst, slow.at + 1000), false, 'a person typed it');
});

test('500 characters at scan speed are read as one scan, for the core to refuse as unreadable', () => {
  assert.deepEqual(type([...'9'.repeat(500), 'Enter'], 2).scans, ['9'.repeat(500)]);
});
