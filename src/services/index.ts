/**
 * Every service, as the composition root (`src/app.ts`) wires them. Commands receive this
 * object in their context; services take only the dependencies they use.
 */
import type { ConfigService } from './config/config.service.js';
import type { EventService } from './events/event.service.js';
import type { Scoper } from './identity/scope.js';
import type { DomainService } from './identity/domain.service.js';
import type { AccountService } from './identity/account.service.js';
import type { UserService } from './identity/user.service.js';
import type { AuthService } from './identity/auth.service.js';
import type { RoleService } from './identity/role.service.js';
import type { JobService } from './jobs/job.service.js';
import type { EventQueryService } from './events/event-query.service.js';
import type { ManagementServerRegistry } from './farm/registry.service.js';
import type { SchedulerLeases } from './farm/leases.js';
import type { VpnServices } from './vpn/area.js';
import type { InfraServices } from './infra/area.js';
import type { AgentsServices } from '../agents/area.js';
import type { OfferingsServices } from './offerings/area.js';
import type { TemplatesServices } from './templates/area.js';
import type { LimitsServices } from './limits/area.js';
import type { NetworksServices } from './networks/area.js';
import type { VmsServices } from './vms/area.js';
import type { VolumesServices } from './volumes/area.js';
import type { SecurityGroupsServices } from './securitygroups/area.js';
import type { SnapshotsServices } from './snapshots/area.js';
import type { HaServices } from './ha/area.js';
import type { RoutersServices } from './routers/area.js';
import type { UsageServices } from './usage/area.js';
import type { MonitoringServices } from './monitoring/area.js';
import type { ConsoleServices } from './console/area.js';

export interface CoreServices {
  config: ConfigService;
  events: EventService;
  eventQueries: EventQueryService;
  scoper: Scoper;
  domains: DomainService;
  accounts: AccountService;
  users: UserService;
  auth: AuthService;
  roles: RoleService;
  jobs: JobService;
  /** Id of this management server process. */
  msid: string;
  /** The servers sharing this database (heartbeats, listManagementServers). */
  farm: ManagementServerRegistry;
  /** Farm-wide schedulers run where `leases.holds(name)`. */
  leases: SchedulerLeases;
}

/** Later areas extend this with their own services (infra, offerings, vms, …). */
export type Services = CoreServices & InfraServices & AgentsServices & LimitsServices & OfferingsServices & TemplatesServices & NetworksServices & SecurityGroupsServices & VmsServices & VolumesServices & SnapshotsServices & HaServices & MonitoringServices & RoutersServices & UsageServices & ConsoleServices & VpnServices;
