/* global HTMLInputElement, HTMLSelectElement, CustomEvent */
import { fill, h, setText } from '../dom.js';
import { STEPS } from './model.js';

const NOT_ENTER = new Set(['button', 'submit', 'reset', 'file']);

/** Enter in a text field, checkbox, radio or select moves on (buttons keep their own Enter). */
function isEnterField(target) {
  if (target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !NOT_ENTER.has(target.type);
}

/**
 * The stepper: the list of step names (nav "Steps", the current one aria-current="step"), the
 * current step's fields in a form, and Back / Next ("Save and sync" on the last step). Next
 * validates the step (its own checks, then the API's) and moves on only when it passes; Back
 * and the earlier steps' names go back without checking, and nothing entered is lost: every
 * step renders from the shared draft. `steps[i]` is `{render, validate, errors, needsFields?}`;
 * the last has `save()`.
 */
export function createStepper(flow, steps) {
  const names = h('ol', { class: 'steps' });
  const count = h('p', { class: 'step-count muted' });
  const heading = h('h2', { id: 'step-title', tabindex: -1 });
  const content = h('div', { class: 'step-content' });
  const back = h('button', { type: 'button' }, 'Back');
  const next = h('button', { type: 'submit', class: 'primary' }, 'Next');
  const form = h(
    'form',
    { class: 'step', novalidate: true },
    count,
    heading,
    content,
    h('div', { class: 'button-row step-buttons' }, back, next),
  );
  const el = h('div', { class: 'stepper' }, h('nav', { 'aria-label': 'Steps' }, names), form);
  const state = { current: 0, busy: false };

  function renderNames() {
    fill(
      names,
      STEPS.map((name, i) => {
        const props = {
          class: i < state.current ? 'done' : i === state.current ? 'current' : 'todo',
          'aria-current': i === state.current ? 'step' : undefined,
        };
        if (i >= state.current) return h('li', props, h('span', {}, name));
        const jump = h('button', { type: 'button', class: 'link-button' }, name);
        jump.addEventListener('click', () => {
          flow.alert.clear();
          void go(i);
        });
        return h('li', props, jump);
      }),
    );
  }

  /** Shows step `i`, rendered from the draft; `focus`: move the keyboard focus to its heading. */
  async function go(i, focus = true) {
    state.current = i;
    const step = steps[i];
    if (step.needsFields) await flow.ensureFields();
    renderNames();
    setText(count, `Step ${i + 1} of ${STEPS.length}`);
    setText(heading, STEPS[i]);
    fill(content, step.render());
    back.hidden = i === 0;
    setText(next, i === STEPS.length - 1 ? 'Save and sync' : 'Next');
    if (focus) {
      heading.focus();
      flow.ctx.announce(`Step ${i + 1} of ${STEPS.length}: ${STEPS[i]}`);
    }
  }

  async function onNext() {
    if (state.busy) return;
    state.busy = true;
    next.setAttribute('aria-busy', 'true');
    flow.alert.clear();
    const step = steps[state.current];
    try {
      const ok = await step.validate();
      if (ok && state.current === STEPS.length - 1) await step.save();
      else if (ok) await go(state.current + 1);
      else focusProblem();
    } catch (err) {
      flow.alert.show(err);
      flow.alert.el.focus();
    } finally {
      state.busy = false;
      next.removeAttribute('aria-busy');
    }
  }

  /** The first field with an error, else the page's alert. */
  function focusProblem() {
    const field = steps[state.current].errors.first();
    if (field) field.focus();
    else if (!flow.alert.el.hidden) flow.alert.el.focus();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void onNext();
  });
  form.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.isComposing || !isEnterField(event.target)) return;
    event.preventDefault();
    const zone = event.target.closest('[data-enter]');
    if (zone) zone.dispatchEvent(new CustomEvent('setup-enter'));
    else void onNext();
  });
  back.addEventListener('click', () => {
    flow.alert.clear();
    if (state.current > 0) void go(state.current - 1);
  });

  return {
    el,
    go,
    focusProblem,
    get current() {
      return state.current;
    },
  };
}
