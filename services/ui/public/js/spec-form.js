import { h, setText } from './dom.js';
import { objectLabel } from './objects.js';

/**
 * A form generated from a connector's config spec (JSON Schema draft 7, GET /v1/connectors): one
 * labelled input per property, its description as help, required ones starred, defaults filled
 * in, and a database connector's `objects` (object → table and columns) as an editor of its own.
 * It validates what the spec says before any request, with the contract's messages, and shows
 * the API's `details` next to the field each names. Secrets are never put into the page: an
 * edited connection's stored secret shows only as "set" in the placeholder.
 */

let forms = 0;

/** A label for a property without a `title`: "slotName" → "Slot name", "baseUrl" → "Base url". */
export function humanize(name) {
  const words = String(name)
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The property's human label: its spec `title`, else one made from its name. */
export function titleOf(name, schema) {
  return schema && typeof schema.title === 'string' && schema.title !== ''
    ? schema.title
    : humanize(name);
}

/** Where a spec-driven field's value is unset: absent, an empty string, or spaces only. */
const blank = (v) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * What is wrong with an integer's or number's text, in the contract's words, or null.
 * `raw` is the input's text; `bad` says the browser could not read it as a number.
 */
export function numberProblem(title, schema, raw, bad = false) {
  const min = schema.minimum;
  const max = schema.maximum;
  const whole = schema.type === 'integer';
  const n = Number(raw);
  const fits =
    !bad &&
    raw.trim() !== '' &&
    Number.isFinite(n) &&
    (!whole || Number.isInteger(n)) &&
    (min === undefined || n >= min) &&
    (max === undefined || n <= max) &&
    (schema.exclusiveMinimum === undefined || n > schema.exclusiveMinimum) &&
    (schema.exclusiveMaximum === undefined || n < schema.exclusiveMaximum);
  if (fits) return null;
  const kind = whole ? 'a whole number' : 'a number';
  if (min !== undefined && max !== undefined)
    return `${title} must be ${kind} from ${min} to ${max}.`;
  if (min !== undefined) return `${title} must be ${kind} of at least ${min}.`;
  if (max !== undefined) return `${title} must be ${kind} of at most ${max}.`;
  if (schema.exclusiveMinimum !== undefined) {
    return `${title} must be ${kind} greater than ${schema.exclusiveMinimum}.`;
  }
  return `${title} must be ${kind}.`;
}

/** What is wrong with a string against its schema (length, pattern, enum), or null. */
export function stringProblem(title, schema, value) {
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
    return `${title} must be at least ${schema.minLength} characters long.`;
  }
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
    return `${title} must be at most ${schema.maxLength} characters long.`;
  }
  if (typeof schema.pattern === 'string') {
    let re = null;
    try {
      re = new RegExp(schema.pattern, 'u');
    } catch {
      // a pattern JavaScript cannot read: the API checks it
    }
    if (re && !re.test(value)) return `${title} does not have the expected form.`;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    return `${title} must be one of ${schema.enum.join(', ')}.`;
  }
  return null;
}

/**
 * The slot next to an input that holds its error: an element the input's aria-describedby names,
 * aria-invalid on the input while it shows a message.
 */
function errorSlot(id, control) {
  const el = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  const clear = () => {
    if (el.hidden) return;
    el.hidden = true;
    setText(el, '');
    control.removeAttribute('aria-invalid');
  };
  // A change to the field takes its message away; the next check shows it again if still wrong.
  control.addEventListener('input', clear);
  control.addEventListener('change', clear);
  return {
    el,
    show(message) {
      setText(el, message);
      el.hidden = false;
      control.setAttribute('aria-invalid', 'true');
    },
    clear,
  };
}

/** What describes a field: its error first (read before the help), then its help. */
const describedBy = (id, help) => (help ? `${id}-error ${id}-help` : `${id}-error`);

/** The label row of a field: the <label> (its text only the title) and a visible "*" when required. */
function labelRow(id, title, required) {
  return h(
    'div',
    { class: 'label-row' },
    h('label', { for: id }, title),
    required ? h('span', { class: 'req', 'aria-hidden': 'true' }, '*') : null,
  );
}

/** A field box: label, control, help and error slot, wired by ids. */
function fieldBox(id, title, required, help, control, extraClass = '') {
  const errors = errorSlot(id, control);
  const helpEl = help ? h('p', { id: `${id}-help`, class: 'help' }, help) : null;
  control.setAttribute('aria-describedby', describedBy(id, Boolean(helpEl)));
  if (required) control.setAttribute('aria-required', 'true');
  const el = h(
    'div',
    { class: `field ${extraClass}`.trim() },
    labelRow(id, title, required),
    control,
    helpEl,
    errors.el,
  );
  return { el, errors };
}

/** A select of `[value, text]` options, `selected` chosen. */
function selectOf(id, options, selected) {
  const select = h('select', { id, name: id });
  for (const [value, text] of options) {
    select.append(h('option', { value, selected: value === selected }, text));
  }
  return select;
}

/**
 * One scalar property: text, password, number, checkbox or select. `read()` answers
 * `{present, value}`; `validate()` shows and answers the first problem, or null.
 */
function scalarField(ctx, name, schema, required, initial) {
  const id = `${ctx.prefix}-${name}`;
  const title = titleOf(name, schema);
  const help = schema.description;
  const secret = schema.secret === true;
  const storedSecret = secret && initial === '***';
  const start = initial !== undefined && !storedSecret ? initial : schema.default;
  // A stored secret may stay as it is: the field is required only when nothing is stored.
  const mustFill = required && !storedSecret;

  if (schema.type === 'boolean') {
    const input = h('input', { id, name: id, type: 'checkbox', checked: start === true });
    const errors = errorSlot(id, input);
    const helpEl = help ? h('p', { id: `${id}-help`, class: 'help' }, help) : null;
    input.setAttribute('aria-describedby', describedBy(id, Boolean(helpEl)));
    const el = h(
      'div',
      { class: 'field check-field' },
      h('div', { class: 'field inline' }, input, h('label', { for: id }, title)),
      helpEl,
      errors.el,
    );
    return {
      el,
      errors,
      focus: () => input.focus(),
      read: () => ({ present: true, value: input.checked }),
      validate: () => null,
    };
  }

  let control;
  if (Array.isArray(schema.enum)) {
    const options = schema.enum.map((v) => [String(v), String(v)]);
    if (!required) options.unshift(['', '—']);
    control = selectOf(id, options, start === undefined ? '' : String(start));
  } else if (schema.type === 'integer' || schema.type === 'number') {
    control = h('input', {
      id,
      name: id,
      type: 'number',
      inputmode: schema.type === 'integer' ? 'numeric' : 'decimal',
      step: schema.type === 'integer' ? '1' : 'any',
      min: schema.minimum,
      max: schema.maximum,
      value: start === undefined ? undefined : String(start),
    });
  } else {
    control = h('input', {
      id,
      name: id,
      type: secret ? 'password' : 'text',
      autocomplete: secret ? 'new-password' : 'off',
      spellcheck: 'false',
      value: start === undefined || secret ? undefined : String(start),
    });
    if (secret && ctx.editing) {
      control.placeholder = storedSecret ? 'set — leave empty to keep' : 'not set';
    }
  }
  if (mustFill) control.required = true;
  const { el, errors } = fieldBox(id, title, mustFill, help, control);

  function read() {
    const raw = control.value;
    if (blank(raw)) return { present: false };
    if (schema.type === 'integer' || schema.type === 'number')
      return { present: true, value: Number(raw) };
    return { present: true, value: raw };
  }

  function validate() {
    const raw = control.value;
    const bad = control.validity ? control.validity.badInput : false;
    if (blank(raw) && !bad) return mustFill ? `Enter ${title}.` : null;
    if (schema.type === 'integer' || schema.type === 'number')
      return numberProblem(title, schema, raw, bad);
    return stringProblem(title, schema, raw);
  }

  return { el, errors, focus: () => control.focus(), read, validate, secret, storedSecret };
}

/** A text input for names and codes (no spell check): `extra` adds its value, placeholder… */
function codeInput(id, extra) {
  return h('input', { id, name: id, type: 'text', spellcheck: 'false', ...extra });
}

/** A list field's starting value: the stored list, else the spec's default, else none. */
function initialList(initial, schema) {
  if (Array.isArray(initial)) return initial;
  return Array.isArray(schema.default) ? schema.default : [];
}

/** A list of strings offered as checkboxes (HubSpot's `objects`): at least `minItems` ticked. */
function choiceField(ctx, name, schema, required, initial, choices) {
  const id = `${ctx.prefix}-${name}`;
  const title = titleOf(name, schema);
  const start = initialList(initial, schema);
  const names = [...new Set([...choices, ...start])];
  const boxes = names.map((choice, i) =>
    h('input', {
      id: `${id}-${i}`,
      type: 'checkbox',
      value: choice,
      checked: start.includes(choice),
    }),
  );
  const legend = h(
    'legend',
    {},
    title,
    required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
  );
  const group = h(
    'fieldset',
    { class: 'choices', id },
    legend,
    schema.description ? h('p', { id: `${id}-help`, class: 'help' }, schema.description) : null,
    h(
      'div',
      { class: 'choice-list' },
      boxes.map((box, i) =>
        h(
          'div',
          { class: 'field inline' },
          box,
          h('label', { for: box.id }, objectLabel(ctx.objects, names[i])),
        ),
      ),
    ),
  );
  const errors = errorSlot(id, group);
  group.append(errors.el);
  group.setAttribute('aria-describedby', describedBy(id, Boolean(schema.description)));
  const min = typeof schema.minItems === 'number' ? schema.minItems : required ? 1 : 0;
  const chosen = () => boxes.filter((b) => b.checked).map((b) => b.value);
  return {
    el: group,
    errors,
    focus: () => boxes[0]?.focus(),
    read: () => (chosen().length > 0 ? { present: true, value: chosen() } : { present: false }),
    validate: () =>
      chosen().length < min ? `Choose at least ${min === 1 ? 'one' : min} of ${title}.` : null,
  };
}

/** A list of strings typed comma-separated. */
function listField(ctx, name, schema, required, initial) {
  const id = `${ctx.prefix}-${name}`;
  const title = titleOf(name, schema);
  const start = initialList(initial, schema);
  const control = codeInput(id, { value: start.join(', ') });
  if (required) control.required = true;
  const help = `${schema.description ?? ''} Separate names with commas.`.trim();
  const { el, errors } = fieldBox(id, title, required, help, control);
  const items = () =>
    control.value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return {
    el,
    errors,
    focus: () => control.focus(),
    read: () => (items().length > 0 ? { present: true, value: items() } : { present: false }),
    validate: () => (required && items().length === 0 ? `Enter ${title}.` : null),
  };
}

/** Any other nested object (HubSpot's extra `properties`): edited as JSON text. */
function jsonField(ctx, name, schema, required, initial) {
  const id = `${ctx.prefix}-${name}`;
  const title = titleOf(name, schema);
  const start = initial !== undefined ? initial : schema.default;
  const control = h('textarea', { id, name: id, rows: 3, spellcheck: 'false' });
  control.value = start === undefined ? '' : JSON.stringify(start, null, 2);
  if (required) control.required = true;
  const help = `${schema.description ?? ''} As JSON, e.g. {"contacts": ["hs_lead_status"]}.`.trim();
  const { el, errors } = fieldBox(id, title, required, help, control);
  const parse = () => {
    try {
      const v = JSON.parse(control.value);
      return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    el,
    errors,
    focus: () => control.focus(),
    read: () => (blank(control.value) ? { present: false } : { present: true, value: parse() }),
    validate: () => {
      if (blank(control.value)) return required ? `Enter ${title}.` : null;
      return parse() === undefined ? `${title} must be a JSON object.` : null;
    },
  };
}

/** The canonical properties a database table maps for an object: its properties and its associations' keys. */
function canonicalProperties(descriptor) {
  if (!descriptor) return [];
  const props = (descriptor.properties ?? []).map((p) => p.name);
  const keys = (descriptor.associations ?? []).map((a) => a.configKey).filter(Boolean);
  return [...new Set([...props, ...keys])];
}

/**
 * The `objects` editor of a database connector: per object its table and the column holding
 * each canonical property ("Other columns keep their own name", so an empty column means the
 * column named like the property). Tables and columns are offered as selects once the tables
 * could be listed ("Load tables"), else typed.
 */
function objectsEditor(ctx, name, schema, initial) {
  const id = `${ctx.prefix}-${name}`;
  const itemSchema = (object) =>
    (schema.properties && schema.properties[object]) || schema.additionalProperties || {};
  const tableTitle = (object) => {
    const table = itemSchema(object).properties?.table;
    return titleOf('table', table);
  };
  const list = h('div', { class: 'object-list' });
  const empty = h('p', { class: 'empty' }, 'No objects yet: add the first one.');
  const tablesStatus = h('p', { class: 'muted tables-status', role: 'status' });
  const loadButton = h('button', { type: 'button' }, 'Load tables');
  const addButton = h('button', { type: 'button' }, 'Add object');
  const group = h(
    'fieldset',
    { class: 'objects', id },
    h('legend', {}, 'Objects', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
    h(
      'p',
      { id: `${id}-help`, class: 'help' },
      schema.description ?? 'The objects this connection syncs, each with its table.',
      ' Leave a column empty when the table’s column has the property’s own name.',
    ),
    ctx.loadTables ? h('div', { class: 'button-row' }, loadButton, tablesStatus) : null,
    list,
    empty,
    h('div', { class: 'button-row' }, addButton),
  );
  const errors = errorSlot(id, group);
  group.append(errors.el);
  group.setAttribute('aria-describedby', describedBy(id, true));

  let tables = null; // [{name, columns:[{name,type,nullable}]}] once loaded
  let serial = 0;
  const entries = [];

  function entry(object, config) {
    const n = (serial += 1);
    const eid = `${id}-${n}`;
    const legend = h('legend', {});
    const objectOptions = [['', 'Choose an object']];
    for (const o of new Set([...ctx.objectNames, ...(object ? [object] : [])])) {
      objectOptions.push([o, objectLabel(ctx.objects, o)]);
    }
    const objectSelect = selectOf(`${eid}-object`, objectOptions, object ?? '');
    const objectBox = fieldBox(`${eid}-object`, 'Object', true, null, objectSelect);
    objectSelect.required = true;
    const tableSlot = h('div', { class: 'table-slot' });
    const columnsSlot = h('div', { class: 'columns' });
    const remove = h('button', { type: 'button', class: 'remove' }, 'Remove object');
    const el = h(
      'fieldset',
      { class: 'object-entry' },
      legend,
      h('div', { class: 'object-head' }, objectBox.el, tableSlot),
      columnsSlot,
      h('div', { class: 'button-row' }, remove),
    );
    const state = {
      el,
      n,
      table: config && typeof config.table === 'string' ? config.table : '',
      fields: { ...(config && config.fields ? config.fields : {}) },
      tableField: null,
      columnFields: new Map(),
      objectBox,
      objectSelect,
    };

    const columnsOf = (table) => {
      const found = tables && tables.find((t) => t.name === table);
      return found ? (found.columns ?? []) : null;
    };

    function renderTable() {
      const tid = `${eid}-table`;
      const title = tableTitle(objectSelect.value);
      const help = itemSchema(objectSelect.value).properties?.table?.description;
      let control;
      if (tables) {
        const names = tables.map((t) => t.name);
        const options = [['', 'Choose a table'], ...names.map((t) => [t, t])];
        if (state.table && !names.includes(state.table))
          options.push([state.table, `${state.table} (not found)`]);
        control = selectOf(tid, options, state.table);
      } else {
        control = codeInput(tid, { value: state.table || undefined });
      }
      control.required = true;
      const box = fieldBox(tid, title, true, help, control);
      const update = () => {
        state.table = control.value.trim();
        renderColumns();
      };
      control.addEventListener(tables ? 'change' : 'input', update);
      state.tableField = {
        ...box,
        focus: () => control.focus(),
        validate: () => (blank(control.value) ? `Enter ${title}.` : null),
      };
      tableSlot.replaceChildren(box.el);
    }

    function renderColumns() {
      // Keep what was typed or chosen before re-rendering.
      for (const [prop, f] of state.columnFields) state.fields[prop] = f.value();
      state.columnFields = new Map();
      columnsSlot.replaceChildren();
      const descriptor = ctx.objects.find((o) => o.name === objectSelect.value);
      const props = canonicalProperties(descriptor);
      const known = Object.keys(state.fields).filter((p) => !props.includes(p) && state.fields[p]);
      const columns = columnsOf(state.table);
      for (const prop of [...props, ...known]) {
        const cid = `${eid}-col-${prop}`;
        const current = state.fields[prop] ?? '';
        let control;
        if (columns) {
          const names = columns.map((c) => c.name);
          const chosen = current || (names.includes(prop) ? prop : '');
          const options = [['', '— none —']];
          if (names.includes(prop)) options[0] = ['', `(${prop})`];
          for (const c of columns)
            options.push([c.name, c.type ? `${c.name} (${c.type})` : c.name]);
          if (chosen && !names.includes(chosen)) options.push([chosen, `${chosen} (not found)`]);
          control = selectOf(cid, options, chosen === prop && names.includes(prop) ? prop : chosen);
        } else {
          control = codeInput(cid, { placeholder: prop, value: current || undefined });
        }
        const box = fieldBox(cid, `Column for ${prop}`, false, null, control, 'column-field');
        columnsSlot.append(box.el);
        state.columnFields.set(prop, {
          ...box,
          focus: () => control.focus(),
          value: () => control.value.trim(),
          validate: () => null,
        });
      }
      if (!descriptor && objectSelect.value === '') {
        columnsSlot.append(h('p', { class: 'muted' }, 'Choose an object to map its columns.'));
      }
    }

    function renderLegend() {
      setText(
        legend,
        objectSelect.value ? objectLabel(ctx.objects, objectSelect.value) : `Object ${n}`,
      );
    }

    objectSelect.addEventListener('change', () => {
      renderLegend();
      renderTable();
      renderColumns();
    });
    remove.addEventListener('click', () => {
      const at = entries.indexOf(state);
      entries.splice(at, 1);
      el.remove();
      empty.hidden = entries.length > 0;
      const next = entries[at] ?? entries[at - 1];
      if (next) next.objectSelect.focus();
      else addButton.focus();
    });
    state.rerender = () => {
      for (const [prop, f] of state.columnFields) state.fields[prop] = f.value();
      renderTable();
      renderColumns();
    };
    state.value = () => {
      const fields = {};
      for (const [prop, f] of state.columnFields) {
        const column = f.value();
        if (column !== '' && column !== prop) fields[prop] = column;
      }
      const item = { table: state.table };
      if (Object.keys(fields).length > 0) item.fields = fields;
      return item;
    };
    renderLegend();
    renderTable();
    renderColumns();
    return state;
  }

  function add(object, config) {
    const state = entry(object, config);
    entries.push(state);
    list.append(state.el);
    empty.hidden = true;
    return state;
  }

  for (const [object, config] of Object.entries(
    initial && typeof initial === 'object' ? initial : {},
  )) {
    add(object, config);
  }
  empty.hidden = entries.length > 0;

  addButton.addEventListener('click', () => {
    errors.clear();
    const taken = new Set(entries.map((e) => e.objectSelect.value));
    const next = ctx.objectNames.find((o) => !taken.has(o));
    add(next).objectSelect.focus();
  });

  loadButton.addEventListener('click', async () => {
    loadButton.disabled = true;
    loadButton.setAttribute('aria-busy', 'true');
    setText(tablesStatus, 'Loading tables…');
    tablesStatus.classList.remove('error-text');
    try {
      tables = await ctx.loadTables();
      for (const e of entries) e.rerender();
      setText(tablesStatus, `${tables.length} table${tables.length === 1 ? '' : 's'} loaded.`);
    } catch (err) {
      tablesStatus.classList.add('error-text');
      const code = err && err.code ? ` (${err.code})` : '';
      setText(
        tablesStatus,
        `Tables could not be loaded: ${err && err.message ? err.message : String(err)}${code}`,
      );
    } finally {
      loadButton.disabled = false;
      loadButton.removeAttribute('aria-busy');
    }
  });

  /** Every field with its path below the property, for errors from the API. */
  function slots() {
    const out = [];
    for (const e of entries) {
      const object = e.objectSelect.value;
      if (!object) continue;
      out.push([`/${name}/${object}`, e.objectBox, () => e.objectSelect.focus(), 'Object']);
      out.push([`/${name}/${object}/table`, e.tableField, e.tableField.focus, tableTitle(object)]);
      for (const [prop, f] of e.columnFields)
        out.push([`/${name}/${object}/fields/${prop}`, f, f.focus, `Column for ${prop}`]);
    }
    return out;
  }

  return {
    el: group,
    errors,
    focus: () => (entries[0] ? entries[0].objectSelect.focus() : addButton.focus()),
    read() {
      if (entries.length === 0) return { present: false };
      const value = {};
      for (const e of entries) if (e.objectSelect.value) value[e.objectSelect.value] = e.value();
      return { present: true, value };
    },
    /** Shows each entry's problems; answers the first field to focus, or null. */
    validateAll() {
      let first = null;
      const seen = new Set();
      for (const e of entries) {
        e.objectBox.errors.clear();
        e.tableField.errors.clear();
        const object = e.objectSelect.value;
        let problem = null;
        if (!object) problem = 'Choose an object.';
        else if (seen.has(object))
          problem = `${objectLabel(ctx.objects, object)} is already set up above.`;
        seen.add(object);
        if (problem) {
          e.objectBox.errors.show(problem);
          first ??= () => e.objectSelect.focus();
        }
        const tableProblem = e.tableField.validate();
        if (tableProblem) {
          e.tableField.errors.show(tableProblem);
          first ??= e.tableField.focus;
        }
      }
      return first;
    },
    validate: () => (entries.length === 0 ? 'Add at least one object.' : null),
    slots,
    clearAll() {
      for (const [, slot] of slots()) slot.errors.clear();
    },
  };
}

/**
 * The form for `spec`. Options: `initial` (a stored config, secrets as "***"), `editing`,
 * `objectNames` (the connector's objects), `objects` (GET /v1/objects), `loadTables()` (answers
 * `[{name, columns}]`; absent for connectors without a catalog).
 *
 * Answers `{el, value(), validate(), showDetails(details), clearErrors()}`: `value()` the config
 * to send (a kept secret left out), `validate()` shows every problem and answers whether the
 * form is valid (focusing the first problem), `showDetails` puts the API's per-field errors next
 * to their fields and answers those it could not place.
 */
export function specForm(spec, options = {}) {
  forms += 1;
  const ctx = {
    prefix: `cfg${forms}`,
    editing: options.editing === true,
    objectNames: options.objectNames ?? [],
    objects: options.objects ?? [],
    loadTables: options.loadTables,
  };
  const initial = options.initial ?? {};
  const required = new Set(Array.isArray(spec.required) ? spec.required : []);
  const fields = [];
  for (const [name, schema] of Object.entries(spec.properties ?? {})) {
    const need = required.has(name);
    let field;
    if (schema.type === 'object' && name === 'objects') {
      field = objectsEditor(ctx, name, schema, initial[name]);
    } else if (schema.type === 'object') {
      field = jsonField(ctx, name, schema, need, initial[name]);
    } else if (schema.type === 'array' && name === 'objects' && ctx.objectNames.length > 0) {
      field = choiceField(ctx, name, schema, need, initial[name], ctx.objectNames);
    } else if (schema.type === 'array') {
      field = listField(ctx, name, schema, need, initial[name]);
    } else {
      field = scalarField(ctx, name, schema, need, initial[name]);
    }
    fields.push({ name, field });
  }
  const el = h(
    'div',
    { class: 'spec-form' },
    fields.map((f) => f.field.el),
  );

  function clearErrors() {
    for (const { field } of fields) {
      field.errors.clear();
      if (field.clearAll) field.clearAll();
    }
  }

  /** Shows every problem; focuses the first unless `focus` is false. Answers whether all is well. */
  function validate(focus = true) {
    clearErrors();
    let first = null;
    for (const { field } of fields) {
      const problem = field.validate();
      if (problem) {
        field.errors.show(problem);
        first ??= field.focus;
      }
      if (field.validateAll) {
        const inner = field.validateAll();
        first ??= inner;
      }
    }
    if (first && focus) first();
    return first === null;
  }

  function value() {
    const config = {};
    for (const { name, field } of fields) {
      const { present, value: v } = field.read();
      if (present) config[name] = v;
    }
    return config;
  }

  /** Whether a secret was typed (so a check must use what is typed, not what is stored). */
  function secretTyped() {
    return fields.some(({ field }) => field.secret && field.read().present);
  }

  /** The API's `details` (paths below `/config`) next to their fields; answers the rest. */
  function showDetails(details, base = '/config') {
    const slots = [];
    for (const { name, field } of fields) {
      slots.push([`/${name}`, field, field.focus, titleOf(name, spec.properties[name])]);
      if (field.slots) slots.push(...field.slots());
    }
    const rest = [];
    let first = null;
    for (const d of details ?? []) {
      const path =
        typeof d.path === 'string' && d.path.startsWith(base) ? d.path.slice(base.length) : null;
      let slot = null;
      if (path !== null) {
        // The deepest field the path points into (a missing property's path names its parent).
        for (const s of slots) {
          if (
            (path === s[0] || path.startsWith(`${s[0]}/`)) &&
            (!slot || s[0].length > slot[0].length)
          )
            slot = s;
        }
      }
      if (slot) {
        // A validator's bare "must be <= 65535" reads as a sentence with the field's title.
        const bare = /^must\b/.test(d.message ?? '');
        slot[1].errors.show(bare ? `${slot[3]} ${d.message}.` : d.message);
        first ??= slot[2];
      } else rest.push(d);
    }
    if (first) first();
    return rest;
  }

  return { el, value, validate, showDetails, clearErrors, secretTyped };
}
