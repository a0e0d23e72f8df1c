/**
 * Security groups (issue #7, basic zones): the groups and their rules, VM membership, and the
 * pusher that sends each affected VM's rule set to its host after a change. Every new account
 * gets its `default` group in the transaction that creates it.
 */
import type { Area } from '../../area.js';
import { SecurityGroupService } from './security-group.service.js';
import { SecurityGroupPusher, type RuleSender } from './pusher.js';

export interface SecurityGroupsServices {
  /** Groups, rules, membership (forDeploy/join/leave). */
  securityGroups: SecurityGroupService;
  /** pushGroups(ids, {peers}) / pushVm(id) after a committed change. */
  securityGroupPusher: SecurityGroupPusher;
}

export const SECURITY_GROUPS_AREA: Area = {
  name: 'securitygroups',
  async create({ db, services, logger }) {
    const securityGroups = new SecurityGroupService(db, services.events, services.scoper);
    const log = logger.child({ area: 'securitygroups' });
    const securityGroupPusher = new SecurityGroupPusher(db.kysely, () => services.agents as RuleSender | undefined, log);
    services.accounts.addCreateHook((trx, a) => securityGroups.ensureDefault(a, trx).then(() => undefined));
    services.accounts.addCleanupHook(async (accountId) => {
      const others = await db.kysely.transaction().execute(async (trx) => {
        const ids = (await trx.selectFrom('security_groups').select('id').where('account_id', '=', accountId).execute()).map((g) => g.id);
        if (ids.length === 0) return [];
        // Rules of other accounts that allowed these groups go with them (and their members' sets change).
        const allowing = await trx.selectFrom('security_group_rules').select('security_group_id').where('allowed_security_group_id', 'in', ids).where('security_group_id', 'not in', ids).execute();
        await trx.deleteFrom('security_group_rules').where((eb) => eb.or([eb('security_group_id', 'in', ids), eb('allowed_security_group_id', 'in', ids)])).execute();
        await trx.deleteFrom('security_group_vm_map').where('security_group_id', 'in', ids).execute();
        await trx.deleteFrom('security_groups').where('id', 'in', ids).execute();
        return allowing.map((r) => r.security_group_id);
      });
      await securityGroupPusher.pushGroups(others);
    });
    return {
      services: { securityGroups, securityGroupPusher },
      lifecycle: {
        async start() {
          services.agents.onHostConnected((hostId) => void securityGroupPusher.pushHost(hostId).catch((err) => log.warn({ err, hostId }, 'resending security group rules failed')));
        },
        async stop() {},
      },
    };
  },
};
