/**
 * Fastify adapter: `/client/api` on the public port and, when `integration.api.port` is set,
 * the unauthenticated integration listener bound to loopback.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ApiHandler, ApiReply, ApiRequest } from './api-handler.js';

function send(reply: FastifyReply, r: ApiReply): FastifyReply {
  reply.code(r.status).header('content-type', r.contentType).headers(r.headers);
  if (r.cookies.length) reply.header('set-cookie', r.cookies);
  return reply.send(r.body);
}

function toApiRequest(req: FastifyRequest, integration: boolean): ApiRequest {
  const q = req.raw.url ?? '';
  const i = q.indexOf('?');
  return {
    method: req.method,
    queryString: i < 0 ? '' : q.slice(i + 1),
    body: typeof req.body === 'string' ? req.body : undefined,
    cookieHeader: req.headers.cookie,
    integration,
  };
}

function formAsText(app: FastifyInstance): void {
  app.addContentTypeParser(['application/x-www-form-urlencoded', 'text/plain'], { parseAs: 'string', bodyLimit: 8 * 1024 * 1024 }, (_req, body, done) => done(null, body));
}

export function buildApiServer(api: ApiHandler, opts: { logger: boolean | object }): FastifyInstance {
  const app = Fastify({ logger: opts.logger as never, bodyLimit: 8 * 1024 * 1024, trustProxy: true });
  formAsText(app);
  const route = async (req: FastifyRequest, reply: FastifyReply) => send(reply, await api.handle(toApiRequest(req, false)));
  app.get('/client/api', route);
  app.post('/client/api', route);
  app.get('/client/api/', route);
  app.post('/client/api/', route);
  return app;
}

/** The integration port answers any path, from URL parameters only, as the SYSTEM account. */
export function buildIntegrationServer(api: ApiHandler): FastifyInstance {
  const app = Fastify({ logger: false });
  formAsText(app);
  app.all('/*', async (req, reply) => {
    const r = await api.handle({ ...toApiRequest(req, true), body: undefined });
    if (r.contentType.startsWith('text/xml')) r.contentType = 'text/xml';
    return send(reply, r);
  });
  return app;
}
