/**
 * The whole database as one Kysely type: each area declares its tables in its own file
 * and is joined here (areas are listed in build order).
 */
import type { CoreTables } from './core.js';
import type { InfraTables } from './infra.js';
import type { HostsTables } from './hosts.js';
import type { LimitsTables } from './limits.js';
import type { VmTables } from './vms.js';
import type { NetworksTables } from './networks.js';
import type { TemplatesTables } from './templates.js';
import type { SnapshotsTables } from './snapshots.js';
import type { SecurityGroupsTables } from './security-groups.js';
import type { HaTables } from './ha.js';
import type { StatsTables } from './stats.js';
import type { RoutersTables } from './routers.js';
import type { UsageTables } from './usage.js';
import type { ConsoleTables } from './console.js';
import type { VpnTables } from './vpn.js';

export type Database = CoreTables & InfraTables & HostsTables & LimitsTables & VmTables & NetworksTables & TemplatesTables & SecurityGroupsTables & SnapshotsTables & HaTables & StatsTables & RoutersTables & UsageTables & ConsoleTables & VpnTables;
