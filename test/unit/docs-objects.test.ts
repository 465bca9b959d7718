import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  objectDocsPath,
  renderObjectDocs,
  renderObjectDocsRaw,
} from '../../services/objects/docs.ts';
import { builtinObjects } from '../../services/objects/index.ts';
import type { ObjectDescriptor } from '../../services/objects/index.ts';

describe('docs/objects.md', () => {
  it('is the rendering of the descriptors (run `npm run docs:objects` after changing one)', async () => {
    const committed = readFileSync(objectDocsPath, 'utf8');
    expect(committed).toBe(await renderObjectDocs(builtinObjects));
  });

  it.each(builtinObjects.map((d) => [d.name, d] as const))(
    'documents %s: label, properties, required ones, match keys, associations, HubSpot names',
    (_name, d) => {
      const raw = renderObjectDocsRaw([d]);
      expect(raw).toContain(`## ${d.label} (\`${d.name}\`)`);
      for (const p of d.properties) expect(raw).toContain(`| \`${p.name}\` | ${p.label} |`);
      for (const r of d.required)
        expect(raw).toMatch(new RegExp(`\\| \`${r}\` \\|.*\\| required \\|`));
      for (const rule of d.matchKeys) expect(raw).toContain(`\`${rule.key}:<value>\``);
      for (const a of d.associations) {
        const singular = builtinObjects.find((o) => o.name === a.to)?.singular;
        // Rendered alone, the target's singular is unknown: the full rendering names it.
        expect(renderObjectDocsRaw(builtinObjects)).toContain(`\`${singular}Id\``);
      }
      for (const [canonical, name] of Object.entries(d.hubspot?.properties ?? {})) {
        expect(raw).toContain(`| \`${canonical}\` | \`${name}\` |`);
      }
    },
  );

  it('says so when an object has no match keys, no associations or no HubSpot object', () => {
    const bare: ObjectDescriptor = {
      name: 'widgets',
      singular: 'widget',
      label: 'Widgets',
      description: 'A test object.',
      properties: [{ name: 'code', label: 'Code | id', type: 'string' }],
      required: ['code'],
      matchKeys: [],
      displayLabel: [['code']],
      associations: [],
      emailRule: false,
      hubspot: null,
    };
    const raw = renderObjectDocsRaw([bare]);
    expect(raw).toContain('No match keys');
    expect(raw).toContain('### Associations\n\nNone.');
    expect(raw).toContain('HubSpot has no such object');
    expect(raw).toContain('| `code` | Code \\| id | string | required |');
  });
});
