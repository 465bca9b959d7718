/* global location */
import { h } from '../dom.js';
import { objectLabel } from '../objects.js';
import { fieldErrors, labelled } from './field.js';
import { directionLabel } from './mappings.js';
import { DELETES, OPERATORS, needsValue, patchBody, syncBody } from './model.js';

/** One mapping in words: "email ↔ email_address, Billing → CRM, winner CRM". */
function mappingText(m, names) {
  const parts = [`${m.a} ↔ ${m.b}`];
  if (m.direction) parts.push(directionLabel(m.direction, names.a, names.b));
  if (m.winner) parts.push(`winner ${names[m.winner]}`);
  return parts.join(', ');
}

function conditionText(c, names) {
  const op = OPERATORS.find((o) => o.op === c.op)?.label ?? c.op;
  const value = needsValue(c.op) ? ` “${c.value}”` : '';
  return `${names[c.side]}: ${c.field} ${op}${value}`;
}

/** A list of texts, or a sentence when there are none. */
function listOr(items, none) {
  return items.length > 0
    ? h(
        'ul',
        {},
        items.map((t) => h('li', {}, t)),
      )
    : none;
}

/**
 * Step 5, "Review": every choice in words, then "Save and sync" — a new sync is created and
 * started; an edited one is changed and started only when "Turn the sync on after saving" is
 * ticked. Either way the sync's page follows, where its progress shows.
 */
export function reviewStep(flow) {
  const errors = fieldErrors();

  function render() {
    const { draft, data } = flow;
    const names = { a: flow.nameOf('a'), b: flow.nameOf('b') };
    /** "CRM (PostgreSQL)"; just the name when it is the type's title already. */
    const described = (side) => {
      const type = flow.typeTitle(flow.connection(draft[side])?.type);
      return type === names[side] ? names[side] : `${names[side]} (${type})`;
    };
    const on = draft.mappings.filter((m) => m.enabled || m.required);
    const off = draft.mappings.filter((m) => !(m.enabled || m.required));
    const rows = [
      ['Connection A', described('a')],
      ['Connection B', described('b')],
      ['Object', objectLabel(data.objects, draft.object)],
      ['Direction', directionLabel(draft.direction, names.a, names.b)],
      ['Conflict winner', names[draft.conflictWinner]],
      [
        'Field mappings',
        listOr(
          on.map((m) => mappingText(m, names)),
          'None',
        ),
      ],
      off.length > 0
        ? [
            'Not synced',
            listOr(
              off.map((m) => `${m.a} ↔ ${m.b}`),
              'None',
            ),
          ]
        : null,
      flow.emailRule()
        ? ['Only sync contacts with an email address', draft.requireEmail ? 'Yes' : 'No']
        : null,
      [
        'Limit which records sync',
        listOr(
          draft.conditions.map((c) => conditionText(c, names)),
          'No conditions: every record takes part in the initial sync.',
        ),
      ],
      ['When a record is deleted', DELETES.find((d) => d.value === draft.deletes)?.label ?? ''],
    ].filter(Boolean);
    let turnOn = null;
    if (flow.editing) {
      const check = h('input', { type: 'checkbox', checked: draft.turnOn });
      check.addEventListener('change', () => (draft.turnOn = check.checked));
      turnOn = labelled(check, 'Turn the sync on after saving', { inline: true });
    }
    return h(
      'div',
      { class: 'step-fields' },
      h(
        'dl',
        { class: 'review' },
        rows.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
      ),
      turnOn?.el,
      h(
        'p',
        { class: 'help' },
        flow.editing
          ? 'Save and sync saves the changes; the sync page shows its state.'
          : 'Save and sync creates the sync and starts its initial sync; its progress shows on the sync page.',
      ),
    );
  }

  /** Creates or changes the sync, starts it when asked, then opens its page. */
  async function save() {
    const { ctx, draft, syncId } = flow;
    const emailRule = flow.emailRule();
    let saved;
    try {
      saved = syncId
        ? await ctx.api.updateSync(syncId, patchBody(draft, emailRule))
        : await ctx.api.createSync(syncBody(draft, emailRule));
    } catch (err) {
      flow.showApiError(err);
      return;
    }
    const id = saved.id ?? syncId;
    if (!syncId || draft.turnOn) {
      try {
        await ctx.api.start(id);
      } catch (err) {
        flow.alertWithLink(
          `The sync was saved but could not be turned on: ${err.message} (${err.code}).`,
          `#/syncs/${encodeURIComponent(id)}`,
          'Open the sync',
        );
        return;
      }
    }
    ctx.announce(syncId ? 'Sync saved.' : 'Sync created and started.');
    location.hash = `#/syncs/${encodeURIComponent(id)}`;
  }

  return { render, validate: async () => true, refFor: () => undefined, errors, save };
}
