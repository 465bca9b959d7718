/**
 * Writes the golden bytes of fixtures that have none yet: `npx tsx schemas/write-golden.ts`.
 * Existing `.hex` files are never touched — golden bytes, once written, are what later code must
 * keep producing.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { fixturePaths, readFixture } from '../services/engine/events/fixtures.ts';
import { readSchemaVersions, schemaNames } from '../services/engine/events/schema-files.ts';

for (const name of schemaNames()) {
  for (const schema of readSchemaVersions(name)) {
    const paths = fixturePaths(name, schema.version);
    if (existsSync(paths.hex)) continue;
    const { value } = readFixture(name, schema.version);
    writeFileSync(paths.hex, `${schema.type.toBuffer(value).toString('hex')}\n`);
    process.stdout.write(`wrote ${name}/fixtures/v${schema.version}.hex\n`);
  }
}
