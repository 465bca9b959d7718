import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import uiPlugin from '../../services/ui/plugin.ts';

describe('health UI plugin', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    await app.register(uiPlugin);
    await app.ready();
  });
  afterAll(() => app.close());

  it('serves the page at / with a policy that allows only this origin', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<script type="module" src="/ui/js/app.js">');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("connect-src 'self'");
  });

  it('serves the scripts and styles under /ui/ with their content types', async () => {
    const script = await app.inject('/ui/js/app.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    const styles = await app.inject('/ui/styles.css');
    expect(styles.statusCode).toBe(200);
    expect(styles.headers['content-type']).toMatch(/^text\/css/);
  });

  it('loads nothing from another origin', async () => {
    const page = await app.inject('/');
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    const styles = await app.inject('/ui/styles.css');
    expect(styles.body).not.toMatch(/url\(|@import/);
  });

  it('answers 404 for unknown assets and for paths that leave the UI folder', async () => {
    expect((await app.inject('/ui/nope.js')).statusCode).toBe(404);
    expect((await app.inject('/ui/../plugin.ts')).statusCode).toBe(404);
    expect((await app.inject('/ui/%2e%2e/plugin.ts')).statusCode).toBe(404);
  });

  it('redirects /ui and /ui/ to the page', async () => {
    for (const url of ['/ui', '/ui/']) {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/');
    }
  });
});
