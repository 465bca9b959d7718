import type { AssociationRef, ObjectType } from '../../services/engine/types.ts';
import { classification } from '../sdk/errors.ts';
import type { ErrorClassification } from '../sdk/types.ts';
import { readV4 } from './associations-read.ts';
import type { BatchResponse } from './batch-results.ts';
import { classifyError } from './errors.ts';
import type { HubSpotHttp } from './http.ts';
import { associationSpecs, objectPath, type AssociationSpec } from './objects.ts';
import { chunk, type PreparedCommand } from './write-plan.ts';

/**
 * `assoc:<object>` fields written through the v4 associations API. A primary association (a
 * contact's or a deal's company) is set with the labelled Primary type (batch create with
 * `associationTypeId` 1 or 5), and the previous primary association is removed (batch archive);
 * a deal's contacts are made exactly the listed ones (batch associate default / batch archive).
 */
export interface Link {
  readonly index: number;
  readonly fromId: string;
  readonly toId: string;
}

export interface AssociationWant {
  readonly index: number;
  readonly fromId: string;
  readonly desired: readonly string[] | null;
}

/** The links to add and remove so that each record holds what its command asks (pure). */
export function planAssociations(
  spec: AssociationSpec,
  wants: readonly AssociationWant[],
  current: ReadonlyMap<string, readonly AssociationRef[]>,
): { add: Link[]; remove: Link[] } {
  const add: Link[] = [];
  const remove: Link[] = [];
  // The last command for a record decides.
  const last = new Map(wants.map((w) => [w.fromId, w]));
  for (const { index, fromId, desired } of last.values()) {
    const refs = current.get(fromId) ?? [];
    if (spec.primaryTypeId !== null) {
      const primary = desired?.[0] ?? null;
      const held = refs.filter((r) => r.primary).map((r) => r.recordId);
      if (primary !== null && !held.includes(primary)) add.push({ index, fromId, toId: primary });
      for (const toId of held) if (toId !== primary) remove.push({ index, fromId, toId });
    } else {
      const wanted = new Set(desired ?? []);
      const held = new Set(refs.map((r) => r.recordId));
      for (const toId of wanted) if (!held.has(toId)) add.push({ index, fromId, toId });
      for (const toId of held) if (!wanted.has(toId)) remove.push({ index, fromId, toId });
    }
  }
  return { add, remove };
}

/** Links of a 207 whose from or to id an error names (`context.ids`); all of them if none is named. */
export function failedLinks(links: readonly Link[], response: BatchResponse): Link[] {
  const errors = response.errors ?? [];
  if (errors.length === 0) return [];
  const named = new Set(
    errors.flatMap((e) => {
      const ids = e.context?.ids;
      return Array.isArray(ids) ? ids.map((id) => String(id)) : [];
    }),
  );
  if (named.size === 0) return [...links];
  return links.filter((l) => named.has(l.fromId) || named.has(l.toId));
}

export type AssociationFailures = Map<number, { error: ErrorClassification; message: string }>;

async function send(
  http: HubSpotHttp,
  path: string,
  links: readonly Link[],
  body: (part: readonly Link[]) => unknown,
  failures: AssociationFailures,
  what: string,
): Promise<void> {
  for (const part of chunk(links)) {
    try {
      const { body: answer } = await http.request<BatchResponse>('POST', path, {
        body: body(part),
      });
      for (const l of failedLinks(part, answer ?? {})) {
        failures.set(l.index, {
          error: classification('config', 'association-target-missing'),
          message: `${what} ${l.fromId} → ${l.toId} failed: a record does not exist`,
        });
      }
    } catch (err) {
      const c = classifyError(err);
      if (c.class === 'transient') throw err;
      const error =
        c.category === 'auth' ? c : classification('config', 'association-target-missing');
      const message = `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
      for (const l of part) failures.set(l.index, { error, message });
    }
  }
}

export async function writeAssociations(
  http: HubSpotHttp,
  object: ObjectType,
  written: readonly { prepared: PreparedCommand; recordId: string }[],
): Promise<AssociationFailures> {
  const failures: AssociationFailures = new Map();
  for (const spec of associationSpecs(object)) {
    const wants = written
      .filter((w) => spec.to in w.prepared.associations)
      .map((w) => ({
        index: w.prepared.index,
        fromId: w.recordId,
        desired: w.prepared.associations[spec.to] ?? null,
      }));
    if (wants.length === 0) continue;
    const current = await readV4(http, object, spec, [...new Set(wants.map((w) => w.fromId))]);
    const { add, remove } = planAssociations(spec, wants, current);
    const base = `/crm/v4/associations/${objectPath(object)}/${objectPath(spec.to)}/batch`;
    const typeId = spec.primaryTypeId;
    if (typeId !== null) {
      await send(
        http,
        `${base}/create`,
        add,
        (part) => ({
          inputs: part.map((l) => ({
            from: { id: l.fromId },
            to: { id: l.toId },
            types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }],
          })),
        }),
        failures,
        `associating ${object} with ${spec.to}`,
      );
    } else {
      await send(
        http,
        `${base}/associate/default`,
        add,
        (part) => ({
          inputs: part.map((l) => ({ from: { id: l.fromId }, to: { id: l.toId } })),
        }),
        failures,
        `associating ${object} with ${spec.to}`,
      );
    }
    await send(
      http,
      `${base}/archive`,
      remove,
      (part) => ({
        inputs: part.map((l) => ({ from: { id: l.fromId }, to: [{ id: l.toId }] })),
      }),
      failures,
      `removing the association of ${object} with ${spec.to}`,
    );
  }
  return failures;
}
