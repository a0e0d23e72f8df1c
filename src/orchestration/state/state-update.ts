/**
 * The optimistic-lock UPDATE of a state machine's row (`transition`, `volumeTransition`) as a
 * query template per set of changed columns: a deploy moves its VM three times and its root
 * volume twice (issue #5 bench), and building and compiling each UPDATE cost more than running it.
 */
import type { Kysely } from 'kysely';
import { QueryTemplate } from '../../db/prepared.js';
import type { Database } from '../../db/schema/index.js';

export interface StateRow {
  id: number;
  state: string;
  update_count: number;
}

/**
 * `update <table> set <changes>, state, update_count, state_changed where id and state and
 * update_count` as the row was read; true when it changed the row (false: moved concurrently).
 */
export function stateUpdate(table: 'vm_instances' | 'volumes') {
  const tpl = new QueryTemplate((k, $, cols) => {
    const set = Object.fromEntries(cols === '' ? [] : cols.split(',').map((c) => [c, $(`c.${c}`)]));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one builder for both tables
    return (k as Kysely<any>).updateTable(table)
      .set({ ...set, state: $('to'), update_count: $('next'), state_changed: $('now') })
      .where('id', '=', $('id')).where('state', '=', $('from')).where('update_count', '=', $('version'));
  });
  return async (k: Kysely<Database>, row: StateRow, to: string, changes: object, now: number): Promise<boolean> => {
    const args: Record<string, unknown> = { to, next: row.update_count + 1, now, id: row.id, from: row.state, version: row.update_count };
    const cols: string[] = [];
    for (const [c, v] of Object.entries(changes)) {
      // Kysely leaves out columns set to undefined.
      if (v === undefined) continue;
      cols.push(c);
      args[`c.${c}`] = v;
    }
    const r = await tpl.run(k, cols.join(','), args);
    return Number(r.numAffectedRows) === 1;
  };
}
