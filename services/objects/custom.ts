import type {
  AssociationDescriptor,
  NormalizerName,
  ObjectDescriptor,
  PropertyDescriptor,
} from './types.ts';

/**
 * What a client sends to define an object type (`POST /v1/objects`): a descriptor with the
 * parts every custom object shares left out or defaulted, so a definition stays short.
 */
export interface CustomObjectInput {
  readonly name: string;
  readonly singular: string;
  readonly label: string;
  readonly description?: string;
  readonly properties: readonly PropertyDescriptor[];
  /** Default: the match property, else the first property. */
  readonly required?: readonly string[];
  /** One match rule, keyed by the property's name; absent: records are matched by link only. */
  readonly matchKey?: { readonly property: string; readonly normalize: NormalizerName };
  /** Default: the first property. */
  readonly displayLabel?: readonly (readonly string[])[];
  readonly associations?: readonly AssociationDescriptor[];
  readonly hubspot?: {
    /** `2-12345` (the object type id) or `p_<name>` (the fully qualified name). */
    readonly objectType: string;
    readonly properties?: Readonly<Record<string, string>>;
    /** Default `hs_lastmodifieddate`, which HubSpot stamps on every custom object record. */
    readonly lastModified?: string;
    readonly primaryTypeIds?: Readonly<Record<string, number>>;
  };
}

/**
 * The full descriptor of a definition, defaults filled in. Pure; the result still has to pass
 * `descriptorSchema` and `checkCustomObjects` (a property named by the defaults may not exist).
 */
export function customDescriptor(input: CustomObjectInput): ObjectDescriptor {
  const first = input.properties[0]?.name ?? '';
  const match = input.matchKey;
  return {
    name: input.name,
    singular: input.singular,
    label: input.label,
    description: input.description ?? '',
    properties: input.properties.map((p) => ({ name: p.name, label: p.label, type: p.type })),
    required: input.required ?? [match?.property ?? first],
    matchKeys: match
      ? [{ key: match.property, property: match.property, normalize: match.normalize }]
      : [],
    displayLabel: input.displayLabel ?? [[first]],
    associations: (input.associations ?? []).map((a) => ({ to: a.to, primaryOnly: a.primaryOnly })),
    emailRule: false,
    hubspot: input.hubspot
      ? {
          objectType: input.hubspot.objectType,
          properties: input.hubspot.properties ?? {},
          lastModified: input.hubspot.lastModified ?? 'hs_lastmodifieddate',
          primaryTypeIds: input.hubspot.primaryTypeIds ?? {},
        }
      : null,
  };
}
