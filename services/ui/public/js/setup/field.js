import { h, setText } from '../dom.js';

let counter = 0;

/** A page-unique id for a control. */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/**
 * A control with its <label>, optional help text and an error slot right after it. The control's
 * aria-describedby names the help and the error, so a screen reader reads the error with it.
 * `inline`: the label after the control (checkboxes). Returns `{el, control, error}`.
 */
export function labelled(control, label, { help, inline = false, labelClass } = {}) {
  control.id ||= uid('setup');
  const error = errorSlot(control.id);
  const helpEl = help ? h('p', { id: `${control.id}-help`, class: 'help' }, help) : null;
  describe(control, helpEl, error);
  const labelEl = h('label', { for: control.id, class: labelClass }, label);
  const el = inline
    ? h(
        'div',
        { class: 'field check' },
        h('div', { class: 'check-line' }, control, labelEl),
        helpEl,
        error,
      )
    : h('div', { class: 'field' }, labelEl, control, helpEl, error);
  return { el, control, error };
}

/** An empty, hidden error paragraph for the control `id`. */
export function errorSlot(id) {
  return h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
}

/** Points `control`'s aria-describedby at the given elements (null ones left out). */
export function describe(control, ...elements) {
  const ids = elements.filter(Boolean).map((e) => e.id);
  if (ids.length > 0) control.setAttribute('aria-describedby', ids.join(' '));
}

/** A <select> of `options` ({value, label}), with `value` selected. */
export function select(options, value, props = {}) {
  const el = h(
    'select',
    props,
    options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)),
  );
  el.value = value ?? '';
  return el;
}

/**
 * The errors shown in one step: `show(ref, message)` puts a message in a field's slot and marks
 * its control(s) invalid; `clear()` removes them all; `first()` is the first invalid control.
 * A ref is `{error, control}` or `{error, controls: [...]}` (a radio group).
 */
export function fieldErrors() {
  const shown = [];
  const controlsOf = (ref) => ref.controls ?? [ref.control];
  return {
    show(ref, message) {
      setText(ref.error, message);
      ref.error.hidden = false;
      for (const c of controlsOf(ref)) c.setAttribute('aria-invalid', 'true');
      shown.push(ref);
    },
    clear() {
      for (const ref of shown.splice(0)) {
        setText(ref.error, '');
        ref.error.hidden = true;
        for (const c of controlsOf(ref)) c.removeAttribute('aria-invalid');
      }
    },
    first() {
      const ref = shown.find((r) => controlsOf(r).some((c) => !c.disabled && c.isConnected));
      return ref ? controlsOf(ref).find((c) => !c.disabled) : undefined;
    },
    get count() {
      return shown.length;
    },
  };
}
