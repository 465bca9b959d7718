/**
 * The set-up flow's draft of a sync and the pure rules around it: what the request body is, which
 * step an API error's path belongs to, which objects two connectors share, which mappings
 * collide. No DOM here, so the rules can be read (and tested) on their own.
 */

/** The five steps, in order; their names are the stepper's labels. */
export const STEPS = ['Connections and object', 'Direction', 'Field mappings', 'Rules', 'Review'];

/** Filter operators of `rules.initialFilter`, with the words the form shows. */
export const OPERATORS = [
  { op: 'eq', label: 'is' },
  { op: 'neq', label: 'is not' },
  { op: 'contains', label: 'contains' },
  { op: 'exists', label: 'has a value' },
  { op: 'gt', label: 'is greater than' },
  { op: 'lt', label: 'is less than' },
];

/** Every operator but `exists` compares with a value. */
export function needsValue(op) {
  return op !== 'exists';
}

export const DELETES = [
  { value: 'ignore', label: "Keep the other side's record" },
  { value: 'propagate', label: 'Delete it on the other side too' },
];

/** A new sync's draft: nothing chosen yet, two-way with side a winning, deletes kept. */
export function newDraft() {
  return {
    a: '',
    b: '',
    object: '',
    direction: 'two-way',
    conflictWinner: 'a',
    /** Rows: {a, b, enabled, direction?, winner?, required, custom}. */
    mappings: [],
    /** `a|b|object` the mappings were loaded for; another choice loads the defaults again. */
    mappingsKey: '',
    requireEmail: true,
    /** Conditions: {side, field, op, value}. */
    conditions: [],
    deletes: 'ignore',
    /** Edit only: start the sync after saving. */
    turnOn: false,
  };
}

/** The key of what default mappings depend on. */
export function choiceKey(draft) {
  return `${draft.a}|${draft.b}|${draft.object}`;
}

/** A mapping of the API (a sync view's or a preview's) as a draft row. */
export function mappingRow(m, custom = false) {
  return {
    a: m.a,
    b: m.b,
    enabled: m.enabled !== false,
    direction: m.direction ?? '',
    winner: m.winner ?? '',
    required: m.required === true,
    custom,
  };
}

/** The draft of a stored sync (GET /v1/syncs/:id), for editing. */
export function draftFromSync(sync) {
  const rules = sync.rules ?? {};
  return {
    ...newDraft(),
    a: sync.a?.connection ?? '',
    b: sync.b?.connection ?? '',
    object: sync.object ?? '',
    direction: sync.direction ?? 'two-way',
    conflictWinner: sync.conflictWinner ?? 'a',
    mappings: (sync.mappings ?? []).map((m) => mappingRow(m)),
    mappingsKey: `${sync.a?.connection}|${sync.b?.connection}|${sync.object}`,
    requireEmail: rules.requireEmail !== false,
    conditions: (rules.initialFilter ?? []).map((c) => ({
      side: c.side,
      field: c.field,
      op: c.op,
      value: c.value ?? '',
    })),
    deletes: sync.deletes ?? 'ignore',
  };
}

/** The request body of the choices of step 1 and 2 only (a preview of the default mappings). */
export function basicBody(draft) {
  return {
    object: draft.object,
    a: { connection: draft.a },
    b: { connection: draft.b },
    direction: draft.direction,
    conflictWinner: draft.conflictWinner,
  };
}

/** A draft row as the API takes it: `required` is read-only, empty overrides are left out. */
function mappingBody(row) {
  return {
    a: row.a,
    b: row.b,
    enabled: row.required ? true : row.enabled,
    ...(row.direction ? { direction: row.direction } : {}),
    ...(row.winner ? { winner: row.winner } : {}),
  };
}

function conditionBody(c) {
  return needsValue(c.op)
    ? { side: c.side, field: c.field, op: c.op, value: c.value }
    : { side: c.side, field: c.field, op: c.op };
}

/**
 * The whole body (POST /v1/syncs and /v1/syncs/preview). `emailRule`: whether the object has
 * the email rule (contacts); other objects leave `requireEmail` out.
 */
export function syncBody(draft, emailRule) {
  return {
    ...basicBody(draft),
    mappings: draft.mappings.map(mappingBody),
    rules: {
      ...(emailRule ? { requireEmail: draft.requireEmail } : {}),
      initialFilter: draft.conditions.map(conditionBody),
    },
    deletes: draft.deletes,
  };
}

/** The PATCH body of an edit: what may change (connections and object cannot). */
export function patchBody(draft, emailRule) {
  const { direction, conflictWinner, mappings, rules, deletes } = syncBody(draft, emailRule);
  return { direction, conflictWinner, mappings, rules, deletes };
}

/**
 * An error detail's path as segments: JSON pointers (`/mappings/2/b`), and the sync model's own
 * paths too (`mappings[2].b`, `mappings.2.b`).
 */
export function pathSegments(path) {
  return String(path ?? '')
    .split(/[/.[\]]/)
    .filter((s) => s !== '');
}

/** The step (0–4) a body path belongs to; undefined for a path of no step. */
export function stepOfPath(path) {
  const [head] = pathSegments(path);
  if (head === 'object' || head === 'a' || head === 'b') return 0;
  if (head === 'direction' || head === 'conflictWinner') return 1;
  if (head === 'mappings') return 2;
  if (head === 'rules' || head === 'deletes') return 3;
  return undefined;
}

/**
 * The object types both connectors can sync, in the order of `objects` (GET /v1/objects).
 * A connector not known (no GET /v1/connectors) limits nothing.
 */
export function sharedObjects(objects, connectorA, connectorB) {
  const offers = (c, name) => !c || !Array.isArray(c.objects) || c.objects.includes(name);
  return objects.filter((o) => offers(connectorA, o.name) && offers(connectorB, o.name));
}

/**
 * Enabled mappings that write a field another enabled mapping already writes:
 * `[{index, side, field, first}]`, `first` the index of the earlier mapping.
 */
export function collisions(mappings) {
  const out = [];
  for (const side of ['a', 'b']) {
    const seen = new Map();
    mappings.forEach((m, index) => {
      if (!m.enabled && !m.required) return;
      const first = seen.get(m[side]);
      if (first === undefined) seen.set(m[side], index);
      else out.push({ index, side, field: m[side], first });
    });
  }
  return out;
}

/**
 * Why a new mapping `a ↔ b` cannot be added, per side (`{a?, b?}`): side a's field may be in one
 * mapping only (the API replaces a default by the mapping with its `a` field), side b's in one
 * enabled mapping.
 */
export function addProblems(mappings, a, b) {
  const problems = {};
  if (mappings.some((m) => m.a === a)) problems.a = `${a} is already mapped`;
  if (mappings.some((m) => m.b === b && (m.enabled || m.required))) {
    problems.b = `${b} is already mapped`;
  }
  return problems;
}

/** Per-mapping directions a sync's direction allows: a one-way sync cannot be narrowed. */
export function mappingDirections(direction) {
  return direction === 'two-way' ? ['two-way', 'a-to-b', 'b-to-a'] : [direction];
}

const TYPE_FAMILIES = [
  ['text', /char|text|string|enum|uuid|citext|email|phone|url|enumeration/],
  ['number', /int|num|dec|float|double|real|money|serial/],
  ['date and time', /date|time/],
  ['true/false', /bool|bit/],
  ['JSON', /json/],
];

/**
 * The kind of value a connector's type name holds ("varchar(255)" and "text" are both text), so
 * two fields are told apart only when their values really differ in kind.
 */
export function typeFamily(type) {
  const t = String(type ?? '').toLowerCase();
  return TYPE_FAMILIES.find(([, re]) => re.test(t))?.[0] ?? t;
}

/** Whether two fields' types hold different kinds of value (both must be known). */
export function typesDiffer(typeA, typeB) {
  return Boolean(typeA && typeB) && typeFamily(typeA) !== typeFamily(typeB);
}
