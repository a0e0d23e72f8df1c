/**
 * The event log. `record` takes the transaction of the state change it describes, so an
 * action and its event commit or roll back together.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema/index.js';
import type { Db } from '../../db/dialect.js';
import { insertIdTemplate } from '../../db/prepared.js';

// Five events per deploy (issue #5 bench): a template.
const INSERT = insertIdTemplate('events', ['uuid', 'type', 'state', 'description', 'level', 'user_id', 'account_id', 'domain_id', 'created', 'start_id', 'resource_type', 'resource_uuid', 'archived']);

export type EventLevel = 'INFO' | 'WARN' | 'ERROR';
export type EventState = 'Created' | 'Scheduled' | 'Started' | 'Completed';

export interface EventInput {
  type: string;
  description: string;
  level?: EventLevel;
  state?: EventState;
  userId: number;
  /** Owner of the affected resource (defaults to the acting user's account). */
  accountId: number;
  domainId: number;
  startId?: number | null;
  resourceType?: string | null;
  resourceUuid?: string | null;
}

/**
 * Runs inside the event's transaction, after the event row is written, with the event's
 * timestamp: projections of the event log (usage intervals) stay exactly as durable as it.
 */
export type EventObserver = (e: EventInput, created: number, exec: Kysely<Database>) => Promise<void>;

export class EventService {
  private readonly observers: EventObserver[] = [];
  constructor(private readonly db: Db) {}

  observe(o: EventObserver): void {
    this.observers.push(o);
  }

  /** Writes one event inside `tx` (or the pool when none) and returns its internal id. */
  async record(e: EventInput, tx?: Kysely<Database>): Promise<number> {
    const exec = tx ?? this.db.kysely;
    const created = Date.now();
    const id = await INSERT(exec, this.db.dialect, {
      uuid: randomUUID(),
      type: e.type,
      state: e.state ?? 'Completed',
      description: e.description.slice(0, 2048),
      level: e.level ?? 'INFO',
      user_id: e.userId,
      account_id: e.accountId,
      domain_id: e.domainId,
      created,
      start_id: e.startId ?? null,
      resource_type: e.resourceType ?? null,
      resource_uuid: e.resourceUuid ?? null,
      archived: 0,
    });
    for (const o of this.observers) await o(e, created, exec);
    return id;
  }
}
