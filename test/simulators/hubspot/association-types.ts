import type { ObjectType } from './types.ts';

/**
 * HubSpot-defined association types between contacts, companies and deals ("Associations v4",
 * section "HubSpot defined association types": Primary and Unlabeled; ids from its type table).
 * Types are directional; each has a paired type for the opposite direction.
 */
export interface AssociationTypeDef {
  typeId: number;
  from: ObjectType;
  to: ObjectType;
  label: string | null;
  inverse: number;
  /** Only one record of `to` may hold this type for a given `from` record (the primary company). */
  single: boolean;
}

const DEFS: AssociationTypeDef[] = [
  { typeId: 279, from: 'contacts', to: 'companies', label: null, inverse: 280, single: false },
  { typeId: 1, from: 'contacts', to: 'companies', label: 'Primary', inverse: 2, single: true },
  { typeId: 280, from: 'companies', to: 'contacts', label: null, inverse: 279, single: false },
  { typeId: 2, from: 'companies', to: 'contacts', label: 'Primary', inverse: 1, single: false },
  { typeId: 3, from: 'deals', to: 'contacts', label: null, inverse: 4, single: false },
  { typeId: 4, from: 'contacts', to: 'deals', label: null, inverse: 3, single: false },
  { typeId: 341, from: 'deals', to: 'companies', label: null, inverse: 342, single: false },
  { typeId: 5, from: 'deals', to: 'companies', label: 'Primary', inverse: 6, single: true },
  { typeId: 342, from: 'companies', to: 'deals', label: null, inverse: 341, single: false },
  { typeId: 6, from: 'companies', to: 'deals', label: 'Primary', inverse: 5, single: false },
];

export const ASSOCIATION_TYPES: readonly AssociationTypeDef[] = DEFS;

export function findAssociationType(typeId: number): AssociationTypeDef | undefined {
  return DEFS.find((d) => d.typeId === typeId);
}

/** The unlabeled ("default", most generic) type from one object to another. */
export function defaultAssociationType(
  from: ObjectType,
  to: ObjectType,
): AssociationTypeDef | undefined {
  return DEFS.find((d) => d.from === from && d.to === to && d.label === null);
}
