/**
 * Administrator alerts: a condition (its key) has one live row; raising it again within
 * `alert.wait` seconds is a no-op, later it is counted and e-mailed again. The row is written
 * before any e-mail is attempted and e-mail runs in the background, so a slow or dead SMTP
 * server never blocks the caller nor loses the alert (its `email_state` says what happened).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import { paramError } from '../../api/errors.js';
import type { ConfigService } from '../config/config.service.js';
import type { Page } from '../paging.js';
import { alertTypeName, alertTypeOf } from './alert-types.js';
import type { Mailer } from './mailer.js';

export interface AlertInput {
  type: number;
  /** Identifies the condition (e.g. `host:12`); the type is prefixed. */
  key: string;
  subject: string;
  body?: string | undefined;
  zoneId?: number | null | undefined;
  podId?: number | null | undefined;
  clusterId?: number | null | undefined;
}

export interface AlertRow {
  id: number; uuid: string; type: number; name: string; subject: string; body: string | null; zone_id: number | null; pod_id: number | null;
  cluster_id: number | null; sent_count: number; last_sent: number; email_state: string; archived: number; created: number;
}

export interface AlertSelection { ids?: number[] | undefined; type?: string | undefined; startdate?: Date | undefined; enddate?: Date | undefined }

export class AlertService {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly db: Db, private readonly config: ConfigService, private readonly mailer: Mailer, private readonly log: Logger) {}

  /** Records (or repeats) an alert; returns the row id, or undefined when suppressed by `alert.wait`. */
  async raise(a: AlertInput): Promise<number | undefined> {
    const k = this.db.kysely;
    const key = `${a.type}:${a.key}`.slice(0, 255);
    const now = Date.now();
    const waitMs = Math.max(0, (await this.config.getNumber('alert.wait')) || 0) * 1000;
    const mail = await this.mailer.enabled();
    const subject = a.subject.slice(0, 999);
    const body = a.body?.slice(0, 4096) ?? null;
    const id = await k.transaction().execute(async (trx) => {
      const old = await trx.selectFrom('alerts').select(['id', 'last_sent']).where('condition_key', '=', key).where('archived', '=', 0)
        .orderBy('id', 'desc').executeTakeFirst();
      if (old && now - Number(old.last_sent) < waitMs) return undefined;
      const email_state = mail ? 'pending' : 'none';
      if (old) {
        await trx.updateTable('alerts').set((eb) => ({ subject, body, last_sent: now, email_state, sent_count: eb('sent_count', '+', 1) })).where('id', '=', old.id).execute();
        return old.id;
      }
      return insertId(trx, this.db.dialect, 'alerts', {
        uuid: randomUUID(), type: a.type, name: alertTypeName(a.type), condition_key: key, subject, body, zone_id: a.zoneId ?? null,
        pod_id: a.podId ?? null, cluster_id: a.clusterId ?? null, sent_count: 1, last_sent: now, email_state, archived: 0, created: now,
      });
    });
    if (id === undefined) return undefined;
    this.log.warn({ alertType: alertTypeName(a.type), subject }, 'alert raised');
    if (mail) this.deliver(id, subject, body ?? subject);
    return id;
  }

  private deliver(id: number, subject: string, text: string): void {
    const p = this.mailer.send(subject, text).then(
      () => this.setEmailState(id, 'sent'),
      (err: Error) => {
        this.log.warn({ alertId: id, error: err.message }, 'alert e-mail could not be sent; the alert is kept');
        return this.setEmailState(id, 'failed');
      },
    ).catch((err) => this.log.warn({ err }, 'recording an alert e-mail outcome failed'));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async setEmailState(id: number, state: string): Promise<void> {
    await this.db.kysely.updateTable('alerts').set({ email_state: state }).where('id', '=', id).execute();
  }

  /** Resolves when the e-mails started so far have been sent or have failed (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private base() {
    return this.db.kysely.selectFrom('alerts').select(['id', 'uuid', 'type', 'name', 'subject', 'body', 'zone_id', 'pod_id', 'cluster_id', 'sent_count', 'last_sent', 'email_state', 'archived', 'created']);
  }

  async list(f: { id?: number | undefined; type?: string | undefined; name?: string | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: AlertRow[]; count: number }> {
    let q = this.base().where('archived', '=', 0);
    if (f.id !== undefined) q = q.where('id', '=', f.id);
    if (f.type !== undefined) {
      const t = alertTypeOf(f.type);
      if (t === undefined) throw paramError(`Unknown alert type ${f.type}`);
      q = q.where('type', '=', t);
    }
    if (f.name !== undefined) q = q.where('name', '=', f.name);
    if (f.keyword) q = q.where('subject', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('last_sent', 'desc').orderBy('id', 'desc')) as Promise<{ rows: AlertRow[]; count: number }>;
  }

  /** Archives (hides from listAlerts; a repeat then starts a new row) or deletes alerts. */
  async archiveOrDelete(sel: AlertSelection, mode: 'archive' | 'delete'): Promise<number> {
    if (!sel.ids?.length && !sel.type && !sel.enddate) throw paramError('Either ids, type or enddate must be specified');
    if (sel.startdate && sel.enddate && sel.startdate > sel.enddate) throw paramError('Invalid date range: start date must be before end date');
    let q = this.db.kysely.selectFrom('alerts').select('id').where('archived', '=', 0);
    if (sel.ids?.length) q = q.where('id', 'in', sel.ids);
    if (sel.type) {
      const t = alertTypeOf(sel.type);
      if (t === undefined) throw paramError(`Unknown alert type ${sel.type}`);
      q = q.where('type', '=', t);
    }
    if (sel.startdate) q = q.where('created', '>=', sel.startdate.getTime());
    if (sel.enddate) q = q.where('created', '<=', endOfDay(sel.enddate));
    const ids = (await q.execute()).map((r) => r.id);
    if (sel.ids?.length && ids.length !== new Set(sel.ids).size) throw paramError('Unable to find some of the alerts (or they are archived)');
    if (!ids.length) return 0;
    if (mode === 'archive') await this.db.kysely.updateTable('alerts').set({ archived: 1 }).where('id', 'in', ids).execute();
    else await this.db.kysely.deleteFrom('alerts').where('id', 'in', ids).execute();
    return ids.length;
  }
}

/** A date given without time ("yyyy-MM-dd") includes its whole day, as CloudStack's range does. */
function endOfDay(d: Date): number {
  const t = d.getTime();
  return d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0 ? t + 86_400_000 - 1 : t;
}
