/**
 * Who may join: a pending addHost row's one-time token, a cluster registration token (the
 * Community Edition self-registration flow) or a host uuid with its secret. Secrets and
 * tokens are high-entropy random strings, stored as sha256 and compared in constant time.
 */
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/dialect.js';
import { insertId } from '../db/dialect.js';
import type { HostInfo } from '../protocol/messages.js';

export function hashSecret(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function sameHash(a: string | null | undefined, b: string): boolean {
  if (!a || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export interface Admitted {
  hostId: number;
  hostUuid: string;
  status: string;
  /** Set when the host was new or claimed a token: the agent must store it. */
  secret?: string;
}

/** Resolves the hello's credentials to a host row, or returns the refusal reason. */
export async function admit(db: Db, hello: { token?: string | undefined; hostUuid?: string | undefined; secret?: string | undefined; info: HostInfo }): Promise<Admitted | string> {
  const k = db.kysely;
  if (typeof hello.hostUuid === 'string' && typeof hello.secret === 'string') {
    const h = await k.selectFrom('hosts').select(['id', 'uuid', 'status', 'secret_hash']).where('uuid', '=', hello.hostUuid).where('removed', 'is', null).executeTakeFirst();
    if (h && sameHash(h.secret_hash, hashSecret(hello.secret))) return { hostId: h.id, hostUuid: h.uuid, status: h.status };
    return 'unknown host or wrong secret';
  }
  if (typeof hello.token !== 'string' || hello.token.length < 8) return 'a registration token or host secret is required';
  const th = hashSecret(hello.token);
  const secret = newSecret();
  // 1. A host recorded by addHost waiting for its agent (one claim per row). Many agents
  // sharing one token connect at once; had they all gone for the first waiting row, all but
  // one would lose each round, so each tries a batch of rows in its own random order. A lost
  // claim means another agent took that row, so the loop ends when no row waits.
  for (;;) {
    const rows = await k.selectFrom('hosts').select(['id', 'uuid', 'status', 'token_hash']).where('token_hash', '=', th).where('removed', 'is', null).orderBy('id').limit(64).execute();
    const waiting = rows.filter((r) => sameHash(r.token_hash, th));
    if (!waiting.length) break;
    for (const pending of shuffled(waiting)) {
      const r = await k.updateTable('hosts').set({ token_hash: null, secret_hash: hashSecret(secret) }).where('id', '=', pending.id).where('token_hash', '=', th).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) return { hostId: pending.id, hostUuid: pending.uuid, status: pending.status, secret };
    }
  }
  // 2. A cluster registration token: a new host joins that cluster.
  const now = Date.now();
  return k.transaction().execute(async (trx) => {
    const t = await trx.selectFrom('host_registration_tokens').selectAll().where('token_hash', '=', th).executeTakeFirst();
    if (!t || !sameHash(t.token_hash, th) || (t.expires !== null && t.expires < now) || (t.uses_left !== null && t.uses_left <= 0)) return 'invalid registration token';
    if (t.uses_left !== null) {
      const u = await trx.updateTable('host_registration_tokens').set({ uses_left: sql`uses_left - 1` }).where('id', '=', t.id).where('uses_left', '>', 0).executeTakeFirst();
      if (Number(u.numUpdatedRows) !== 1) return 'registration token used up';
    }
    const uuid = randomUUID();
    const id = await insertId(trx, db.dialect, 'hosts', {
      uuid, name: hello.info.name, type: 'Routing', zone_id: t.zone_id, pod_id: t.pod_id, cluster_id: t.cluster_id, status: 'Creating',
      resource_state: 'Enabled', hypervisor_type: hello.info.hypervisorType, status_changed: now, created: now, secret_hash: hashSecret(secret),
    });
    return { hostId: id, hostUuid: uuid, status: 'Creating', secret };
  });
}

/** Creates a cluster registration token and returns it (shown once). */
export async function createRegistrationToken(db: Db, p: { zoneId: number; podId: number; clusterId: number; uses?: number | null; ttlMs?: number | null }): Promise<string> {
  const token = newSecret();
  await insertId(db.kysely, db.dialect, 'host_registration_tokens', {
    token_hash: hashSecret(token), zone_id: p.zoneId, pod_id: p.podId, cluster_id: p.clusterId, uses_left: p.uses ?? null,
    expires: p.ttlMs ? Date.now() + p.ttlMs : null, created: Date.now(),
  });
  return token;
}

function shuffled<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
