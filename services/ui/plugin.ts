import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/**
 * The health web UI: plain HTML, CSS and JavaScript modules from `public/`, no build step and
 * nothing fetched from elsewhere. `/` is the page; `/ui/*` its assets. The page talks to the
 * `/v1` API of the same origin with the bearer token the user gives it.
 */
const publicDir = fileURLToPath(new URL('./public/', import.meta.url));

/** Only this origin, only our own files: scripts, styles, images and API calls. */
const pageHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

const uiPlugin: FastifyPluginAsync = async (app) => {
  const page = await readFile(join(publicDir, 'index.html'), 'utf8');

  await app.register(fastifyStatic, {
    root: publicDir,
    prefix: '/ui/',
    index: false,
    list: false,
    dotfiles: 'deny',
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply) => {
      reply.header('cache-control', 'no-cache');
      reply.header('x-content-type-options', 'nosniff');
    },
  });

  app.get('/', { schema: { hide: true } }, (_req, reply) =>
    reply.headers(pageHeaders).type('text/html; charset=utf-8').send(page),
  );
  for (const url of ['/ui', '/ui/']) {
    app.get(url, { schema: { hide: true } }, (_req, reply) => reply.redirect('/'));
  }
};

export default uiPlugin;
