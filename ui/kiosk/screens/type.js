// Typed text (R2.3, R2.4, R10.1): a name that isn't listed, another reason, the adult collecting.
// Owns every `type-*` id.

import { $ } from '../../dom.js';
import { attachKeyboard } from '../../keyboard.js';
import { letterCount, current } from '../journey.js';

const TYPING = {
  name: { title: 'Type your full name', label: 'Your first name and surname', mode: 'name',
    hint: 'Your name will be checked by reception.' },
  child: { title: "Type the child's full name", label: "The child's first name and surname", mode: 'name',
    hint: 'The name will be checked by reception.' },
  reason: { title: 'Type the reason', label: 'Reason', mode: 'text', hint: '' },
  collector: { title: 'Who is collecting?', label: 'Your first name and surname', mode: 'name',
    hint: 'Type your name as the school has it. Reception may ask to see identification.' },
};

export function createType(dispatch) {
  const input = $('type-input');
  const nextButton = $('btn-type-next');
  const keyboard = attachKeyboard(document.querySelector('[data-keyboard-for="type-input"]'), input, 'name');

  input.addEventListener('input', () => dispatch({ type: 'typing', text: input.value }));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !nextButton.disabled) { e.preventDefault(); dispatch({ type: 'typed' }); }
  });
  nextButton.addEventListener('click', () => dispatch({ type: 'typed' }));

  function render(s) {
    const t = TYPING[current(s).arg];
    $('type-title').textContent = t.title;
    $('type-label').textContent = t.label;
    $('type-hint').textContent = s.error || t.hint;
    keyboard.setMode(t.mode);
    if (input.value !== s.typed) input.value = s.typed;
    nextButton.disabled = letterCount(s.typed) < 2;
  }

  return { id: 'screen-type', focus: input, render, clear: () => { input.value = ''; } };
}
