import type { HubSpotHttp } from './http.ts';
import type { ApiPage } from './records.ts';
import { chunk, normalizeDomain, type PreparedCommand } from './write-plan.ts';

/**
 * Companies a create should update instead: an existing company with the same domain (any case,
 * with or without "www."), else, for a create without a domain, the same name. One search per
 * 100 values (`IN`), paged; the lowest id wins when several match.
 */
async function searchIn(
  http: HubSpotHttp,
  property: 'domain' | 'name',
  values: readonly string[],
): Promise<{ id: string; value: string }[]> {
  const found: { id: string; value: string }[] = [];
  for (const part of chunk([...new Set(values)])) {
    let after: string | undefined;
    do {
      const { body } = await http.request<ApiPage>('POST', '/crm/v3/objects/companies/search', {
        search: true,
        body: {
          filterGroups: [{ filters: [{ propertyName: property, operator: 'IN', values: part }] }],
          sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
          properties: ['domain', 'name'],
          limit: 100,
          ...(after === undefined ? {} : { after }),
        },
      });
      for (const r of body?.results ?? []) {
        const value = r.properties?.[property];
        if (value) found.push({ id: String(r.id), value });
      }
      after = body?.paging?.next?.after;
    } while (after !== undefined && Number(after) < 10_000);
  }
  return found;
}

function lowest(map: Map<string, string>, key: string, id: string): void {
  const have = map.get(key);
  if (have === undefined || Number(id) < Number(have)) map.set(key, id);
}

/** The existing company id for each create (by command index) that matches one. */
export async function matchCompanies(
  http: HubSpotHttp,
  creates: readonly PreparedCommand[],
): Promise<Map<number, string>> {
  const byDomain = creates.filter((p) => normalizeDomain(p.properties.domain ?? '') !== '');
  const byName = creates.filter(
    (p) =>
      normalizeDomain(p.properties.domain ?? '') === '' && (p.properties.name ?? '').trim() !== '',
  );
  const domains = new Map<string, string>();
  const names = new Map<string, string>();
  if (byDomain.length > 0) {
    const wanted = byDomain.map((p) => normalizeDomain(p.properties.domain ?? ''));
    const values = wanted.flatMap((d) => [d, `www.${d}`]);
    for (const hit of await searchIn(http, 'domain', values)) {
      lowest(domains, normalizeDomain(hit.value), hit.id);
    }
  }
  if (byName.length > 0) {
    // Both as written and in lower case: HubSpot asks for lower-case IN values on strings.
    const values = byName.flatMap((p) => {
      const name = (p.properties.name ?? '').trim();
      return [name, name.toLowerCase()];
    });
    for (const hit of await searchIn(http, 'name', values)) {
      lowest(names, hit.value.trim().toLowerCase(), hit.id);
    }
  }
  const out = new Map<number, string>();
  for (const p of byDomain) {
    const id = domains.get(normalizeDomain(p.properties.domain ?? ''));
    if (id !== undefined) out.set(p.index, id);
  }
  for (const p of byName) {
    const id = names.get((p.properties.name ?? '').trim().toLowerCase());
    if (id !== undefined) out.set(p.index, id);
  }
  return out;
}
