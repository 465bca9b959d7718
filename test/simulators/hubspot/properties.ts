import { served, type Spec } from './served-objects.ts';
import type { ObjectType, PropertyDefinition, PropertyOption, PropertyType } from './types.ts';

/**
 * Property catalogue per object, served by `GET /crm/v3/properties/{objectType}` ("Properties API",
 * developers.hubspot.com/docs/api/crm/properties: `{results: [{name, label, type, fieldType,
 * groupName, hasUniqueValue, hidden, formField, modificationMetadata, options, ...}]}`).
 * The properties of each object come from the served objects' table (served-objects.ts); built-ins
 * are HubSpot's default read-only properties.
 */

const FIELD_TYPE_DEFAULT: Record<PropertyType, string> = {
  string: 'text',
  number: 'number',
  date: 'date',
  datetime: 'date',
  enumeration: 'select',
  bool: 'booleancheckbox',
};

function toOptions(values: string[] | undefined): PropertyOption[] {
  return (values ?? []).map((value, i) => ({
    label: value,
    value,
    displayOrder: i,
    hidden: false,
  }));
}

function define(
  spec: Readonly<Spec>,
  order: number,
  builtIn: boolean,
  group: string,
): PropertyDefinition {
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
export function groupOf(type: ObjectType): string {
  return served(type).group;
}

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
  /** Forgets an object's table (a deleted custom object). */
  drop(type: ObjectType): void;
  add(type: ObjectType, input: CustomPropertyInput): PropertyDefinition;
}

export function createPropertyRegistry(): PropertyRegistry {
  const byType = new Map<ObjectType, Map<string, PropertyDefinition>>();
  // Made on first use from the served objects' table, so a custom object defined after the
  // registry was made has its table too (served() throws for an object that is not served).
  const defsOf = (type: ObjectType): Map<string, PropertyDefinition> => {
    let defs = byType.get(type);
    if (!defs) {
      defs = new Map();
      let order = 0;
      const { properties, builtIns, group } = served(type);
      for (const spec of properties) defs.set(spec[0], define(spec, order++, false, group));
      for (const spec of builtIns) defs.set(spec[0], define(spec, order++, true, group));
      byType.set(type, defs);
    }
    return defs;
  };
  return {
    list: (type) => [...defsOf(type).values()],
    get: (type, name) => defsOf(type).get(name),
    drop: (type) => void byType.delete(type),
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
          input.groupName ?? groupOf(type),
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
