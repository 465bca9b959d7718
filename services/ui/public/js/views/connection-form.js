/* global location */
import { badge, errorBox, fill, h, setText } from '../dom.js';
import { formatTime } from '../format.js';
import { specForm, titleOf } from '../spec-form.js';

/** The check's answer as the page shows it: "Connection works", or the failure, its category and hint. */
function checkResult(result) {
  if (result.ok) {
    return [
      h('p', { class: 'check-ok', role: 'status' }, 'Connection works'),
      result.message ? h('p', { class: 'muted' }, result.message) : null,
    ];
  }
  return h(
    'div',
    { class: 'check-failed', role: 'alert' },
    h('p', { class: 'check-message' }, `Connection failed: ${result.message ?? 'no reason given'}`),
    result.category
      ? h('p', {}, 'Category: ', h('span', { class: 'mono' }, result.category))
      : null,
    result.hint ? h('p', { class: 'hint' }, result.hint) : null,
  );
}

/** A plain labelled field of the page's own (name, connector type) with its error slot. */
function ownField(id, label, control, help) {
  const error = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  const helpEl = h('p', { id: `${id}-help`, class: 'help', hidden: !help }, help ?? '');
  // The error first: read before the help.
  control.setAttribute('aria-describedby', `${id}-error ${id}-help`);
  control.setAttribute('aria-required', 'true');
  control.required = true;
  const el = h(
    'div',
    { class: 'field' },
    h(
      'div',
      { class: 'label-row' },
      h('label', { for: id }, label),
      h('span', { class: 'req', 'aria-hidden': 'true' }, '*'),
    ),
    control,
    helpEl,
    error,
  );
  const clear = () => {
    error.hidden = true;
    setText(error, '');
    control.removeAttribute('aria-invalid');
  };
  control.addEventListener('input', clear);
  return {
    el,
    help: helpEl,
    show(message) {
      setText(error, message);
      error.hidden = false;
      control.setAttribute('aria-invalid', 'true');
    },
    clear,
  };
}

/**
 * Add a connection (`connectionId` null) or edit one: the connector's config as a form made from
 * its spec (spec-form.js), "Test connection" (the unsaved config, or the stored one where a
 * secret is kept) and "Save connection". Data is loaded once; auto-refresh leaves the form alone.
 */
export function connectionFormView(ctx, connectionId) {
  const editing = connectionId !== null;
  const title = editing ? 'Edit connection' : 'Add connection';
  const errors = errorBox(); // loading the page
  const actionErrors = errorBox(); // testing or saving: next to the buttons
  const typeSelect = h('select', { id: 'conn-type', name: 'type' });
  const typeField = ownField('conn-type', 'Connector type', typeSelect);
  const typeLine = h('p', { class: 'type-line', hidden: true });
  const statusLine = h('p', { class: 'status-line', hidden: true });
  const nameInput = h('input', {
    id: 'conn-name',
    name: 'name',
    type: 'text',
    autocomplete: 'off',
  });
  const nameField = ownField(
    'conn-name',
    'Name',
    nameInput,
    'How this connection is shown in Tandem.',
  );
  const specSlot = h('div', { class: 'spec-slot' });
  const result = h('div', { class: 'check-result', 'aria-live': 'polite' });
  const testButton = h('button', { type: 'button' }, 'Test connection');
  const saveButton = h('button', { type: 'submit', class: 'primary' }, 'Save connection');
  const form = h(
    'form',
    { class: 'connection-form', novalidate: true, hidden: true },
    editing ? [typeLine, statusLine] : typeField.el,
    nameField.el,
    specSlot,
    h(
      'div',
      { class: 'button-row form-actions' },
      testButton,
      saveButton,
      h('a', { href: '#/connections', class: 'cancel' }, 'Cancel'),
    ),
    actionErrors.el,
    result,
  );
  const loading = h('p', { class: 'muted' }, 'Loading…');
  const el = h(
    'section',
    { 'aria-labelledby': 'page-title', class: 'connection-page' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/connections' }, 'Connections')),
    h('h1', { id: 'page-title', tabindex: -1 }, title),
    errors.el,
    loading,
    form,
  );

  let connectors = [];
  let objects = [];
  let stored = null; // the connection being edited (secrets "***")
  let connector = null;
  let config = null; // the spec form of `connector`
  let loaded = false;
  let dirty = false; // changed since loaded: a check must test what is typed

  const connectorOf = (type) => connectors.find((c) => c.type === type) ?? null;

  /** The tables of what is typed: on edit with no new secret, those of the stored connection. */
  async function loadTables() {
    const answer =
      editing && !config.secretTyped()
        ? await ctx.api.tables(connectionId)
        : await ctx.api.configTables(connector.type, config.value());
    return Array.isArray(answer && answer.tables) ? answer.tables : [];
  }

  function showConnector(type) {
    connector = connectorOf(type);
    result.replaceChildren();
    if (!connector) {
      config = null;
      specSlot.replaceChildren(
        h('p', { class: 'muted' }, 'Choose a connector type to see its settings.'),
      );
      setText(typeField.help, '');
      typeField.help.hidden = true;
      testButton.disabled = true;
      return;
    }
    setText(typeField.help, connector.description ?? '');
    typeField.help.hidden = !connector.description;
    config = specForm(connector.spec ?? {}, {
      initial: stored ? stored.config : undefined,
      editing,
      objectNames: connector.objects ?? [],
      objects,
      loadTables: connector.catalog ? loadTables : undefined,
    });
    specSlot.replaceChildren(config.el);
    testButton.disabled = false;
  }

  /** Checks the form before any request; focuses and answers false at the first problem. */
  function validate() {
    typeField.clear();
    nameField.clear();
    let ok = true;
    if (!editing && !connector) {
      typeField.show('Choose Connector type.');
      typeSelect.focus();
      ok = false;
    }
    if (nameInput.value.trim() === '') {
      nameField.show('Enter Name.');
      if (ok) nameInput.focus();
      ok = false;
    }
    // The spec's fields focus their first problem only when the page's own fields have none.
    if (config && !config.validate(ok)) ok = false;
    return ok;
  }

  /** The API's error: per-field details next to their fields, the rest next to the buttons. */
  function showError(err) {
    const details = Array.isArray(err.details) ? err.details : [];
    let rest = config ? config.showDetails(details) : details;
    rest = rest.filter((d) => {
      if (d.path === '/name') nameField.show(d.message);
      else if (d.path === '/type') typeField.show(d.message);
      else return true;
      return false;
    });
    if (rest.length === 0 && details.length > 0) {
      actionErrors.show({ message: 'Check the fields marked above.', code: err.code });
      return;
    }
    const extra = rest.map((d) => `${d.path ? `${d.path}: ` : ''}${d.message}`).join('; ');
    if (!extra || extra === err.message) ctx.report(err, actionErrors);
    else actionErrors.show({ message: `${err.message} — ${extra}`, code: err.code });
  }

  /** Secret settings of the stored connection (their titles), which the form never holds. */
  function storedSecrets() {
    const props = (connector && connector.spec && connector.spec.properties) || {};
    return Object.entries(props)
      .filter(([name, schema]) => schema.secret === true && stored.config?.[name] === '***')
      .map(([name, schema]) => titleOf(name, schema));
  }

  async function busy(button, work) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await work();
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }

  testButton.addEventListener('click', () =>
    busy(testButton, async () => {
      actionErrors.clear();
      result.replaceChildren();
      if (!connector || !config.validate()) return;
      try {
        let answer;
        const kept = editing && !config.secretTyped() ? storedSecrets() : [];
        if (editing && !dirty) {
          answer = await ctx.api.checkConnection(connectionId);
        } else if (kept.length > 0) {
          // The stored secret never leaves the server: changed settings are checked on save.
          result.replaceChildren(
            h(
              'p',
              { class: 'check-note', role: 'status' },
              `Enter ${kept.join(' and ')} again to test the changed settings, or save them: saving tests them.`,
            ),
          );
          return;
        } else {
          answer = await ctx.api.checkConfig(connector.type, config.value());
        }
        result.replaceChildren(...[checkResult(answer)].flat());
      } catch (err) {
        showError(err);
      }
    }),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(saveButton, async () => {
      actionErrors.clear();
      result.replaceChildren();
      if (!validate()) return;
      const name = nameInput.value.trim();
      try {
        const saved = editing
          ? await ctx.api.updateConnection(connectionId, { name, config: config.value() })
          : await ctx.api.createConnection({ type: connector.type, name, config: config.value() });
        const failed = saved && saved.status === 'failed';
        ctx.announce(
          failed
            ? `Connection ${name} saved; its check failed: ${saved.message ?? ''}`
            : `Connection ${name} saved.`,
        );
        location.hash = '#/connections';
      } catch (err) {
        showError(err);
      }
    });
  });

  form.addEventListener('input', () => (dirty = true));
  form.addEventListener('change', () => (dirty = true));

  typeSelect.addEventListener('change', () => {
    typeField.clear();
    showConnector(typeSelect.value);
  });

  /** Loads the connectors (and the connection being edited) once, then builds the form. */
  async function refresh() {
    if (loaded) return;
    try {
      const [list, objectList, connection] = await Promise.all([
        ctx.api.connectors(),
        ctx.objects.list(),
        editing ? ctx.api.connection(connectionId) : Promise.resolve(null),
      ]);
      connectors = list;
      objects = objectList;
      stored = connection;
      errors.clear();
    } catch (err) {
      ctx.report(err, errors);
      return;
    }
    loaded = true;
    loading.remove();
    if (editing) {
      const known = connectorOf(stored.type);
      setText(typeLine, `Connector type: ${known ? known.title : stored.type}`);
      typeLine.hidden = false;
      fill(
        statusLine,
        'Last check: ',
        badge(stored.status),
        ` ${formatTime(stored.checkedAt)}`,
        stored.status === 'failed' && stored.message ? ` — ${stored.message}` : '',
      );
      statusLine.hidden = false;
      nameInput.value = stored.name ?? '';
      showConnector(stored.type);
      if (!connector) {
        errors.show({
          message: `This API has no connector of type ${stored.type}: its settings cannot be edited here.`,
        });
      }
    } else {
      typeSelect.append(h('option', { value: '' }, 'Choose a connector'));
      for (const c of connectors)
        typeSelect.append(h('option', { value: c.type }, c.title ?? c.type));
      showConnector('');
    }
    form.hidden = false;
  }

  return { el, title, refresh };
}
