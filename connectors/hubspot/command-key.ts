import type { Logger } from '../../services/log/logger.ts';
import { ConnectorError, classification } from '../sdk/errors.ts';
import type { PropertyCache } from './discover.ts';
import { classifyError, codes, HubSpotResponseError } from './errors.ts';
import type { HubSpotHttp } from './http.ts';
import { COMMAND_ID_PROPERTY } from './objects.ts';

/**
 * The deal property that makes deal creates idempotent across restarts. Deals have no natural key
 * (contacts have email, companies domain or name), so each deal the connector creates carries the
 * write command's id in `tandem_command_id`, a custom property with `hasUniqueValue: true`, and is
 * created through batch upsert keyed by it: a create replayed after a crash (the engine had not
 * recorded the link yet, the command id being deterministic) finds the deal it made instead of
 * making another.
 *
 * The property is created on the first deal create when HubSpot does not have it (`GET`, then
 * `POST /crm/v3/properties/deals`; a 409 means another worker just made it). It is Tandem's
 * bookkeeping, not data: discover leaves it out of the catalog, reads never request it, and a
 * command naming it is refused (objects.ts `internalProperties`).
 *
 * When it cannot be set up — the private app lacks the `crm.schemas.deals.write` scope (403), or a
 * property of that name exists without unique values — deal creates fail, as config errors whose
 * hint says what to do; deal updates, deletes and everything else go on. There is deliberately no
 * fallback to remembering creates in memory: that is the behaviour that duplicates deals after a
 * crash, and a data engineer would rather see a failed record with a fix than find duplicates
 * later. The refusal is remembered for a minute so a batch does not retry the schema call for each
 * write, and tried again after that (a granted scope takes effect without a restart).
 *
 * check() does not create the property: it is a side-effect-free connection test, and a
 * connection that only reads deals needs no schema scope at all.
 */
/** The create body ("Properties" API: name, label, type, fieldType, groupName are required). */
export const commandIdProperty = {
  name: COMMAND_ID_PROPERTY,
  label: 'Tandem command id',
  description:
    'Set by Tandem on the deals it creates so that a retried create updates the same deal. Do not edit.',
  groupName: 'dealinformation',
  type: 'string',
  fieldType: 'text',
  hasUniqueValue: true,
  formField: false,
} as const;

export const REFUSAL_RETRY_MS = 60_000;

/** Per session: whether the property is known to be in place, or why it was refused lately. */
export interface CommandKeyState {
  ready: boolean;
  refused?: { readonly error: ConnectorError; readonly retryAt: number };
}

export function createCommandKeyState(): CommandKeyState {
  return { ready: false };
}

export interface CommandKeyDeps {
  readonly http: HubSpotHttp;
  readonly properties: PropertyCache;
  readonly logger: Logger;
}

function refusal(err: unknown): ConnectorError {
  const reason = err instanceof Error ? err.message : String(err);
  const c = classifyError(err);
  if (c.category === 'auth') {
    return new ConnectorError(
      codes.commandKey,
      `deal creates need the deal property ${COMMAND_ID_PROPERTY}, which this token may not create (${reason})`,
      {
        ...classification('config', 'auth'),
        hint: `Grant the private app the crm.schemas.deals.write scope, or create the deal property "${COMMAND_ID_PROPERTY}" (single-line text, "require unique values") yourself; then retry the failed creates.`,
      },
      { cause: err },
    );
  }
  return new ConnectorError(
    codes.commandKey,
    `deal creates need the deal property ${COMMAND_ID_PROPERTY}, which could not be created (${reason})`,
    {
      ...classification('config', 'invalid-value', { field: COMMAND_ID_PROPERTY }),
      hint: `Create the deal property "${COMMAND_ID_PROPERTY}" (single-line text, "require unique values") in HubSpot; then retry the failed creates.`,
    },
    { cause: err },
  );
}

function notUnique(): ConnectorError {
  return new ConnectorError(
    codes.commandKey,
    `the deal property ${COMMAND_ID_PROPERTY} exists but does not require unique values, so deal creates cannot be made idempotent`,
    {
      ...classification('config', 'invalid-value', { field: COMMAND_ID_PROPERTY }),
      hint: `Delete the deal property "${COMMAND_ID_PROPERTY}" in HubSpot (Tandem recreates it with unique values), or turn on "require unique values" for it; then retry the failed creates.`,
    },
  );
}

async function setUp(deps: CommandKeyDeps): Promise<void> {
  let def = (await deps.properties.get('deals')).all.get(COMMAND_ID_PROPERTY);
  if (!def) {
    try {
      await deps.http.request('POST', '/crm/v3/properties/deals', { body: commandIdProperty });
      deps.logger.info(
        { property: COMMAND_ID_PROPERTY },
        'hubspot: created the deal property that keys deal creates',
      );
    } catch (err) {
      if (!(err instanceof HubSpotResponseError && err.status === 409)) throw err;
    }
    def = (await deps.properties.get('deals', true)).all.get(COMMAND_ID_PROPERTY);
  }
  if (def?.hasUniqueValue !== true) throw notUnique();
}

/**
 * Makes sure the property is in place; undefined when it is, else the error deal creates fail
 * with. Transient failures are thrown (the write batch is retried).
 */
export async function ensureCommandKey(
  deps: CommandKeyDeps,
  state: CommandKeyState,
  now = Date.now(),
): Promise<ConnectorError | undefined> {
  if (state.ready) return undefined;
  if (state.refused && now < state.refused.retryAt) return state.refused.error;
  try {
    await setUp(deps);
    state.ready = true;
    delete state.refused;
    return undefined;
  } catch (err) {
    if (classifyError(err).class === 'transient') throw err;
    const error =
      err instanceof ConnectorError && err.code === codes.commandKey ? err : refusal(err);
    state.refused = { error, retryAt: now + REFUSAL_RETRY_MS };
    deps.logger.warn(
      { property: COMMAND_ID_PROPERTY, category: error.classification.category },
      `hubspot: ${error.message}; deal creates fail until it is fixed`,
    );
    return error;
  }
}
