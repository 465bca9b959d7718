import { fill, h } from '../dom.js';
import { fieldErrors, labelled, select } from './field.js';
import { DELETES, OPERATORS, needsValue } from './model.js';

/**
 * Step 4, "Rules": the email rule (objects that have it: contacts), the conditions a record must
 * meet to take part in the initial sync, and what a delete does on the other side. Next checks
 * each condition has a field and, where its operator needs one, a value; then previews the sync.
 */
export function rulesStep(flow) {
  const errors = fieldErrors();
  const list = h('div', { class: 'conditions' });
  let conditionRefs = [];
  let refs = {};

  function conditionOf(c, i) {
    const fieldOptions = () => [
      { value: '', label: 'Choose a field' },
      ...flow.fieldsNow(c.side).map((f) => ({ value: f.name, label: f.name })),
    ];
    const side = labelled(
      select(
        [
          { value: 'a', label: flow.nameOf('a') },
          { value: 'b', label: flow.nameOf('b') },
        ],
        c.side,
      ),
      'Side',
    );
    const field = labelled(select(fieldOptions(), c.field), 'Field');
    const op = labelled(
      select(
        OPERATORS.map((o) => ({ value: o.op, label: o.label })),
        c.op,
      ),
      'Operator',
    );
    const value = labelled(h('input', { type: 'text', value: c.value ?? '' }), 'Value');
    value.el.hidden = !needsValue(c.op);
    side.control.addEventListener('change', () => {
      c.side = side.control.value;
      const keep = c.field;
      fill(field.control, [...select(fieldOptions(), keep).children]);
      field.control.value = keep;
      c.field = field.control.value;
    });
    field.control.addEventListener('change', () => (c.field = field.control.value));
    op.control.addEventListener('change', () => {
      c.op = op.control.value;
      value.el.hidden = !needsValue(c.op);
    });
    value.control.addEventListener('input', () => (c.value = value.control.value));
    const remove = h('button', { type: 'button', class: 'link-button' }, 'Remove condition');
    remove.addEventListener('click', () => {
      flow.draft.conditions.splice(i, 1);
      renderConditions();
      flow.ctx.announce(`Removed condition ${i + 1}.`);
      refs.add.focus();
    });
    const el = h(
      'fieldset',
      { class: 'condition' },
      h('legend', {}, `Condition ${i + 1}`),
      h('div', { class: 'field-row' }, side.el, field.el, op.el, value.el),
      remove,
    );
    return { el, side, field, op, value };
  }

  function renderConditions() {
    errors.clear();
    conditionRefs = flow.draft.conditions.map(conditionOf);
    fill(
      list,
      conditionRefs.map((r) => r.el),
    );
  }

  function render() {
    const { draft } = flow;
    renderConditions();
    const add = h('button', { type: 'button' }, 'Add condition');
    add.addEventListener('click', () => {
      draft.conditions.push({ side: 'a', field: '', op: 'eq', value: '' });
      renderConditions();
      conditionRefs.at(-1).side.control.focus();
    });
    refs = { add };
    if (flow.emailRule()) {
      const check = h('input', { type: 'checkbox', checked: draft.requireEmail });
      check.addEventListener('change', () => (draft.requireEmail = check.checked));
      refs.requireEmail = labelled(check, 'Only sync contacts with an email address', {
        inline: true,
        help: 'Contacts are matched by email: one without an address cannot be matched.',
      });
    }
    const deletes = select(
      DELETES.map((d) => ({ value: d.value, label: d.label })),
      draft.deletes,
    );
    deletes.addEventListener('change', () => (draft.deletes = deletes.value));
    refs.deletes = labelled(deletes, 'When a record is deleted', {
      help: 'What happens on the other side when a synced record is deleted on one side.',
    });
    return h(
      'div',
      { class: 'step-fields' },
      refs.requireEmail?.el,
      h(
        'fieldset',
        { class: 'filter' },
        h('legend', {}, 'Limit which records sync'),
        h(
          'p',
          { class: 'help' },
          'Conditions a record must all meet to take part in the initial sync. ' +
            'Without any, every record does.',
        ),
        list,
        add,
      ),
      refs.deletes.el,
    );
  }

  async function validate() {
    errors.clear();
    flow.draft.conditions.forEach((c, i) => {
      const r = conditionRefs[i];
      if (!c.field) errors.show(r.field, 'Choose a field.');
      if (needsValue(c.op) && String(c.value ?? '').trim() === '') {
        errors.show(r.value, 'Enter a value.');
      }
    });
    if (errors.count > 0) return false;
    return (await flow.preview('full')) !== null;
  }

  /** /rules/initialFilter/<i>/<key>, /rules/requireEmail, /deletes → that field. */
  function refFor(segments) {
    if (segments[0] === 'deletes') return refs.deletes;
    if (segments[1] === 'requireEmail') return refs.requireEmail;
    const r = conditionRefs[Number(segments[2])];
    if (segments[1] !== 'initialFilter' || !r) return undefined;
    return r[segments[3]] ?? r.field;
  }

  return { render, validate, refFor, errors, needsFields: true };
}
