/**
 * The throughput baseline: a bare Fastify route at `/client/api` that returns a fixed JSON
 * object (the body of a real `listAccounts` answer) with no authentication, database or
 * envelope work. Run as a child process: `node dist/bench/bare-server.js <body.json>`;
 * prints `port=<n>` once it listens.
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const bodyFile = process.argv[2];
if (!bodyFile) throw new Error('usage: bare-server.js <body.json>');
const body = JSON.parse(readFileSync(bodyFile, 'utf8')) as Record<string, unknown>;

const app = Fastify({ logger: false });
app.get('/client/api', async (_req, reply) => {
  reply.header('content-type', 'application/json; charset=UTF-8');
  return body;
});
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address();
console.log(`port=${typeof addr === 'object' && addr ? addr.port : 0}`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
