import type { ObjectType } from './types.ts';

/**
 * HubSpot-defined association types between the served objects ("Associations v4", section
 * "HubSpot defined association types": Primary and Unlabeled; ids from its association type id
 * table: contact/company/deal as before; ticket→contact 16, ticket→company 26 and its Primary
 * 339; order→contact 507, order→company 509, order→deal 512; invoice→contact 177; each with its
 * inverse; activities (notes, tasks, calls, meetings) unlabeled to and from contacts, companies
 * and deals: note 202/190/214, task 204/192/216, call 194/182/206, meeting 200/188/212, each
 * inverse one less). Products have no direct associations here (HubSpot ties them to deals through line
 * items, which the simulator does not serve).
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
  { typeId: 16, from: 'tickets', to: 'contacts', label: null, inverse: 15, single: false },
  { typeId: 15, from: 'contacts', to: 'tickets', label: null, inverse: 16, single: false },
  { typeId: 26, from: 'tickets', to: 'companies', label: null, inverse: 25, single: false },
  { typeId: 339, from: 'tickets', to: 'companies', label: 'Primary', inverse: 340, single: true },
  { typeId: 25, from: 'companies', to: 'tickets', label: null, inverse: 26, single: false },
  { typeId: 340, from: 'companies', to: 'tickets', label: 'Primary', inverse: 339, single: false },
  { typeId: 507, from: 'orders', to: 'contacts', label: null, inverse: 508, single: false },
  { typeId: 508, from: 'contacts', to: 'orders', label: null, inverse: 507, single: false },
  { typeId: 509, from: 'orders', to: 'companies', label: null, inverse: 510, single: false },
  { typeId: 510, from: 'companies', to: 'orders', label: null, inverse: 509, single: false },
  { typeId: 512, from: 'orders', to: 'deals', label: null, inverse: 511, single: false },
  { typeId: 511, from: 'deals', to: 'orders', label: null, inverse: 512, single: false },
  { typeId: 177, from: 'invoices', to: 'contacts', label: null, inverse: 178, single: false },
  { typeId: 178, from: 'contacts', to: 'invoices', label: null, inverse: 177, single: false },
  { typeId: 202, from: 'notes', to: 'contacts', label: null, inverse: 201, single: false },
  { typeId: 201, from: 'contacts', to: 'notes', label: null, inverse: 202, single: false },
  { typeId: 190, from: 'notes', to: 'companies', label: null, inverse: 189, single: false },
  { typeId: 189, from: 'companies', to: 'notes', label: null, inverse: 190, single: false },
  { typeId: 214, from: 'notes', to: 'deals', label: null, inverse: 213, single: false },
  { typeId: 213, from: 'deals', to: 'notes', label: null, inverse: 214, single: false },
  { typeId: 204, from: 'tasks', to: 'contacts', label: null, inverse: 203, single: false },
  { typeId: 203, from: 'contacts', to: 'tasks', label: null, inverse: 204, single: false },
  { typeId: 192, from: 'tasks', to: 'companies', label: null, inverse: 191, single: false },
  { typeId: 191, from: 'companies', to: 'tasks', label: null, inverse: 192, single: false },
  { typeId: 216, from: 'tasks', to: 'deals', label: null, inverse: 215, single: false },
  { typeId: 215, from: 'deals', to: 'tasks', label: null, inverse: 216, single: false },
  { typeId: 194, from: 'calls', to: 'contacts', label: null, inverse: 193, single: false },
  { typeId: 193, from: 'contacts', to: 'calls', label: null, inverse: 194, single: false },
  { typeId: 182, from: 'calls', to: 'companies', label: null, inverse: 181, single: false },
  { typeId: 181, from: 'companies', to: 'calls', label: null, inverse: 182, single: false },
  { typeId: 206, from: 'calls', to: 'deals', label: null, inverse: 205, single: false },
  { typeId: 205, from: 'deals', to: 'calls', label: null, inverse: 206, single: false },
  { typeId: 200, from: 'meetings', to: 'contacts', label: null, inverse: 199, single: false },
  { typeId: 199, from: 'contacts', to: 'meetings', label: null, inverse: 200, single: false },
  { typeId: 188, from: 'meetings', to: 'companies', label: null, inverse: 187, single: false },
  { typeId: 187, from: 'companies', to: 'meetings', label: null, inverse: 188, single: false },
  { typeId: 212, from: 'meetings', to: 'deals', label: null, inverse: 211, single: false },
  { typeId: 211, from: 'deals', to: 'meetings', label: null, inverse: 212, single: false },
];

export const ASSOCIATION_TYPES: readonly AssociationTypeDef[] = DEFS;

/**
 * Ids of the association types made for custom objects. HubSpot gives each pair of a custom
 * object and an object of its `associatedObjects` an unlabeled type each way, with account-
 * specific ids; the simulator numbers them from here, process-wide so that two simulators' ids
 * never clash (the objects they join are distinct too).
 */
let nextCustomTypeId = 1000;

/**
 * Defines the unlabeled pair of types between a custom object and another object (schema
 * creation); the pair's ids, from `from`'s side first. Defining an existing pair returns it.
 */
export function defineAssociationPair(from: ObjectType, to: ObjectType): [number, number] {
  const existing = defaultAssociationType(from, to);
  if (existing) return [existing.typeId, existing.inverse];
  const forward = nextCustomTypeId++;
  const inverse = nextCustomTypeId++;
  DEFS.push(
    { typeId: forward, from, to, label: null, inverse, single: false },
    { typeId: inverse, from: to, to: from, label: null, inverse: forward, single: false },
  );
  return [forward, inverse];
}

/** Drops every type from or to `type` (a deleted custom object). */
export function forgetAssociationTypes(type: ObjectType): void {
  for (let i = DEFS.length - 1; i >= 0; i--) {
    const d = DEFS[i];
    if (d && (d.from === type || d.to === type)) DEFS.splice(i, 1);
  }
}

/** Every type from `from` to `to`, unlabeled first. */
export function associationTypesBetween(from: ObjectType, to: ObjectType): AssociationTypeDef[] {
  return DEFS.filter((d) => d.from === from && d.to === to).sort(
    (a, b) => Number(a.label !== null) - Number(b.label !== null),
  );
}

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
