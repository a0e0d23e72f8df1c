/**
 * Guest VMs (issue #5): the VM service, the background expunger (destroyed VMs are expunged
 * `expunge.delay` seconds later, checked every `expunge.interval`), reconciliation of the
 * agents' VM state reports, and expunging an account's VMs when the account is deleted.
 */
import type { Area } from '../../area.js';
import { SYSTEM_ACCOUNT_ID, SYSTEM_USER_ID, ROOT_DOMAIN_ID, type Caller } from '../caller.js';
import { agentsOf, toReports } from './agent-port.js';
import { VmService } from './vm.service.js';
import { VmSettler } from './vm-settle.js';

export interface VmsServices {
  /** Deploy, lifecycle and edits of guest VMs. */
  vms: VmService;
}

export const SYSTEM_CALLER: Caller = {
  userId: SYSTEM_USER_ID, userUuid: 'system', username: 'system', accountId: SYSTEM_ACCOUNT_ID, accountUuid: 'system', accountName: 'system',
  accountType: 1, roleId: 1, roleType: 'Admin', domainId: ROOT_DOMAIN_ID, domainUuid: 'root', domainPath: '/', isSystem: true,
};

export const VMS_AREA: Area = {
  name: 'vms',
  async create({ db, services, logger }) {
    const vms = new VmService(db, services);
    const log = logger.child({ area: 'vms' });
    // A VM job interrupted by a server's death leaves no VM Starting or Stopping behind.
    const settler = new VmSettler(db, services, vms.ops, SYSTEM_CALLER, (msg, err) => log.warn({ err }, msg));
    services.jobs.onInterrupted('VirtualMachine', (uuid) => settler.settle(uuid));

    services.accounts.addCleanupHook(async (accountId, caller) => {
      const rows = await db.kysely.selectFrom('vm_instances').select('id').where('account_id', '=', accountId).where('removed', 'is', null).execute();
      for (const r of rows) await vms.ops.expunge(caller, r.id);
    });

    let timer: NodeJS.Timeout | undefined;
    let running = false;
    const expungeDue = async () => {
      if (running) return;
      running = true;
      try {
        if (!(await services.leases.holds('expunge'))) return;
        const delay = (await services.config.getNumber('expunge.delay')) * 1000;
        const due = await db.kysely.selectFrom('vm_instances').select('id').where('state', '=', 'Destroyed').where('removed', 'is', null)
          .where('state_changed', '<=', Date.now() - delay).limit(100).execute();
        for (const r of due) await vms.ops.expunge(SYSTEM_CALLER, r.id).catch((e) => log.warn({ err: e, vmId: r.id }, 'expunge failed'));
      } finally {
        running = false;
      }
    };

    return {
      services: { vms },
      lifecycle: {
        async start() {
          const agents = agentsOf(services);
          if (agents?.onVmStateReport) {
            agents.onVmStateReport((...args: unknown[]) => {
              for (const r of toReports(args)) {
                vms.ops.reconcile(SYSTEM_CALLER, r).catch((e) => log.warn({ err: e, vm: r.instanceName }, 'reconciling a VM state report failed'));
              }
            });
          }
          const every = Math.max(1, await services.config.getNumber('expunge.interval')) * 1000;
          timer = setInterval(() => void expungeDue().catch((e) => log.warn({ err: e }, 'expunger failed')), Math.min(every, 2 ** 31 - 1));
          timer.unref();
        },
        async stop() {
          settler.stop();
          if (timer) clearInterval(timer);
        },
      },
    };
  },
};
