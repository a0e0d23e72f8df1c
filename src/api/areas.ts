/** Commands grouped by area, in build order; COMMANDS is their concatenation. */
import type { AnyCommand } from './define-command.js';
import { CORE_COMMANDS } from './commands/core/index.js';
import { INFRA_COMMANDS } from './commands/infra/index.js';
import { HOST_COMMANDS } from './commands/hosts/index.js';
import { LIMITS_COMMANDS } from './commands/limits/index.js';
import { SSHKEYS_COMMANDS } from './commands/sshkeys/index.js';
import { TEMPLATES_COMMANDS } from './commands/templates/index.js';
import { OFFERINGS_COMMANDS } from './commands/offerings/index.js';
import { GROUPS_COMMANDS } from './commands/groups/index.js';
import { NETWORKS_COMMANDS } from './commands/networks/index.js';
import { SECURITY_GROUPS_COMMANDS } from './commands/securitygroups/index.js';
import { VMS_COMMANDS } from './commands/vms/index.js';
import { ROUTERS_COMMANDS } from './commands/routers/index.js';
import { VOLUMES_COMMANDS } from './commands/volumes/index.js';
import { SNAPSHOTS_COMMANDS } from './commands/snapshots/index.js';
import { ALERTS_COMMANDS } from './commands/alerts/index.js';
import { USAGE_COMMANDS } from './commands/usage/index.js';
import { QUOTA_COMMANDS } from './commands/quota/index.js';
import { METRICS_COMMANDS } from './commands/metrics/index.js';
import { CONSOLE_COMMANDS } from './commands/console/index.js';
import { SYSTEM_VM_COMMANDS } from './commands/systemvms/index.js';
import { VPN_COMMANDS } from './commands/vpn/index.js';

export const COMMAND_AREAS: Array<[area: string, commands: AnyCommand[]]> = [['core', CORE_COMMANDS], ['infra', INFRA_COMMANDS], ['hosts', HOST_COMMANDS], ['offerings', OFFERINGS_COMMANDS], ['templates', TEMPLATES_COMMANDS], ['limits', LIMITS_COMMANDS], ['sshkeys', SSHKEYS_COMMANDS], ['groups', GROUPS_COMMANDS], ['networks', NETWORKS_COMMANDS], ['securitygroups', SECURITY_GROUPS_COMMANDS], ['vms', VMS_COMMANDS], ['routers', ROUTERS_COMMANDS], ['vpn', VPN_COMMANDS], ['volumes', VOLUMES_COMMANDS], ['snapshots', SNAPSHOTS_COMMANDS], ['alerts', ALERTS_COMMANDS], ['metrics', METRICS_COMMANDS], ['usage', USAGE_COMMANDS], ['quota', QUOTA_COMMANDS], ['console', CONSOLE_COMMANDS], ['systemvms', SYSTEM_VM_COMMANDS]];
