import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { builtinObjects } from './registry.ts';
import type { NormalizerName, ObjectDescriptor } from './types.ts';

/**
 * Renders `docs/objects.md` from the object descriptors, so the reference a user reads is the
 * data the engine runs on and cannot drift from it: `npm run docs:objects` writes the file, and
 * test/unit/docs-objects.test.ts fails when the committed file differs from a fresh rendering.
 * The Markdown goes through prettier (the repository's formatter) so `prettier --check` and
 * the staleness test agree on one text.
 */

/** What each normalisation does, in words a user configuring a sync can act on. */
export const normalizationInWords: Readonly<Record<NormalizerName, string>> = {
  email:
    'lower-cased with every whitespace removed (also inside the value); a value that is then ' +
    'not a valid email (one `@`, a domain of at least two dot-separated labels) gives no key',
  domain:
    'reduced to the bare host: lower-cased; scheme (`https://`), credentials, path, query, ' +
    'fragment, port, a trailing dot and a leading `www.` removed; a value with nothing ' +
    'host-like left (`n/a`, `localhost`) gives no key',
  'company-name':
    'case, accents, punctuation and spacing ignored, `&` read as `and`, and legal-form words ' +
    '(Inc, Ltd, LLC, GmbH, S.A., …) stripped from the end; a name made only of such words ' +
    'keeps its last one',
  text: 'trimmed, every run of whitespace made one space, lower-cased',
};

/** Escapes what would break a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\\/gu, '\\\\').replace(/\|/gu, '\\|').replace(/\r?\n/gu, ' ');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /gu, '-');
}

function code(text: string): string {
  return `\`${text}\``;
}

function objectSection(d: ObjectDescriptor, all: readonly ObjectDescriptor[]): string {
  const lines: string[] = [];
  const required = new Set(d.required);
  lines.push(`## ${d.label} (${code(d.name)})`, '');
  if (d.description) lines.push(d.description, '');
  lines.push(`Singular: ${code(d.singular)}.`, '');

  lines.push('### Properties', '');
  lines.push('| Name | Label | Type | Required |', '| --- | --- | --- | --- |');
  for (const p of d.properties) {
    lines.push(
      `| ${code(p.name)} | ${cell(p.label)} | ${p.type} | ${required.has(p.name) ? 'required' : ''} |`,
    );
  }
  lines.push(
    '',
    'A required property must be mapped in every sync of the object and cannot be switched off.',
    '',
  );

  lines.push('### Matching', '');
  if (d.matchKeys.length === 0) {
    lines.push(
      'No match keys: records are recognised as the same only through the links Tandem keeps ' +
        '(a record Tandem created in the other system), never by their values.',
      '',
    );
  } else {
    lines.push(
      'On the initial sync, and when a sink creates a record, records sharing a key are the ' +
        'same record. Rules are tried most specific first; a rule applies only to records whose ' +
        'connection maps its property and whose value normalises to something.',
      '',
    );
    d.matchKeys.forEach((rule, i) => {
      lines.push(
        `${i + 1}. ${code(`${rule.key}:<value>`)} from ${code(rule.property)} (${rule.normalize}): ` +
          `${normalizationInWords[rule.normalize]}.`,
      );
    });
    lines.push('');
  }
  if (d.emailRule) {
    lines.push(
      'The email rule applies: a sync takes only records whose `email` is a valid email ' +
        '(sync rule `requireEmail`, on by default); others are excluded as `missing-email`.',
      '',
    );
  }

  lines.push('### Display label', '');
  const alternatives = d.displayLabel.map((alt) => alt.map(code).join(' + '));
  lines.push(
    `A record is shown as ${alternatives.join(', else ')} (the first alternative with a value).`,
    '',
  );

  lines.push('### Associations', '');
  if (d.associations.length === 0) {
    lines.push('None.', '');
  } else {
    const singularOf = new Map(all.map((o) => [o.name, o.singular]));
    lines.push(
      '| To | Synced | Database config key | HubSpot primary type id |',
      '| --- | --- | --- | --- |',
    );
    for (const a of d.associations) {
      const key = `${singularOf.get(a.to) ?? a.to}Id`;
      const primaryId = d.hubspot?.primaryTypeIds[a.to];
      lines.push(
        `| ${code(a.to)} | ${a.primaryOnly ? 'the primary record only' : 'every associated record'} | ` +
          `${code(key)} | ${primaryId === undefined ? '' : String(primaryId)} |`,
      );
    }
    const first = d.associations[0]?.to ?? '';
    const example = `${singularOf.get(first) ?? first}Id`;
    lines.push(
      '',
      'A database connection names the foreign-key column of an association under its config ' +
        `key in the object’s ${code('fields')} mapping, e.g. ` +
        `${code(`"${d.name}": {"table": "${d.name}", "fields": {"${example}": "<column>"}}`)}. ` +
        'A column holds one id: a write of several associated records sets the first, and a read ' +
        'reports the one it holds as primary.',
      '',
    );
  }

  lines.push('### HubSpot', '');
  if (!d.hubspot) {
    lines.push('HubSpot has no such object: the HubSpot connector does not sync it.', '');
  } else {
    lines.push(
      `Object type ${code(d.hubspot.objectType)} (CRM v3 object APIs); changes are read by ` +
        `${code(d.hubspot.lastModified)}.`,
      '',
    );
    const renamed = Object.entries(d.hubspot.properties);
    if (renamed.length === 0) {
      lines.push('Every property has the same name in HubSpot.', '');
    } else {
      lines.push('| Property | HubSpot property |', '| --- | --- |');
      for (const [canonical, name] of renamed) lines.push(`| ${code(canonical)} | ${code(name)} |`);
      lines.push('', 'Other properties have the same name in HubSpot.', '');
    }
  }
  return lines.join('\n');
}

/** The Markdown of `docs/objects.md`, before formatting (pure). */
export function renderObjectDocsRaw(descriptors: readonly ObjectDescriptor[]): string {
  const header = [
    '# Object types',
    '',
    '<!-- Generated from the object descriptors (services/objects) by `npm run docs:objects`. ' +
      'Do not edit: test/unit/docs-objects.test.ts fails when this file is stale. -->',
    '',
    'Every object type Tandem syncs, as its descriptor defines it (see ADR 0006 and the ' +
      'README’s "Objects" section). The API lists the same descriptors at `GET /v1/objects`.',
    '',
    descriptors.map((d) => `- [${d.label}](#${anchor(`${d.label} ${d.name}`)})`).join('\n'),
    '',
  ];
  return [...header, ...descriptors.map((d) => objectSection(d, descriptors))].join('\n');
}

/**
 * The Markdown of `docs/objects.md`, formatted as prettier formats the repository. The committed
 * file documents the built-in objects; pass other descriptors to document an installation's.
 */
export async function renderObjectDocs(
  descriptors: readonly ObjectDescriptor[] = builtinObjects,
): Promise<string> {
  return format(renderObjectDocsRaw(descriptors), {
    parser: 'markdown',
    singleQuote: true,
    printWidth: 100,
    trailingComma: 'all',
  });
}

export const objectDocsPath = fileURLToPath(new URL('../../docs/objects.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(objectDocsPath, await renderObjectDocs());
  process.stdout.write(`wrote ${objectDocsPath}\n`);
}
