/**
 * Heartbeat bookkeeping: pings only touch memory; a flusher writes `last_ping` for the
 * hosts seen since the last flush in batches, and a checker applies PingTimeout to hosts
 * silent for `ping.interval × ping.timeout` seconds (Up → Disconnected → Alert).
 */
import type { Logger } from 'pino';
import type { Db } from '../db/dialect.js';
import type { ConfigService } from '../services/config/config.service.js';
import { hostTransition } from '../orchestration/state/host-state.js';

export class HealthChecker {
  private dirty = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly db: Db, private readonly config: ConfigService, private readonly log: Logger,
    private readonly link: { connected: Map<number, { lastSeen: number }>; drop(hostId: number): void },
  ) {}

  seen(hostId: number): void {
    this.dirty.add(hostId);
  }

  /** Seconds of silence after which a host is considered lost. */
  async windowMs(): Promise<number> {
    const interval = (await this.config.getNumber('ping.interval')) || 60;
    const factor = (await this.config.getNumber('ping.timeout')) || 2.5;
    return Math.max(100, interval * factor * 1000);
  }

  private stopped = false;

  /** Ticks every quarter window (0.1–5 s), re-read each time so setting changes apply. */
  async start(): Promise<void> {
    const next = async () => {
      if (this.stopped) return;
      await this.tick();
      const every = Math.max(100, Math.min(5000, Math.floor((await this.windowMs().catch(() => 20_000)) / 4)));
      if (!this.stopped) (this.timer = setTimeout(() => void next(), every)).unref();
    };
    (this.timer = setTimeout(() => void next(), 100)).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.flush().catch(() => undefined);
  }

  async disconnected(hostId: number): Promise<void> {
    if (this.link.connected.has(hostId)) return;
    const h = await this.db.kysely.selectFrom('hosts').select(['id', 'status']).where('id', '=', hostId).executeTakeFirst();
    if (h) await hostTransition(this.db.kysely, h, 'AgentDisconnected');
  }

  async flush(): Promise<void> {
    if (!this.dirty.size) return;
    const ids = [...this.dirty];
    this.dirty = new Set();
    const now = Date.now();
    for (let i = 0; i < ids.length; i += 500) {
      await this.db.kysely.updateTable('hosts').set({ last_ping: now }).where('id', 'in', ids.slice(i, i + 500)).execute();
    }
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.flush();
      const w = await this.windowMs();
      const now = Date.now();
      // Connected but silent: drop the connection; its close handler marks it Disconnected.
      for (const [id, s] of this.link.connected) if (now - s.lastSeen > w) this.link.drop(id);
      const cutoff = now - w;
      const k = this.db.kysely;
      const silent = await k.selectFrom('hosts').select(['id', 'status']).where('type', '=', 'Routing').where('removed', 'is', null)
        .where('status', 'in', ['Up', 'Connecting']).where('last_ping', '<', cutoff).limit(1000).execute();
      const lost = await k.selectFrom('hosts').select(['id', 'status']).where('type', '=', 'Routing').where('removed', 'is', null)
        .where('status', '=', 'Disconnected').where('disconnected', '<', cutoff).limit(1000).execute();
      for (const h of [...silent, ...lost]) {
        if (this.link.connected.has(h.id)) continue;
        const to = await hostTransition(k, h, 'PingTimeout');
        if (to) this.log.warn({ hostId: h.id, from: h.status, to }, 'host stopped answering');
      }
    } catch (err) {
      this.log.warn({ err }, 'host health check failed');
    } finally {
      this.running = false;
    }
  }
}
