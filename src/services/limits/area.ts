/**
 * Resource limits, SSH key pairs and instance groups (issue #5). The limits service is what
 * the VM, template, volume and network areas call inside their transactions.
 */
import type { Area } from '../../area.js';
import { LimitService } from './limit.service.js';
import { LimitAdminService } from './limit-admin.service.js';
import { SshKeyService } from '../sshkeys/sshkey.service.js';
import { InstanceGroupService } from '../groups/instance-group.service.js';

export interface LimitsServices {
  /** check / increment / decrement / reserve, and counters for updateResourceCount. */
  limits: LimitService;
  /** listResourceLimits, updateResourceLimit, updateResourceCount and the account/domain limit fields. */
  limitAdmin: LimitAdminService;
  /** SSH key pairs; `getByName(accountId, name)` for the VM area. */
  sshKeys: SshKeyService;
  /** Instance groups; `assign(trx, vmId, group, accountId)` for the VM area. */
  instanceGroups: InstanceGroupService;
}

export const LIMITS_AREA: Area = {
  name: 'limits',
  async create({ db, services }) {
    const limits = new LimitService(db, services.config);
    const limitAdmin = new LimitAdminService(db, limits, services.scoper, services.events);
    const sshKeys = new SshKeyService(db, services.events, services.scoper);
    const instanceGroups = new InstanceGroupService(db, services.scoper);
    services.accounts.addCleanupHook((accountId) => sshKeys.forgetAccount(accountId));
    services.accounts.addCleanupHook((accountId) => instanceGroups.forgetAccount(accountId));
    return {
      services: { limits, limitAdmin, sshKeys, instanceGroups },
      lifecycle: {
        // Registered once every area is built, so it runs after their cleanup hooks have
        // released (and decremented) what the account owned.
        async start() {
          services.accounts.addCleanupHook((accountId) => limitAdmin.forgetAccount(accountId));
        },
        async stop() {},
      },
    };
  },
};
