import type { ObjectType, PropertyDefinition, PropertyOption, PropertyType } from './types.ts';

/**
 * Property catalogue per object, served by `GET /crm/v3/properties/{objectType}` ("Properties API",
 * developers.hubspot.com/docs/api/crm/properties: `{results: [{name, label, type, fieldType,
 * groupName, hasUniqueValue, hidden, formField, modificationMetadata, options, ...}]}`).
 * Canonical properties are HubSpot's own CRM property names; built-ins are HubSpot's default read-only properties.
 */

type Spec = [
  name: string,
  label: string,
  type: PropertyType,
  fieldType: string,
  options?: string[],
];

const FIELD_TYPE_DEFAULT: Record<PropertyType, string> = {
  string: 'text',
  number: 'number',
  date: 'date',
  datetime: 'date',
  enumeration: 'select',
  bool: 'booleancheckbox',
};

// Default lifecycle stages and the default deal pipeline's stages (HubSpot's internal values).
const LIFECYCLE_STAGES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
];
const DEAL_STAGES = [
  'appointmentscheduled',
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'contractsent',
  'closedwon',
  'closedlost',
];

const CANONICAL: Record<ObjectType, Spec[]> = {
  contacts: [
    ['email', 'Email', 'string', 'text'],
    ['firstname', 'First Name', 'string', 'text'],
    ['lastname', 'Last Name', 'string', 'text'],
    ['phone', 'Phone Number', 'string', 'phonenumber'],
    ['company', 'Company Name', 'string', 'text'],
    ['city', 'City', 'string', 'text'],
    ['country', 'Country/Region', 'string', 'text'],
    ['lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', LIFECYCLE_STAGES],
  ],
  companies: [
    ['name', 'Company name', 'string', 'text'],
    ['domain', 'Company Domain Name', 'string', 'text'],
    ['phone', 'Phone Number', 'string', 'phonenumber'],
    ['city', 'City', 'string', 'text'],
    ['country', 'Country/Region', 'string', 'text'],
    ['industry', 'Industry', 'string', 'text'],
  ],
  deals: [
    ['dealname', 'Deal Name', 'string', 'text'],
    ['amount', 'Amount', 'number', 'number'],
    ['dealstage', 'Deal Stage', 'enumeration', 'radio', DEAL_STAGES],
    ['closedate', 'Close Date', 'datetime', 'date'],
    ['pipeline', 'Pipeline', 'enumeration', 'select', ['default']],
  ],
};

/** HubSpot-maintained properties: set by HubSpot, never writable by API clients. */
const BUILT_INS: Record<ObjectType, Spec[]> = {
  // Contacts carry `lastmodifieddate`; the simulator also keeps `hs_lastmodifieddate` on them so a
  // connector may filter either one.
  contacts: [
    ['createdate', 'Create Date', 'datetime', 'date'],
    ['lastmodifieddate', 'Last Modified Date', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'Object last modified date/time', 'datetime', 'date'],
    ['hs_object_id', 'Record ID', 'number', 'number'],
  ],
  companies: [
    ['createdate', 'Create Date', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date'],
    ['hs_object_id', 'Record ID', 'number', 'number'],
  ],
  deals: [
    ['createdate', 'Create Date', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date'],
    ['hs_object_id', 'Record ID', 'number', 'number'],
  ],
};

/** Properties returned when a request names none (the "Search the CRM" default-properties table). */
export const DEFAULT_PROPERTIES: Record<ObjectType, string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  deals: [
    'amount',
    'closedate',
    'createdate',
    'dealname',
    'dealstage',
    'hs_lastmodifieddate',
    'hs_object_id',
    'pipeline',
  ],
};

function toOptions(values: string[] | undefined): PropertyOption[] {
  return (values ?? []).map((value, i) => ({
    label: value,
    value,
    displayOrder: i,
    hidden: false,
  }));
}

function define(spec: Spec, order: number, builtIn: boolean, group: string): PropertyDefinition {
  const [name, label, type, fieldType, options] = spec;
  return {
    name,
    label,
    type,
    fieldType,
    groupName: group,
    description: '',
    // Contacts' email is the unique identifier HubSpot de-duplicates on ("Contacts" guide).
    hasUniqueValue: name === 'email' || name === 'hs_object_id',
    hidden: false,
    formField: !builtIn,
    readOnlyValue: builtIn,
    calculated: false,
    hubspotDefined: true,
    displayOrder: order,
    options: toOptions(options),
  };
}

/** Each object's default property group (the only groups the simulator has). */
export const GROUP: Record<ObjectType, string> = {
  contacts: 'contactinformation',
  companies: 'companyinformation',
  deals: 'dealinformation',
};

export interface CustomPropertyInput {
  name: string;
  label?: string;
  type?: PropertyType;
  fieldType?: string;
  groupName?: string;
  description?: string;
  options?: string[];
  hasUniqueValue?: boolean;
  hidden?: boolean;
  formField?: boolean;
}

export interface PropertyRegistry {
  list(type: ObjectType): PropertyDefinition[];
  get(type: ObjectType, name: string): PropertyDefinition | undefined;
  add(type: ObjectType, input: CustomPropertyInput): PropertyDefinition;
}

export function createPropertyRegistry(): PropertyRegistry {
  const byType = new Map<ObjectType, Map<string, PropertyDefinition>>();
  for (const type of Object.keys(CANONICAL) as ObjectType[]) {
    const defs = new Map<string, PropertyDefinition>();
    let order = 0;
    for (const spec of CANONICAL[type])
      defs.set(spec[0], define(spec, order++, false, GROUP[type]));
    for (const spec of BUILT_INS[type]) defs.set(spec[0], define(spec, order++, true, GROUP[type]));
    byType.set(type, defs);
  }
  const defsOf = (type: ObjectType): Map<string, PropertyDefinition> => {
    const defs = byType.get(type);
    if (!defs) throw new Error(`hubspot simulator: no property table for ${type}`);
    return defs;
  };
  return {
    list: (type) => [...defsOf(type).values()],
    get: (type, name) => defsOf(type).get(name),
    add(type, input) {
      const propertyType = input.type ?? 'string';
      const def: PropertyDefinition = {
        ...define(
          [
            input.name,
            input.label ?? input.name,
            propertyType,
            input.fieldType ?? FIELD_TYPE_DEFAULT[propertyType],
            input.options,
          ],
          defsOf(type).size,
          false,
          input.groupName ?? GROUP[type],
        ),
        description: input.description ?? '',
        hasUniqueValue: input.hasUniqueValue ?? false,
        hidden: input.hidden ?? false,
        formField: input.formField ?? true,
        hubspotDefined: false,
      };
      defsOf(type).set(def.name, def);
      return def;
    },
  };
}

/** Wire form of a definition, with HubSpot's `modificationMetadata` block. */
export function propertyToApi(def: PropertyDefinition): Record<string, unknown> {
  const { readOnlyValue, ...rest } = def;
  return {
    ...rest,
    modificationMetadata: {
      archivable: !def.hubspotDefined,
      readOnlyDefinition: def.hubspotDefined,
      readOnlyValue,
    },
  };
}
