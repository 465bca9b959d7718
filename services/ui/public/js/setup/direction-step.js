import { h } from '../dom.js';
import { describe, errorSlot, fieldErrors, uid } from './field.js';
import { mappingDirections } from './model.js';

/**
 * A radio group in a fieldset: `choices` [{value, label}], `value` checked, `onPick(value)`.
 * `notes`: sentences shown under the group, one paragraph each. Returns `{el, controls, error}`
 * (the error slot follows the group).
 */
export function radioGroup(legend, name, choices, value, onPick, notes = []) {
  const groupId = uid(name);
  const error = errorSlot(groupId);
  const noteEls = notes.map((text, i) =>
    h('p', { id: `${groupId}-note${i}`, class: 'help' }, text),
  );
  const controls = choices.map((c) => {
    const input = h('input', {
      type: 'radio',
      name: groupId,
      id: uid(name),
      value: c.value,
      checked: c.value === value,
    });
    describe(input, ...noteEls, error);
    input.addEventListener('change', () => input.checked && onPick(c.value));
    return input;
  });
  const el = h(
    'fieldset',
    { class: 'radio-group' },
    h('legend', {}, legend),
    controls.map((input, i) =>
      h('div', { class: 'check-line' }, input, h('label', { for: input.id }, choices[i].label)),
    ),
    noteEls,
    error,
  );
  return { el, controls, error };
}

/**
 * Step 2, "Direction": which way changes go, and which side wins a conflict. A one-way
 * direction clears per-mapping directions it does not allow (a one-way sync cannot be narrowed).
 */
export function directionStep(flow) {
  const errors = fieldErrors();
  let refs = {};

  function render() {
    const { draft } = flow;
    const [a, b] = [flow.nameOf('a'), flow.nameOf('b')];
    refs.direction = radioGroup(
      'Direction',
      'direction',
      [
        { value: 'two-way', label: 'Two-way' },
        { value: 'a-to-b', label: `${a} → ${b}` },
        { value: 'b-to-a', label: `${b} → ${a}` },
      ],
      draft.direction,
      (value) => {
        draft.direction = value;
        const allowed = mappingDirections(value);
        for (const m of draft.mappings)
          if (m.direction && !allowed.includes(m.direction)) m.direction = '';
      },
      [
        'Two-way copies changes made on either side to the other; one-way only from the first to the second.',
      ],
    );
    refs.conflictWinner = radioGroup(
      'Conflict winner',
      'winner',
      [
        { value: 'a', label: a },
        { value: 'b', label: b },
      ],
      draft.conflictWinner,
      (value) => (draft.conflictWinner = value),
      [
        'When the same field changed on both sides, the winner’s value is kept.',
        'When the winner has no value, nothing is changed.',
      ],
    );
    return h('div', { class: 'step-fields' }, refs.direction.el, refs.conflictWinner.el);
  }

  async function validate() {
    errors.clear();
    return true;
  }

  function refFor(segments) {
    return refs[segments[0]];
  }

  return { render, validate, refFor, errors };
}
