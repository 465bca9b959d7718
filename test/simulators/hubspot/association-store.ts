import type { AssociationTypeDef } from './association-types.ts';
import { defaultAssociationType, findAssociationType } from './association-types.ts';
import type { ObjectType } from './types.ts';

/**
 * Associations between records, kept in both directions. Adding any labelled type also adds the
 * unlabeled type ("Unlabeled: an association type added when any ... record is associated";
 * Associations v4), and a `single` type (Primary company) moves off the previous holder.
 */

export interface AssociationEdge {
  toId: string;
  typeIds: number[];
}

export interface AssociationStore {
  add(from: ObjectType, fromId: string, to: ObjectType, toId: string, typeIds: number[]): void;
  /** Removes the given types, or every type (the whole association) when `typeIds` is omitted. */
  remove(from: ObjectType, fromId: string, to: ObjectType, toId: string, typeIds?: number[]): void;
  list(from: ObjectType, fromId: string, to: ObjectType): AssociationEdge[];
  /** Drops every association of a record (used when it is archived). */
  forget(type: ObjectType, id: string): void;
  reset(): void;
}

const key = (type: ObjectType, id: string): string => `${type}:${id}`;

export function createAssociationStore(): AssociationStore {
  // from-key -> to-type -> to-id -> set of type ids
  const edges = new Map<string, Map<ObjectType, Map<string, Set<number>>>>();

  function typesOf(
    from: ObjectType,
    fromId: string,
    to: ObjectType,
    toId: string,
    create: boolean,
  ) {
    let byType = edges.get(key(from, fromId));
    if (!byType) {
      if (!create) return undefined;
      byType = new Map();
      edges.set(key(from, fromId), byType);
    }
    let byId = byType.get(to);
    if (!byId) {
      if (!create) return undefined;
      byId = new Map();
      byType.set(to, byId);
    }
    let set = byId.get(toId);
    if (!set) {
      if (!create) return undefined;
      set = new Set();
      byId.set(toId, set);
    }
    return set;
  }

  function removeOne(
    from: ObjectType,
    fromId: string,
    to: ObjectType,
    toId: string,
    typeId: number,
  ): void {
    const set = typesOf(from, fromId, to, toId, false);
    if (!set) return;
    set.delete(typeId);
    if (set.size === 0) edges.get(key(from, fromId))?.get(to)?.delete(toId);
  }

  function addDirected(def: AssociationTypeDef, fromId: string, toId: string): void {
    if (def.single) {
      for (const [otherId, set] of edges.get(key(def.from, fromId))?.get(def.to) ?? []) {
        if (otherId !== toId && set.has(def.typeId)) {
          set.delete(def.typeId);
          removeOne(def.to, otherId, def.from, fromId, def.inverse);
        }
      }
    }
    typesOf(def.from, fromId, def.to, toId, true)?.add(def.typeId);
    typesOf(def.to, toId, def.from, fromId, true)?.add(def.inverse);
  }

  return {
    add(from, fromId, to, toId, typeIds) {
      const unlabeled = defaultAssociationType(from, to);
      if (!unlabeled) throw new Error(`hubspot simulator: no association from ${from} to ${to}`);
      addDirected(unlabeled, fromId, toId);
      for (const typeId of typeIds) {
        const def = findAssociationType(typeId);
        if (def && def.from === from && def.to === to) addDirected(def, fromId, toId);
      }
    },
    remove(from, fromId, to, toId, typeIds) {
      const set = typesOf(from, fromId, to, toId, false);
      if (!set) return;
      const unlabeled = defaultAssociationType(from, to)?.typeId;
      // Removing the unlabeled type removes the association itself.
      const removeAll = !typeIds || (unlabeled !== undefined && typeIds.includes(unlabeled));
      for (const typeId of removeAll ? [...set] : typeIds) {
        const def = findAssociationType(typeId);
        removeOne(from, fromId, to, toId, typeId);
        if (def) removeOne(to, toId, from, fromId, def.inverse);
      }
    },
    list(from, fromId, to) {
      const byId = edges.get(key(from, fromId))?.get(to);
      if (!byId) return [];
      return [...byId.entries()]
        .filter(([, set]) => set.size > 0)
        .map(([toId, set]) => ({ toId, typeIds: [...set].sort((a, b) => a - b) }))
        .sort((a, b) => Number(a.toId) - Number(b.toId));
    },
    forget(type, id) {
      const byType = edges.get(key(type, id));
      if (!byType) return;
      for (const [to, byId] of byType) {
        for (const toId of byId.keys()) edges.get(key(to, toId))?.get(type)?.delete(id);
      }
      edges.delete(key(type, id));
    },
    reset() {
      edges.clear();
    },
  };
}
