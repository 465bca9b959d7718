/** Shapes shared by the HubSpot simulator's modules (internal, not HubSpot's wire format). */

import type { ObjectType } from './served-objects.ts';

/** The served objects' names, derived from the table in served-objects.ts. */
export type { ObjectType } from './served-objects.ts';
export { OBJECT_TYPES } from './served-objects.ts';

/** A record as the simulator keeps it. Property values are strings, as HubSpot returns them. */
export interface StoredRecord {
  id: string;
  objectType: ObjectType;
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
}

export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
}

/** Follows the property object of `GET /crm/v3/properties/{objectType}` ("Properties" reference). */
export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  groupName: string;
  description: string;
  hasUniqueValue: boolean;
  hidden: boolean;
  formField: boolean;
  readOnlyValue: boolean;
  calculated: boolean;
  hubspotDefined: boolean;
  displayOrder: number;
  options: PropertyOption[];
}
