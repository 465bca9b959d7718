import { fill, h, setText } from '../dom.js';
import { errorSlot, fieldErrors, labelled, select, uid } from './field.js';
import { addProblems, collisions, mappingDirections, typeFamily, typesDiffer } from './model.js';

/** Words for a direction between the two named sides. */
export function directionLabel(direction, a, b) {
  if (direction === 'a-to-b') return `${a} → ${b}`;
  if (direction === 'b-to-a') return `${b} → ${a}`;
  return 'Two-way';
}

/** "email (text)": a field's name and, when known, its type. */
function fieldText(name, type) {
  return type ? `${name} (${type})` : name;
}

/**
 * Step 3, "Field mappings": the default mappings the API proposed (required ones always on),
 * each with its own direction and winner, plus mappings the user adds ("Add mapping") and may
 * remove again. Next checks no field is written by two enabled mappings, then previews the
 * whole sync so the API's own checks show at their rows.
 */
export function mappingsStep(flow) {
  const errors = fieldErrors();
  const tbody = h('tbody');
  const listError = errorSlot(uid('mappings'));
  const empty = h(
    'p',
    { class: 'empty', hidden: true },
    'No fields pair up by name: add the mappings to sync with "Add mapping".',
  );
  let rows = [];
  let addButton = null;

  const typeOf = (side, name) => flow.fieldsNow(side).find((f) => f.name === name)?.type;

  function rowOf(m, i) {
    const [nameA, nameB] = [flow.nameOf('a'), flow.nameOf('b')];
    const pair = `${m.a} ↔ ${m.b}`;
    const check = h('input', {
      type: 'checkbox',
      id: uid('map'),
      checked: m.enabled || m.required,
      disabled: m.required,
    });
    check.addEventListener('change', () => (m.enabled = check.checked));
    const direction = select(
      [
        { value: '', label: `As the sync (${directionLabel(flow.draft.direction, nameA, nameB)})` },
        ...mappingDirections(flow.draft.direction).map((d) => ({
          value: d,
          label: directionLabel(d, nameA, nameB),
        })),
      ],
      m.direction,
      { id: uid('map-dir') },
    );
    direction.addEventListener('change', () => (m.direction = direction.value));
    const winner = select(
      [
        { value: '', label: `As the sync (${flow.nameOf(flow.draft.conflictWinner)})` },
        { value: 'a', label: nameA },
        { value: 'b', label: nameB },
      ],
      m.winner,
      { id: uid('map-win') },
    );
    winner.addEventListener('change', () => (m.winner = winner.value));
    const error = errorSlot(check.id);
    for (const control of [check, direction, winner]) {
      control.setAttribute('aria-describedby', error.id);
    }
    const remove = m.custom
      ? h('button', { type: 'button', class: 'link-button' }, 'Remove')
      : null;
    remove?.addEventListener('click', () => {
      flow.draft.mappings.splice(i, 1);
      renderRows();
      flow.ctx.announce(`Removed the mapping ${pair}.`);
      addButton?.focus();
    });
    const cells = h(
      'tr',
      { class: m.required ? 'required' : undefined },
      h(
        'td',
        { 'data-label': 'Sync' },
        check,
        h('label', { for: check.id, class: 'visually-hidden' }, `Sync ${m.a} ↔ ${m.b}`),
      ),
      h(
        'td',
        { 'data-label': `${nameA} field` },
        h('span', { class: 'field-name' }, m.a),
        m.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
        m.required ? h('span', { class: 'visually-hidden' }, ' (required)') : null,
        ' ',
        h('span', { class: 'muted type' }, typeOf('a', m.a) ?? ''),
        error,
      ),
      h(
        'td',
        { 'data-label': `${nameB} field` },
        h('span', { class: 'field-name' }, m.b),
        ' ',
        h('span', { class: 'muted type' }, typeOf('b', m.b) ?? ''),
      ),
      h(
        'td',
        { 'data-label': 'Direction' },
        h('label', { for: direction.id, class: 'visually-hidden' }, `Direction of ${pair}`),
        direction,
      ),
      h(
        'td',
        { 'data-label': 'Winner' },
        h('label', { for: winner.id, class: 'visually-hidden' }, `Winner of ${pair}`),
        winner,
      ),
      h('td', { class: 'row-actions' }, remove),
    );
    return { el: cells, error, check, direction, winner };
  }

  function renderRows() {
    errors.clear();
    rows = flow.draft.mappings.map(rowOf);
    fill(
      tbody,
      rows.map((r) => r.el),
    );
  }

  /** The "Add mapping" panel: one field of each side, the type check and the duplicate check. */
  function addPanel() {
    const [nameA, nameB] = [flow.nameOf('a'), flow.nameOf('b')];
    const options = (side) => [
      { value: '', label: 'Choose a field' },
      ...flow.fieldsNow(side).map((f) => ({ value: f.name, label: fieldText(f.name, f.type) })),
    ];
    const refs = {
      a: labelled(select(options('a'), ''), `Field in ${nameA}`),
      b: labelled(select(options('b'), ''), `Field in ${nameB}`),
    };
    const warning = h('p', { class: 'warning', role: 'status' });
    const add = h('button', { type: 'button' }, 'Add');
    const panelErrors = fieldErrors();
    const panel = h(
      'div',
      { class: 'add-mapping', id: uid('add-mapping'), hidden: true, dataset: { enter: 'add' } },
      h('div', { class: 'field-row' }, refs.a.el, refs.b.el),
      warning,
      h('div', { class: 'button-row' }, add),
    );
    const toggle = h(
      'button',
      { type: 'button', 'aria-expanded': 'false', 'aria-controls': panel.id },
      'Add mapping',
    );
    addButton = toggle;

    const showTypes = () => {
      const [a, b] = [refs.a.control.value, refs.b.control.value];
      const [ta, tb] = [typeOf('a', a), typeOf('b', b)];
      setText(
        warning,
        a && b && typesDiffer(ta, tb)
          ? `Warning: ${a} holds ${typeFamily(ta)} (${ta}) and ${b} holds ${typeFamily(tb)} (${tb}). ` +
              'Values are converted; some may not fit.'
          : '',
      );
    };
    refs.a.control.addEventListener('change', showTypes);
    refs.b.control.addEventListener('change', showTypes);
    toggle.addEventListener('click', () => {
      const open = panel.hidden;
      panel.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      if (open) refs.a.control.focus();
    });

    function addMapping() {
      panelErrors.clear();
      const [a, b] = [refs.a.control.value, refs.b.control.value];
      if (!a) panelErrors.show(refs.a, 'Choose a field.');
      if (!b) panelErrors.show(refs.b, 'Choose a field.');
      if (a && b) {
        const problems = addProblems(flow.draft.mappings, a, b);
        if (problems.a) panelErrors.show(refs.a, problems.a);
        if (problems.b) panelErrors.show(refs.b, problems.b);
      }
      if (panelErrors.count > 0) {
        panelErrors.first()?.focus();
        return;
      }
      flow.draft.mappings.push({
        a,
        b,
        enabled: true,
        direction: '',
        winner: '',
        required: false,
        custom: true,
      });
      renderRows();
      refs.a.control.value = '';
      refs.b.control.value = '';
      showTypes();
      panel.hidden = true;
      toggle.setAttribute('aria-expanded', 'false');
      flow.ctx.announce(`Added the mapping ${a} ↔ ${b}.`);
      toggle.focus();
    }
    add.addEventListener('click', addMapping);
    panel.addEventListener('setup-enter', addMapping);
    return h('div', { class: 'add-mapping-wrap' }, toggle, panel);
  }

  function render() {
    const [nameA, nameB] = [flow.nameOf('a'), flow.nameOf('b')];
    renderRows();
    const captionId = uid('mappings-caption');
    return h(
      'div',
      { class: 'step-fields' },
      h(
        'p',
        { id: captionId, class: 'help' },
        'Tick the mappings to sync. Fields marked * are required and always synced. ' +
          'A mapping may have its own direction and winner.',
      ),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'mappings', 'aria-describedby': captionId },
          h(
            'caption',
            { class: 'visually-hidden' },
            `Field mappings between ${nameA} and ${nameB}`,
          ),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Sync', `${nameA} field`, `${nameB} field`, 'Direction', 'Winner', ''].map((c) =>
                h(
                  'th',
                  { scope: 'col' },
                  c === '' ? h('span', { class: 'visually-hidden' }, 'Actions') : c,
                ),
              ),
            ),
          ),
          tbody,
        ),
      ),
      empty,
      listError,
      addPanel(),
    );
  }

  async function validate() {
    errors.clear();
    const { mappings } = flow.draft;
    for (const c of collisions(mappings)) {
      const first = mappings[c.first];
      errors.show(
        { error: rows[c.index].error, control: rows[c.index].check },
        `${c.field} is already mapped by ${first.a} ↔ ${first.b}: switch one off.`,
      );
    }
    if (!mappings.some((m) => m.enabled || m.required)) {
      errors.show({ error: listError, control: addButton }, 'Turn on at least one mapping.');
    }
    if (errors.count > 0) return false;
    return (await flow.preview('full')) !== null;
  }

  /** /mappings/<i>/<key> → that row (its direction or winner select, else its checkbox). */
  function refFor(segments) {
    const row = rows[Number(segments[1])];
    if (segments[0] !== 'mappings' || !row) return { error: listError, control: addButton };
    const control =
      segments[2] === 'direction'
        ? row.direction
        : segments[2] === 'winner'
          ? row.winner
          : row.check;
    return { error: row.error, control };
  }

  return { render, validate, refFor, errors, needsFields: true };
}
