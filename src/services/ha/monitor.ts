/**
 * The alert monitor: every few seconds hosts that stopped answering (status Alert or Down)
 * raise ALERT.COMPUTE.HOST and file:// secondary storage whose directory is unusable raises
 * ALERT.STORAGE.SECONDARY (and is marked available again when it is back), and every `capacity.check.period` ms the capacity figures of
 * listCapacity are compared with CloudStack's notification thresholds (cluster settings may
 * be overridden per cluster). Repeats are bounded by `alert.wait` in AlertService.
 */
import type { Logger } from 'pino';
import type { Db } from '../../db/dialect.js';
import type { Services } from '../index.js';
import type { CapacityItem } from '../infra/capacity.service.js';
import { ConfigService } from '../config/config.service.js';
import { ALERT } from './alert-types.js';
import { storageDirProblem } from '../../util/storage-dir.js';
import type { AlertService } from './alert.service.js';

/** Capacity type → [threshold setting, level it is checked at, alert type]. */
const THRESHOLDS: Record<number, [setting: string, level: 'cluster' | 'pod' | 'zone', alert: number, what: string]> = {
  0: ['cluster.memory.allocated.capacity.notificationthreshold', 'cluster', ALERT.MEMORY, 'allocated memory'],
  1: ['cluster.cpu.allocated.capacity.notificationthreshold', 'cluster', ALERT.CPU, 'allocated CPU'],
  2: ['cluster.storage.capacity.notificationthreshold', 'cluster', ALERT.STORAGE, 'used primary storage'],
  3: ['cluster.storage.allocated.capacity.notificationthreshold', 'cluster', ALERT.STORAGE_ALLOCATED, 'allocated primary storage'],
  4: ['zone.virtualnetwork.publicip.capacity.notificationthreshold', 'zone', ALERT.PUBLIC_IP, 'public IP addresses'],
  5: ['pod.privateip.capacity.notificationthreshold', 'pod', ALERT.PRIVATE_IP, 'private IP addresses'],
  6: ['zone.secstorage.capacity.notificationthreshold', 'zone', ALERT.SECONDARY_STORAGE, 'secondary storage'],
  7: ['zone.vlan.capacity.notificationthreshold', 'zone', ALERT.VLAN, 'VLANs'],
  8: ['zone.directnetwork.publicip.capacity.notificationthreshold', 'zone', ALERT.DIRECT_ATTACHED_PUBLIC_IP, 'direct network public IP addresses'],
  9: ['cluster.localStorage.capacity.notificationthreshold', 'cluster', ALERT.LOCAL_STORAGE, 'local storage'],
};

export class AlertMonitor {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running = false;
  private lastCapacity = 0;

  constructor(private readonly db: Db, private readonly services: Services, private readonly alerts: AlertService, private readonly log: Logger) {}

  start(): void {
    const next = () => {
      if (this.stopped) return;
      (this.timer = setTimeout(() => void this.tick().finally(next), 2000)).unref();
    };
    next();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.alerts.settled();
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      // One server of a farm raises alerts (the lease's holder), so each is raised once.
      if (!(await this.services.leases.holds('alerts'))) return;
      await this.hosts();
      await this.secondaryStorage();
      const period = (await this.services.config.getNumber('capacity.check.period')) || 300_000;
      if (Date.now() - this.lastCapacity >= period) {
        this.lastCapacity = Date.now();
        await this.capacity();
      }
    } catch (err) {
      this.log.warn({ err }, 'alert monitor failed');
    } finally {
      this.running = false;
    }
  }

  /** Hosts the agent layer gave up on. */
  async hosts(): Promise<void> {
    const lost = await this.db.kysely.selectFrom('hosts').select(['id', 'name', 'status', 'private_ip', 'zone_id', 'pod_id', 'cluster_id'])
      .where('type', '=', 'Routing').where('removed', 'is', null).where('status', 'in', ['Alert', 'Down']).execute();
    for (const h of lost) {
      await this.alerts.raise({
        type: ALERT.HOST, key: `host:${h.id}`, subject: `Host ${h.name} (${h.private_ip ?? 'no address'}) is ${h.status === 'Down' ? 'down' : 'not responding'}`,
        body: `The agent of host ${h.name} has not answered within ping.interval × ping.timeout; the host is ${h.status}.`,
        zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id,
      });
    }
  }

  /** Secondary storage outages: a store whose directory is gone or unwritable (operations on it fail meanwhile). */
  async secondaryStorage(): Promise<void> {
    const k = this.db.kysely;
    const stores = await k.selectFrom('image_stores').select(['id', 'name', 'path', 'zone_id', 'outage_since']).where('removed', 'is', null).where('path', 'is not', null).execute();
    for (const st of stores) {
      const problem = await storageDirProblem(st.path!);
      if (problem === null) {
        if (st.outage_since === null) continue;
        const r = await k.updateTable('image_stores').set({ outage_since: null, outage_reason: null }).where('id', '=', st.id).where('outage_since', '=', st.outage_since).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) continue;
        await this.alerts.raise({ type: ALERT.SECONDARY_STORAGE, key: `store-back:${st.id}`, zoneId: st.zone_id, subject: `Secondary storage ${st.name} is available again`, body: `${st.path} is usable again: template, ISO and snapshot operations work again.` });
        continue;
      }
      if (st.outage_since === null) await k.updateTable('image_stores').set({ outage_since: Date.now(), outage_reason: problem.slice(0, 255) }).where('id', '=', st.id).where('outage_since', 'is', null).execute();
      await this.alerts.raise({
        type: ALERT.SECONDARY_STORAGE, key: `store:${st.id}`, zoneId: st.zone_id, subject: `Secondary storage ${st.name} is not available`,
        body: `${problem}. Running guests are not affected; template, ISO and snapshot operations in its zone fail until it is back.`,
      });
    }
  }

  /** Every zone, pod and cluster against its notification thresholds. */
  async capacity(): Promise<void> {
    const k = this.db.kysely;
    const cap = this.services.capacity;
    const items: CapacityItem[] = [];
    for (const c of await k.selectFrom('clusters').select('id').where('removed', 'is', null).execute()) items.push(...(await cap.compute({ clusterId: c.id })));
    for (const p of await k.selectFrom('pods').select('id').where('removed', 'is', null).execute()) items.push(...(await cap.compute({ podId: p.id, type: 5 })));
    items.push(...(await cap.compute({})).filter((i) => THRESHOLDS[i.type]?.[1] === 'zone'));
    const names = await cap.names();
    for (const it of items) {
      const t = THRESHOLDS[it.type];
      if (!t || it.total <= 0) continue;
      const [setting, level, alertType, what] = t;
      if (!ConfigService.definition(setting)) continue;
      const scope = level === 'cluster' && it.clusterId !== null ? { kind: 'Cluster' as const, id: it.clusterId } : undefined;
      const threshold = await this.services.config.getNumber(setting, scope);
      if (!Number.isFinite(threshold)) continue;
      const ratio = it.used / it.total;
      if (ratio < threshold) continue;
      const place = level === 'cluster' ? `cluster ${names.clusters.get(it.clusterId!)?.name ?? it.clusterId}`
        : level === 'pod' ? `pod ${names.pods.get(it.podId!)?.name ?? it.podId}` : `zone ${names.zones.get(it.zoneId)?.name ?? it.zoneId}`;
      const pct = (ratio * 100).toFixed(2);
      await this.alerts.raise({
        type: alertType, key: `capacity:${level}:${level === 'cluster' ? it.clusterId : level === 'pod' ? it.podId : it.zoneId}`,
        subject: `System Alert: Low ${what} in ${place} (${pct}% used)`,
        body: `${what[0]!.toUpperCase()}${what.slice(1)} in ${place}: ${it.used} of ${it.total} used (${pct}%), at or above the threshold ${setting} = ${threshold}.`,
        zoneId: it.zoneId, podId: it.podId, clusterId: it.clusterId,
      });
    }
  }
}
