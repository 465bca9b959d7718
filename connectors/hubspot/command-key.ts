import type { ObjectType } from '../../services/engine/types.ts';
import { objectDescriptor } from '../../services/objects/index.ts';
import type { Logger } from '../../services/log/logger.ts';
import { ConnectorError, classification } from '../sdk/errors.ts';
import type { PropertyCache } from './discover.ts';
import { classifyError, codes, HubSpotResponseError } from './errors.ts';
import type { HubSpotHttp } from './http.ts';
import { COMMAND_ID_PROPERTY, objectPath } from './objects.ts';
import { isCustomObject, schemaScope } from './scopes.ts';

/**
 * The property that makes creates of objects without a natural key idempotent across restarts.
 * Contacts have email, companies domain or name, products a SKU (their descriptors' match rules);
 * deals, tickets, orders and invoices have none, so each such record the connector creates
 * carries the write command's id in `tandem_command_id`, a custom property with
 * `hasUniqueValue: true`, and is created through batch upsert keyed by it: a create replayed after
 * a crash (the engine had not recorded the link yet, the command id being deterministic) finds
 * the record it made instead of making another.
 *
 * The property is created per object type, on the first create of that object when HubSpot does
 * not have it (`GET`, then `POST /crm/v3/properties/<objectType>`, in the object's own property
 * group; a 409 means another worker just made it). It is Tandem's bookkeeping, not data:
 * discover leaves it out of the catalog, reads never request it, and a command naming it is
 * refused (objects.ts `internalProperties`).
 *
 * When it cannot be set up — the private app lacks the schema write scope (scopes.ts:
 * `crm.schemas.<objectType>.write`, a custom object's `crm.schemas.custom.write`)
 * (403), or a property of that name exists without unique values — that object's creates fail, as
 * config errors whose hint says what to do; its updates, deletes and everything else go on.
 * There is deliberately no fallback to remembering creates in memory: that is the behaviour that
 * duplicates records after a crash, and a data engineer would rather see a failed record with a
 * fix than find duplicates later. The refusal is remembered for a minute (per object) so a batch
 * does not retry the schema call for each write, and tried again after that (a granted scope
 * takes effect without a restart).
 *
 * check() does not create the property: it is a side-effect-free connection test, and a
 * connection that only reads needs no schema scope at all.
 */

/**
 * The property group HubSpot files a built-in object's own properties in, e.g. `dealinformation`;
 * null for a custom object, whose groups its schema's creator chose (HubSpot publishes no name).
 */
export function defaultGroup(object: ObjectType): string | null {
  return isCustomObject(object) ? null : `${objectDescriptor(object).singular}information`;
}

/**
 * The create body ("Properties" API: name, label, type, fieldType, groupName are required). The
 * group is the object's usual one when HubSpot lists it, else the group of its first property (a
 * custom object's: the group its schema's properties went in).
 */
export function commandIdProperty(object: ObjectType, groups: readonly string[] = []) {
  const usual = defaultGroup(object);
  const noun = objectDescriptor(object).singular;
  const first = groups[0];
  const groupName =
    usual !== null && (groups.length === 0 || groups.includes(usual))
      ? usual
      : (first ?? usual ?? `${noun}information`);
  return {
    name: COMMAND_ID_PROPERTY,
    label: 'Tandem command id',
    description: `Set by Tandem on the ${noun} records it creates so that a retried create updates the same record. Do not edit.`,
    groupName,
    type: 'string',
    fieldType: 'text',
    hasUniqueValue: true,
    formField: false,
  } as const;
}

export { schemaScope } from './scopes.ts';

export const REFUSAL_RETRY_MS = 60_000;

/** Per session: whether the property is known to be in place, or why it was refused lately. */
export interface CommandKeyState {
  ready: boolean;
  refused?: { readonly error: ConnectorError; readonly retryAt: number };
}

export function createCommandKeyState(): CommandKeyState {
  return { ready: false };
}

/** The session's state for `object` (made on first use). */
export function commandKeyState(
  ctx: { readonly commandKeys?: Map<ObjectType, CommandKeyState> },
  object: ObjectType,
): CommandKeyState {
  if (!ctx.commandKeys) return createCommandKeyState();
  let state = ctx.commandKeys.get(object);
  if (!state) {
    state = createCommandKeyState();
    ctx.commandKeys.set(object, state);
  }
  return state;
}

export interface CommandKeyDeps {
  readonly http: HubSpotHttp;
  readonly properties: PropertyCache;
  readonly logger: Logger;
}

function refusal(object: ObjectType, err: unknown): ConnectorError {
  const noun = objectDescriptor(object).singular;
  const reason = err instanceof Error ? err.message : String(err);
  const c = classifyError(err);
  if (c.category === 'auth') {
    return new ConnectorError(
      codes.commandKey,
      `${noun} creates need the ${noun} property ${COMMAND_ID_PROPERTY}, which this token may not create (${reason})`,
      {
        ...classification('config', 'auth'),
        hint: `Grant the private app the ${schemaScope(object)} scope, or create the ${noun} property "${COMMAND_ID_PROPERTY}" (single-line text, "require unique values") yourself; then retry the failed creates.`,
      },
      { cause: err },
    );
  }
  return new ConnectorError(
    codes.commandKey,
    `${noun} creates need the ${noun} property ${COMMAND_ID_PROPERTY}, which could not be created (${reason})`,
    {
      ...classification('config', 'invalid-value', { field: COMMAND_ID_PROPERTY }),
      hint: `Create the ${noun} property "${COMMAND_ID_PROPERTY}" (single-line text, "require unique values") in HubSpot; then retry the failed creates.`,
    },
    { cause: err },
  );
}

function notUnique(object: ObjectType): ConnectorError {
  const noun = objectDescriptor(object).singular;
  return new ConnectorError(
    codes.commandKey,
    `the ${noun} property ${COMMAND_ID_PROPERTY} exists but does not require unique values, so ${noun} creates cannot be made idempotent`,
    {
      ...classification('config', 'invalid-value', { field: COMMAND_ID_PROPERTY }),
      hint: `Delete the ${noun} property "${COMMAND_ID_PROPERTY}" in HubSpot (Tandem recreates it with unique values), or turn on "require unique values" for it; then retry the failed creates.`,
    },
  );
}

async function setUp(deps: CommandKeyDeps, object: ObjectType): Promise<void> {
  const info = await deps.properties.get(object);
  let def = info.all.get(COMMAND_ID_PROPERTY);
  if (!def) {
    const groups = [...new Set([...info.all.values()].flatMap((d) => d.groupName ?? []))];
    try {
      await deps.http.request('POST', `/crm/v3/properties/${objectPath(object)}`, {
        body: commandIdProperty(object, groups),
      });
      deps.logger.info(
        { object, property: COMMAND_ID_PROPERTY },
        `hubspot: created the ${objectDescriptor(object).singular} property that keys creates`,
      );
    } catch (err) {
      if (!(err instanceof HubSpotResponseError && err.status === 409)) throw err;
    }
    def = (await deps.properties.get(object, true)).all.get(COMMAND_ID_PROPERTY);
  }
  if (def?.hasUniqueValue !== true) throw notUnique(object);
}

/**
 * Makes sure the object's property is in place; undefined when it is, else the error its creates
 * fail with. Transient failures are thrown (the write batch is retried).
 */
export async function ensureCommandKey(
  deps: CommandKeyDeps,
  object: ObjectType,
  state: CommandKeyState,
  now = Date.now(),
): Promise<ConnectorError | undefined> {
  if (state.ready) return undefined;
  if (state.refused && now < state.refused.retryAt) return state.refused.error;
  try {
    await setUp(deps, object);
    state.ready = true;
    delete state.refused;
    return undefined;
  } catch (err) {
    if (classifyError(err).class === 'transient') throw err;
    const error =
      err instanceof ConnectorError && err.code === codes.commandKey ? err : refusal(object, err);
    state.refused = { error, retryAt: now + REFUSAL_RETRY_MS };
    deps.logger.warn(
      { object, property: COMMAND_ID_PROPERTY, category: error.classification.category },
      `hubspot: ${error.message}; ${objectDescriptor(object).singular} creates fail until it is fixed`,
    );
    return error;
  }
}
