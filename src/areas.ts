/**
 * Feature areas in build order (ARCHITECTURE.md): each adds services and background work.
 * The core (identity, jobs, events, settings) is wired directly in app.ts before these.
 */
import type { Area } from './area.js';
import { INFRA_AREA } from './services/infra/area.js';
import { AGENTS_AREA } from './agents/area.js';
import { OFFERINGS_AREA } from './services/offerings/area.js';
import { TEMPLATES_AREA } from './services/templates/area.js';
import { LIMITS_AREA } from './services/limits/area.js';
import { NETWORKS_AREA } from './services/networks/area.js';
import { SECURITY_GROUPS_AREA } from './services/securitygroups/area.js';
import { VMS_AREA } from './services/vms/area.js';
import { ROUTERS_AREA } from './services/routers/area.js';
import { VOLUMES_AREA } from './services/volumes/area.js';
import { SNAPSHOTS_AREA } from './services/snapshots/area.js';
import { HA_AREA } from './services/ha/area.js';
import { USAGE_AREA } from './services/usage/area.js';
import { VPN_AREA } from './services/vpn/area.js';
import { MONITORING_AREA } from './services/monitoring/area.js';
import { CONSOLE_AREA } from './services/console/area.js';

export const AREAS: Area[] = [INFRA_AREA, AGENTS_AREA, OFFERINGS_AREA, LIMITS_AREA, TEMPLATES_AREA, NETWORKS_AREA, SECURITY_GROUPS_AREA, VMS_AREA, ROUTERS_AREA, VPN_AREA, VOLUMES_AREA, SNAPSHOTS_AREA, HA_AREA, MONITORING_AREA, USAGE_AREA, CONSOLE_AREA];
