/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
import type { Migration } from './helpers.js';
import { m0001Core } from './0001-core.js';
import { m0002Infra } from './0002-infra.js';
import { m0003Hosts } from './0003-hosts.js';
import { m0004OfferingsTemplates } from './0004-offerings-templates.js';
import { m0005LimitsKeysGroups } from './0005-limits-keys-groups.js';
import { m0006Vms } from './0006-vms.js';
import { m0007Networks } from './0007-networks.js';
import { m0008Volumes } from './0008-volumes.js';
import { m0008VolumesMaintenance } from './0008-volumes-maintenance.js';
import { m0008VolumesDeviceIndex } from './0008-volumes-device-index.js';
import { m0009Snapshots } from './0009-snapshots.js';
import { m0011NicSecondaryIps } from './0011-nic-secondary-ips.js';
import { m0010Routers } from './0010-routers.js';
import { m0012SecurityGroups } from './0012-security-groups.js';
import { m0013Usage } from './0013-usage.js';
import { m0014Ha } from './0014-ha.js';
import { m0015Stats } from './0015-stats.js';
import { m0016QuotaCredits } from './0016-quota-credits.js';
import { m0016Vpn } from './0016-vpn.js';
import { m0017Farm } from './0017-farm.js';
import { m0018ConsoleSessions } from './0018-console-sessions.js';
import { m0022PerfIndexes } from './0022-perf-indexes.js';
import { m0023ConsoleProxies } from './0023-console-proxies.js';
import { m0024StorageOutages } from './0024-storage-outages.js';
import { m0025EgressAllowed } from './0025-egress-allowed.js';

export const MIGRATIONS: Migration[] = [m0001Core, m0002Infra, m0003Hosts, m0004OfferingsTemplates, m0005LimitsKeysGroups, m0006Vms, m0007Networks, m0008Volumes, m0008VolumesMaintenance, m0008VolumesDeviceIndex, m0009Snapshots, m0010Routers, m0011NicSecondaryIps, m0012SecurityGroups, m0013Usage, m0014Ha, m0015Stats, m0016QuotaCredits, m0016Vpn, m0017Farm, m0018ConsoleSessions, m0022PerfIndexes, m0023ConsoleProxies, m0024StorageOutages, m0025EgressAllowed];
