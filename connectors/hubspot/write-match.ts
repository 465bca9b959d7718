import type { ObjectType } from '../../services/engine/types.ts';
import {
  firstMatch,
  normalizers,
  objectDescriptor,
  type MatchRule,
} from '../../services/objects/index.ts';
import type { HubSpotHttp } from './http.ts';
import { hubspotProperty } from './names.ts';
import { objectPath } from './objects.ts';
import type { ApiPage } from './records.ts';
import { chunk, type PreparedCommand } from './write-plan.ts';

/**
 * Existing records a create should update instead (companies by domain else name, products by
 * SKU: any object with match rules that HubSpot does not keep unique itself, match.ts). Each
 * create's key is its first applicable match rule (`firstMatch`, the shared normalisation): a
 * company with a domain matches by domain only, one without by name. HubSpot's search cannot
 * normalise, so it is a prefilter — `IN` over the forms a stored value is likely written in — and
 * every hit is confirmed with the rule's own normaliser; the lowest id wins when several match.
 * One search per 100 values, paged.
 *
 * What the prefilter can miss (a duplicate is then created, as before): a domain stored with a
 * scheme, path or port (`https://acme.com/`); a company name stored with other case, spacing,
 * accents, punctuation or a legal suffix than the create's (`ACME Inc.` for `Acme`); a SKU stored
 * with other case or inner spacing than both the create's own and its normalised form.
 */

/** The values to search for a key: the create's own spelling and the normalised ones. */
export function prefilterValues(rule: MatchRule, raw: string, value: string): string[] {
  if (rule.normalize === 'domain') return [value, `www.${value}`];
  const own = raw.trim();
  return [...new Set([own, own.toLowerCase(), value])];
}

async function searchIn(
  http: HubSpotHttp,
  object: ObjectType,
  property: string,
  values: readonly string[],
): Promise<{ id: string; value: string }[]> {
  const found: { id: string; value: string }[] = [];
  for (const part of chunk([...new Set(values)])) {
    let after: string | undefined;
    do {
      const { body } = await http.request<ApiPage>(
        'POST',
        `/crm/v3/objects/${objectPath(object)}/search`,
        {
          search: true,
          body: {
            filterGroups: [{ filters: [{ propertyName: property, operator: 'IN', values: part }] }],
            sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
            properties: [property],
            limit: 100,
            ...(after === undefined ? {} : { after }),
          },
        },
      );
      for (const r of body?.results ?? []) {
        const value = r.properties?.[property];
        if (value) found.push({ id: String(r.id), value });
      }
      after = body?.paging?.next?.after;
    } while (after !== undefined && Number(after) < 10_000);
  }
  return found;
}

/** The existing record id for each create (by command index) that matches one. */
export async function matchExisting(
  http: HubSpotHttp,
  object: ObjectType,
  creates: readonly PreparedCommand[],
): Promise<Map<number, string>> {
  const descriptor = objectDescriptor(object);
  const keyed = creates.flatMap((p) => {
    const found = firstMatch(descriptor, p.command.fields);
    return found === null ? [] : [{ p, ...found }];
  });
  const idByKey = new Map<string, string>();
  for (const rule of descriptor.matchKeys) {
    const wanted = keyed.filter((k) => k.rule.key === rule.key);
    if (wanted.length === 0) continue;
    const values = wanted.flatMap((k) =>
      prefilterValues(rule, k.p.command.fields[rule.property] ?? '', k.value),
    );
    const property = hubspotProperty(object, rule.property);
    for (const hit of await searchIn(http, object, property, values)) {
      const value = normalizers[rule.normalize](hit.value);
      if (value === null) continue;
      const key = `${rule.key}:${value}`;
      const have = idByKey.get(key);
      if (have === undefined || Number(hit.id) < Number(have)) idByKey.set(key, hit.id);
    }
  }
  const out = new Map<number, string>();
  for (const { p, rule, value } of keyed) {
    const id = idByKey.get(`${rule.key}:${value}`);
    if (id !== undefined) out.set(p.index, id);
  }
  return out;
}
