import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { assertKafkajsPatched } from '../../services/kafka/client.ts';

describe('the installed kafkajs', () => {
  it('is the version the patch is for, and carries the patch', () => {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(require.resolve('kafkajs/package.json'), 'utf8')) as {
      version: string;
    };
    const patches = readFileSync(new URL('../../patches/kafkajs+2.2.4.patch', import.meta.url));
    expect(patches.length).toBeGreaterThan(0);
    expect(pkg.version).toBe('2.2.4');
    expect(() => assertKafkajsPatched()).not.toThrow();
  });
});
