/**
 * The object types, as the API describes them (GET /v1/objects): the UI lists and labels objects
 * from here, never from a list of its own, so an installation's extra object types show too.
 */

/** The catalogue, fetched once per page; an API that cannot list objects gives an empty one. */
export function objectCatalog(api) {
  let pending = null;
  return {
    list() {
      pending ??= api.objects().catch(() => {
        pending = null;
        return [];
      });
      return pending;
    },
  };
}

/** The object's label ("Contacts"), or its name when the catalogue does not know it. */
export function objectLabel(objects, name) {
  const found = objects.find((o) => o.name === name);
  return found && found.label ? found.label : (name ?? '—');
}

/**
 * How a person recognises a record (the descriptor's `displayLabel`): the first alternative with
 * a value, its properties joined by a space; null when none has one.
 */
export function displayLabel(descriptor, fields) {
  if (!descriptor || !fields) return null;
  for (const alternative of descriptor.displayLabel ?? []) {
    const parts = alternative
      .map((p) => (typeof fields[p] === 'string' ? fields[p].trim() : ''))
      .filter((v) => v !== '');
    if (parts.length > 0) return parts.join(' ');
  }
  return null;
}

/**
 * What the record view shows for a record: the label the API gives, else the display label of
 * the fields it carries, else its entity id.
 */
export function recordLabel(objects, record) {
  if (typeof record.label === 'string' && record.label !== '') return record.label;
  const descriptor = objects.find((o) => o.name === record.object);
  return displayLabel(descriptor, record.fields) ?? record.entityId ?? '—';
}
