import { h, setText } from '../dom.js';
import { objectLabel } from '../objects.js';
import { fieldErrors, labelled, select } from './field.js';
import { choiceKey, mappingRow, sharedObjects } from './model.js';

/**
 * Step 1, "Connections and object": connection A, connection B (another one) and an object both
 * connectors offer. Next reads both connections' catalogs and previews the sync (POST
 * /v1/syncs/preview) for its default mappings; on edit the three are fixed (the API refuses to
 * change them), so they are shown but cannot be changed.
 */
export function connectionsStep(flow) {
  const errors = fieldErrors();
  let refs = {};

  function connectionOptions(placeholder) {
    return [
      { value: '', label: placeholder },
      ...flow.data.connections.map((c) => ({ value: c.id, label: c.name ?? c.id })),
    ];
  }

  function objectOptions() {
    const { draft } = flow;
    if (!draft.a || !draft.b) return [{ value: '', label: 'Choose both connections first' }];
    const shared = sharedObjects(
      flow.data.objects,
      flow.connectorOf(draft.a),
      flow.connectorOf(draft.b),
    );
    if (shared.length === 0) return [{ value: '', label: 'No object both connections offer' }];
    return [
      { value: '', label: 'Choose an object' },
      ...shared.map((o) => ({ value: o.name, label: o.label ?? o.name })),
    ];
  }

  /** "A PostgreSQL connection." for the side's chosen connection. */
  function typeText(side) {
    const c = flow.connection(flow.draft[side]);
    return c
      ? `A ${flow.typeTitle(c.type)} connection.`
      : 'Add connections on the Connections page.';
  }

  function render() {
    const { draft, editing } = flow;
    const fixed = editing ? { disabled: true } : {};
    const a = select(connectionOptions('Choose a connection'), draft.a, fixed);
    const b = select(connectionOptions('Choose a connection'), draft.b, fixed);
    const object = select(objectOptions(), draft.object, fixed);
    const refreshObjects = () => {
      const keep = draft.object;
      const fresh = select(objectOptions(), keep, fixed);
      object.replaceChildren(...fresh.children);
      object.value = keep;
      if (object.value !== keep) draft.object = '';
    };
    a.addEventListener('change', () => {
      draft.a = a.value;
      flow.prefetch(draft.a);
      refreshObjects();
      setText(typeA, typeText('a'));
    });
    b.addEventListener('change', () => {
      draft.b = b.value;
      flow.prefetch(draft.b);
      refreshObjects();
      setText(typeB, typeText('b'));
    });
    object.addEventListener('change', () => (draft.object = object.value));
    const typeA = h('span', {}, typeText('a'));
    const typeB = h('span', {}, typeText('b'));
    refs = {
      a: labelled(a, 'Connection A', {
        help: ['Side a of the sync. ', typeA],
      }),
      b: labelled(b, 'Connection B', { help: ['Side b: another connection. ', typeB] }),
      object: labelled(object, 'Object', {
        help: 'What to sync: only objects both connections offer are listed.',
      }),
    };
    return h(
      'div',
      { class: 'step-fields' },
      editing
        ? h(
            'p',
            { class: 'note' },
            'The connections and the object of a sync cannot be changed; set up another sync instead.',
          )
        : null,
      refs.a.el,
      refs.b.el,
      refs.object.el,
    );
  }

  /** Client-side checks: all three chosen, B not A. */
  function check() {
    const { draft } = flow;
    if (!draft.a) errors.show(refs.a, 'Choose connection A.');
    if (!draft.b) errors.show(refs.b, 'Choose connection B.');
    else if (draft.a === draft.b) {
      errors.show(refs.b, `Choose a connection other than ${flow.nameOf('a')}.`);
    }
    if (!draft.object) errors.show(refs.object, 'Choose an object.');
  }

  /** Both sides' catalogs hold the object; a catalog that cannot be read is said at its side. */
  async function checkCatalogs() {
    const { draft } = flow;
    const label = objectLabel(flow.data.objects, draft.object);
    for (const side of ['a', 'b']) {
      try {
        const fields = await flow.fields(side);
        if (!fields) {
          errors.show(
            refs[side],
            `${flow.nameOf(side)} holds no ${label}: add them to its objects on the Connections page.`,
          );
        }
      } catch (err) {
        errors.show(
          refs[side],
          `The fields of ${flow.nameOf(side)} could not be read: ${err.message}`,
        );
      }
    }
  }

  async function validate() {
    errors.clear();
    check();
    if (errors.count > 0 || flow.editing) return errors.count === 0;
    await checkCatalogs();
    if (errors.count > 0) return false;
    const { draft } = flow;
    const key = choiceKey(draft);
    if (draft.mappingsKey === key) return true;
    const preview = await flow.preview('basic');
    if (!preview) return false;
    const hadChoices = draft.mappingsKey !== '';
    draft.mappings = (preview.mappings ?? []).map((m) => mappingRow(m));
    draft.mappingsKey = key;
    draft.conditions = [];
    draft.requireEmail = preview.rules?.requireEmail !== false;
    if (hadChoices)
      flow.ctx.announce('Field mappings and rules were set again for the new choice.');
    return true;
  }

  /** The field an API error's path names: /a/connection, /b/connection, /object. */
  function refFor(segments) {
    return refs[segments[0]];
  }

  return { render, validate, refFor, errors };
}
