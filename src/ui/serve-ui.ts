/**
 * Serves the web UI's built bundle (dist/ui, made by Vite from ui/) at /client/. The UI is a
 * client of the public API only; this module just hands out static files. Hashed assets are
 * cached for good, index.html never, and deep links (/client/r/hosts) get index.html so the
 * browser-side router can take over. Without a built bundle the server is API-only.
 *
 * The file server (@fastify/send: ranges, ETags, path safety) is loaded on the first UI
 * request, not at start, so a server nobody browses keeps its idle memory.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

export const UI_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));

type Send = typeof import('@fastify/send').default;

export function registerUi(http: FastifyInstance, dir = UI_DIR): boolean {
  if (!existsSync(`${dir}index.html`)) return false;
  let send: Send | undefined;
  const options = { root: dir, index: false as const, dotfiles: 'deny' as const, cacheControl: false };
  http.get('/client/*', async (req, reply) => {
    send ??= (await import('@fastify/send')).default;
    const rel = (req.params as Record<string, string>)['*'] ?? '';
    const asset = rel.startsWith('assets/');
    let r = await send(req.raw, `/${rel}`, options);
    // Anything that is not a file of the bundle is a page of the single-page app.
    if (r.type !== 'file' && !asset) r = await send(req.raw, '/index.html', options);
    reply.code(r.statusCode).headers(r.headers);
    if (r.type === 'file') reply.header('cache-control', asset ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.send(r.stream);
  });
  http.get('/', (_req, reply) => reply.redirect('/client/'));
  http.get('/client', (_req, reply) => reply.redirect('/client/'));
  return true;
}
