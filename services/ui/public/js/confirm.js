/* global document */
import { h } from './dom.js';

/**
 * Asks before an action that cannot be undone, in a native modal <dialog>: a heading, what will
 * happen, "Cancel" and the named confirm button. Escape or Cancel answers false. Focus starts on
 * Cancel (the safe choice) and returns to the element that had it.
 *
 * confirmAction({ title: 'Turn off this sync?', body: 'Changes stop …', confirm: 'Turn off sync' })
 */
export function confirmAction({ title, body, confirm, danger = true }) {
  const opener = document.activeElement;
  const headingId = `confirm-${Math.random().toString(36).slice(2)}`;
  const cancel = h('button', { type: 'button', value: 'cancel' }, 'Cancel');
  const ok = h(
    'button',
    { type: 'button', value: 'confirm', class: danger ? 'danger' : 'primary' },
    confirm,
  );
  const dialog = h(
    'dialog',
    { class: 'confirm', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, title),
    body ? h('p', {}, body) : null,
    h('div', { class: 'actions' }, cancel, ok),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    const close = (answer) => {
      if (dialog.open) dialog.close();
      dialog.remove();
      if (opener && typeof opener.focus === 'function' && opener.isConnected) opener.focus();
      resolve(answer);
    };
    cancel.addEventListener('click', () => close(false));
    ok.addEventListener('click', () => close(true));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(false);
    });
    dialog.showModal();
    cancel.focus();
  });
}
