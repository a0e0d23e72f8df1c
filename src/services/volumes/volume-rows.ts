/** Volume rows: loading with access checks, and the small helpers the volume services share. */
import type { Kysely } from 'kysely';
import { paramError } from '../../api/errors.js';
import type { Db } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import type { Caller } from '../caller.js';
import type { Scoper } from '../identity/scope.js';
import type { VolumeRow } from '../vms/vm-rows.js';

export type { VolumeRow };

export const GiB = 1024 ** 3;

export async function loadVolume(k: Kysely<Database>, id: number): Promise<VolumeRow> {
  const v = await k.selectFrom('volumes').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!v) throw paramError('Unable to find volume with specified id');
  return v;
}

/** Loads the volume and checks the caller may act on it (531 otherwise). */
export async function volumeForCaller(db: Db, scoper: Scoper, caller: Caller, id: number): Promise<VolumeRow> {
  const v = await loadVolume(db.kysely, id);
  scoper.checkAccess(caller, { accountId: v.account_id, domainId: v.domain_id, domainPath: await scoper.domainPath(v.domain_id) }, 'volume');
  return v;
}

/**
 * Data disks a VM may have, per hypervisor (CloudStack's hypervisor_capabilities
 * max_data_volumes_limit; the simulator's row says 6).
 */
const MAX_DATA_VOLUMES: Record<string, number> = { Simulator: 6, KVM: 15 };
export const maxDataVolumes = (hypervisor: string | null | undefined) => MAX_DATA_VOLUMES[hypervisor ?? ''] ?? 6;
