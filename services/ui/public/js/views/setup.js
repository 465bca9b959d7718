import { fill, h, setText } from '../dom.js';
import { connectionsStep } from '../setup/connections-step.js';
import { directionStep } from '../setup/direction-step.js';
import { rulesStep } from '../setup/filters.js';
import { mappingsStep } from '../setup/mappings.js';
import {
  basicBody,
  draftFromSync,
  newDraft,
  pathSegments,
  stepOfPath,
  syncBody,
} from '../setup/model.js';
import { reviewStep } from '../setup/review.js';
import { createStepper } from '../setup/stepper.js';

const EDITABLE = new Set(['draft', 'off']);

/**
 * The page's alert (role=alert): an API error's message and code, a sentence, or a sentence
 * with a link. Focusable, so a failed Next can move the keyboard to it.
 */
function pageAlert() {
  const el = h('div', { class: 'error', role: 'alert', tabindex: -1, hidden: true });
  return {
    el,
    show(err) {
      const text =
        typeof err === 'string'
          ? err
          : `${err?.message ?? String(err)}${err?.code ? ` (${err.code})` : ''}`;
      setText(el, text);
      el.hidden = false;
    },
    withLink(text, href, label) {
      fill(el, h('p', {}, text), h('a', { href }, label));
      el.hidden = false;
    },
    clear() {
      el.hidden = true;
      el.replaceChildren();
    },
  };
}

/**
 * Everything the steps share: the draft, the loaded data (connections, connectors, object
 * types), the connections' catalogs (read once each), the page's alert, previews and the
 * placing of an API error's `details` at the fields they name.
 */
function createFlow(ctx, syncId, data, draft, alert) {
  const catalogs = new Map();
  const resolved = new Map();
  const flow = {
    ctx,
    syncId,
    editing: Boolean(syncId),
    data,
    draft,
    alert,
    steps: [],
    stepper: null,
    connection: (id) => data.connections.find((c) => c.id === id),
    typeTitle: (type) => data.connectors?.find((c) => c.type === type)?.title ?? type ?? '—',
    connectorOf: (id) => data.connectors?.find((c) => c.type === flow.connection(id)?.type),
    nameOf(side) {
      const c = flow.connection(draft[side]);
      return c ? (c.name ?? c.id) : side === 'a' ? 'Connection A' : 'Connection B';
    },
    /** Whether the object has the email rule (contacts), from its descriptor. */
    emailRule() {
      const d = data.objects.find((o) => o.name === draft.object);
      return d ? d.emailRule === true : draft.object === 'contacts';
    },
    catalog(id) {
      if (!catalogs.has(id)) {
        const pending = ctx.api.catalog(id).then((list) => {
          resolved.set(id, list);
          return list;
        });
        pending.catch(() => catalogs.delete(id));
        catalogs.set(id, pending);
      }
      return catalogs.get(id);
    },
    /** Starts reading a connection's catalog early (step 1), so Next does not wait for it. */
    prefetch(id) {
      if (id) flow.catalog(id).catch(() => undefined);
    },
    /** The object's fields on `side`; undefined when its connection does not hold the object. */
    async fields(side) {
      const list = await flow.catalog(draft[side]);
      return list.find((o) => o.name === draft.object)?.fields;
    },
    /** The same, as far as read already ([] until then). */
    fieldsNow(side) {
      const list = resolved.get(draft[side]) ?? [];
      return list.find((o) => o.name === draft.object)?.fields ?? [];
    },
    /** Reads both catalogs; a side that cannot be read is said in the alert (its fields stay empty). */
    async ensureFields() {
      for (const side of ['a', 'b']) {
        try {
          await flow.fields(side);
        } catch (err) {
          alert.show(`The fields of ${flow.nameOf(side)} could not be read: ${err.message}`);
        }
      }
    },
    /** POST /v1/syncs/preview of the basic choices or the whole draft; null when refused. */
    async preview(kind) {
      const body = kind === 'basic' ? basicBody(draft) : syncBody(draft, flow.emailRule());
      try {
        return await ctx.api.previewSync(body);
      } catch (err) {
        await flow.showApiError(err, { forward: false });
        return null;
      }
    },
    /**
     * An API error: its `details` next to the fields they name, on the earliest step they
     * concern (not a later one than shown when `forward` is false); the rest in the alert.
     */
    async showApiError(err, { forward = true } = {}) {
      if (err && err.unauthorized) return ctx.report(err, alert);
      const details = Array.isArray(err?.details) ? err.details : [];
      const placed = details.map((d) => ({ d, step: stepOfPath(d.path) }));
      const hit = placed
        .map((p) => p.step)
        .filter((s) => s !== undefined && (forward || s <= flow.stepper.current));
      if (hit.length > 0 && Math.min(...hit) !== flow.stepper.current) {
        await flow.stepper.go(Math.min(...hit), false);
      }
      const step = flow.steps[flow.stepper.current];
      let shown = 0;
      for (const { d, step: at } of placed) {
        const ref = at === flow.stepper.current ? step.refFor(pathSegments(d.path)) : undefined;
        if (ref) {
          step.errors.show(ref, d.message ?? 'Not accepted.');
          shown += 1;
        }
      }
      if (shown > 0 && shown === placed.length) {
        alert.show('Some choices need a change: see the messages next to the fields.');
      } else {
        alert.show(err);
      }
      flow.stepper.focusProblem();
    },
    alertWithLink: (text, href, label) => alert.withLink(text, href, label),
  };
  return flow;
}

/** Why the page cannot show the stepper, with a way on. */
function notice(text, href, label) {
  return h('div', { class: 'setup-notice' }, h('p', {}, text), h('p', {}, h('a', { href }, label)));
}

/**
 * The set-up flow (#/syncs/new), or editing `syncId` (#/syncs/<id>/edit) while it is off or a
 * draft: five steps from the connections to the review, then save and start. Data is loaded
 * once, on the first refresh; later refreshes leave the form alone.
 */
export function setupView(ctx, syncId) {
  const title = syncId ? 'Edit sync' : 'Set up a sync';
  const alert = pageAlert();
  const body = h('div', { class: 'setup' }, h('p', { class: 'muted' }, 'Loading…'));
  const back = syncId
    ? h('a', { href: `#/syncs/${encodeURIComponent(syncId)}` }, 'Back to the sync')
    : h('a', { href: '#/syncs' }, 'All syncs');
  const el = h(
    'section',
    { class: 'setup-view', 'aria-labelledby': 'page-title' },
    h('nav', { 'aria-label': 'Breadcrumb', class: 'crumbs' }, back),
    h('h1', { id: 'page-title', tabindex: -1 }, title),
    alert.el,
    body,
  );
  let state = 'new';

  async function load() {
    const [connections, connectors, described, sync] = await Promise.all([
      ctx.api.connections(),
      ctx.api.connectors().catch(() => null),
      ctx.objects.list(),
      syncId ? ctx.api.sync(syncId) : null,
    ]);
    // Without GET /v1/objects the connectors' lists still name the objects (without labels).
    const objects =
      described.length > 0
        ? described
        : [...new Set((connectors ?? []).flatMap((c) => c.objects ?? []))].map((name) => ({
            name,
          }));
    const syncHref = syncId ? `#/syncs/${encodeURIComponent(syncId)}` : '';
    if (sync && !EDITABLE.has(sync.state)) {
      fill(
        body,
        notice(
          `This sync is ${sync.state}: turn it off before changing its settings.`,
          syncHref,
          'Back to the sync',
        ),
      );
      return;
    }
    if (!sync && connections.length < 2) {
      fill(
        body,
        notice(
          `A sync joins two connections; there ${connections.length === 1 ? 'is 1' : `are ${connections.length}`}.`,
          '#/connections/new',
          'Add connection',
        ),
      );
      return;
    }
    const draft = sync ? draftFromSync(sync) : newDraft();
    const data = { connections, connectors, objects };
    const flow = createFlow(ctx, syncId, data, draft, alert);
    flow.steps = [
      connectionsStep(flow),
      directionStep(flow),
      mappingsStep(flow),
      rulesStep(flow),
      reviewStep(flow),
    ];
    flow.stepper = createStepper(flow, flow.steps);
    fill(body, flow.stepper.el);
    if (sync) {
      flow.prefetch(draft.a);
      flow.prefetch(draft.b);
    }
    await flow.stepper.go(0, false);
  }

  async function refresh() {
    if (state !== 'new') return;
    state = 'loading';
    try {
      await load();
      state = 'loaded';
    } catch (err) {
      // An unknown sync stays unknown; anything else is tried again on the next refresh.
      state = err && err.status === 404 ? 'loaded' : 'new';
      if (state === 'loaded')
        fill(body, notice(`There is no sync ${syncId}.`, '#/syncs', 'All syncs'));
      ctx.report(err, alert);
    }
  }

  return { el, title, refresh };
}
