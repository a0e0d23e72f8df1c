/**
 * Agent commands across a management server farm (issue #12). A host's agent is connected
 * to one server (`hosts.mgmt_server_id`); an API call may land on any. A server that has no
 * session for the host forwards the command to the owner's internal URL (its API port,
 * `POST /internal/agent-command`), signed with HMAC-SHA256 under the owner's key (kept in
 * its `management_servers` row, readable only by those who hold the database), with a
 * timestamp so a captured request cannot be replayed later. The owner runs it on its own
 * session only (never forwards again), so there are no loops.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { CloudError, type ErrorKind } from '../api/errors.js';
import type { Db } from '../db/dialect.js';
import type { ManagementServerRegistry, ServerRow } from '../services/farm/registry.service.js';
import type { AgentCommand, AnswerBody } from '../protocol/messages.js';

const PATH = '/internal/agent-command';
/** How far a forwarded request's timestamp may be from the receiver's clock. */
const SKEW_MS = 60_000;

interface Forwarded {
  from: string;
  ts: number;
  hostId: number;
  timeoutMs: number;
  cmd: AgentCommand;
}

function sign(key: string, body: string): string {
  return createHmac('sha256', key).update(body, 'utf8').digest('base64url');
}

/** Peers are re-read at most this often: the farm's membership changes rarely, commands often. */
const PEERS_MS = 2_000;

export class AgentForwarder {
  private peers: { at: number; rows: Promise<ServerRow[]> } | undefined;

  constructor(private readonly db: Db, private readonly farm: ManagementServerRegistry) {}

  private alive(): Promise<ServerRow[]> {
    const now = Date.now();
    if (!this.peers || now - this.peers.at > PEERS_MS) this.peers = { at: now, rows: this.farm.alive(now).catch(() => []) };
    return this.peers.rows;
  }

  /** Sends through the server holding the host's connection; undefined when no live peer holds it. */
  async send(hostId: number, cmd: AgentCommand, timeoutMs: number): Promise<AnswerBody | undefined> {
    const h = await this.db.kysely.selectFrom('hosts').select('mgmt_server_id').where('id', '=', hostId).executeTakeFirst();
    const owner = h?.mgmt_server_id;
    if (!owner || owner === this.farm.msid) return undefined;
    const out = await this.call<{ answer?: AnswerBody }>(owner, PATH, { hostId, timeoutMs, cmd }, timeoutMs, `${cmd.type} for host ${hostId}`);
    if (out === undefined) return undefined;
    if (out.answer) return out.answer;
    throw new CloudError('ResourceUnavailable', `Forwarding ${cmd.type} to management server ${owner} gave no answer`);
  }

  /**
   * Posts a signed request to live peer `msid`'s internal `path` and returns its JSON answer;
   * undefined when that server is not alive (or publishes no internal URL). An `error` answer
   * is thrown as the CloudError it names.
   */
  async call<T>(msid: string, path: string, payload: Record<string, unknown>, timeoutMs: number, what: string): Promise<T | undefined> {
    const peer = (await this.alive()).find((r) => r.msid === msid);
    if (!peer?.internal_url || !peer.internal_key) return undefined;
    const body = JSON.stringify({ ...payload, from: this.farm.msid, ts: Date.now() });
    let res: Response;
    try {
      res = await fetch(`${peer.internal_url}${path}`, {
        method: 'POST', body, headers: { 'content-type': 'text/plain', 'x-nimbo-signature': sign(peer.internal_key, body) },
        signal: AbortSignal.timeout(timeoutMs + 10_000),
      });
    } catch (err) {
      throw new CloudError('ResourceUnavailable', `${what}: management server ${peer.name} (${peer.service_ip}) could not be reached: ${err instanceof Error ? err.message : err}`);
    }
    const out = (await res.json().catch(() => ({}))) as T & { error?: { kind: ErrorKind; message: string } };
    if (out.error || !res.ok) throw new CloudError(out.error?.kind ?? 'ResourceUnavailable', out.error?.message ?? `${what}: management server ${peer.name} answered HTTP ${res.status}`);
    return out;
  }

  /**
   * Serves a signed internal `path` (beside the API on the same port): the body is checked
   * against this server's key and clock before `run` sees it; a thrown error is answered as
   * `{ error: { kind, message } }`.
   */
  route(http: FastifyInstance, path: string, run: (m: Record<string, unknown>) => Promise<Record<string, unknown>>): void {
    http.post(path, async (req, reply) => {
      const body = typeof req.body === 'string' ? req.body : '';
      const given = String(req.headers['x-nimbo-signature'] ?? '');
      const want = sign(this.farm.internalKey, body);
      if (given.length !== want.length || !timingSafeEqual(Buffer.from(given), Buffer.from(want))) return reply.code(401).send({ error: { kind: 'Unauthorized', message: 'bad signature' } });
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return reply.code(400).send({ error: { kind: 'ParamError', message: 'malformed body' } });
      }
      if (!(Math.abs(Date.now() - Number(m['ts'])) <= SKEW_MS)) return reply.code(400).send({ error: { kind: 'ParamError', message: 'stale or malformed request' } });
      try {
        return await run(m);
      } catch (err) {
        const kind: ErrorKind = err instanceof CloudError ? err.kind : 'Internal';
        return reply.code(200).send({ error: { kind, message: err instanceof Error ? err.message : String(err) } });
      }
    });
  }

  /** The receiving end of forwarded agent commands. */
  registerRoute(http: FastifyInstance, runLocal: (hostId: number, cmd: AgentCommand, timeoutMs: number) => Promise<AnswerBody>): void {
    this.route(http, PATH, async (raw) => {
      const m = raw as unknown as Forwarded;
      if (!Number.isInteger(m.hostId) || !m.cmd || typeof m.cmd.type !== 'string') throw new CloudError('ParamError', 'malformed agent command');
      return { answer: await runLocal(m.hostId, m.cmd, Math.min(Math.max(1000, Number(m.timeoutMs) || 120_000), 3_600_000)) };
    });
  }
}
