// The confirmation: the time recorded for each child, and the countdown home. Owns every `done-*`
// id.

import { $, el, redrawn } from '../../dom.js';

const VERB = { late: 'Signed in at', early: 'Signed out at', return: 'Signed back in at' };

export function createDone(dispatch) {
  const list = $('done-list');
  $('btn-done').addEventListener('click', () => dispatch({ type: 'leave' }));

  // Inside an assertive live region: drawn once, not again on every tick of the countdown.
  const drawRecorded = redrawn((recorded, children, flow, collector) => {
    const name = (recorded[0] && recorded[0].name) || children[0].name;
    $('done-title').textContent = flow === 'late' ? `You're signed in, ${name}`
      : flow === 'return' ? `Welcome back, ${name}` : 'Signed out';
    list.textContent = '';
    recorded.forEach((r, i) => {
      const li = el('li', 'done-item');
      if (flow === 'early') li.append(el('span', 'done-name', r.name || children[i].name));
      li.append(el('span', 'done-verb', VERB[flow] + ' '));
      li.append(el('strong', 'done-time', r.time));
      list.append(li);
    });
    $('done-note').textContent = flow === 'early'
      ? `Collected by ${collector}. Thank you.`
      : 'Please go straight to your lesson.';
  });

  function render(s) {
    drawRecorded(s.recorded, s.children, s.flow, s.collector);
    const left = s.countdown;
    $('done-countdown').textContent = `Back to the start in ${left} second${left === 1 ? '' : 's'}.`;
  }

  function clear() {
    list.textContent = '';
    drawRecorded.forget();
  }

  return { id: 'screen-done', focus: $('btn-done'), render, clear };
}
