/**
 * Virtual routers (issue #7): the router service (lifecycle, created on demand before a guest
 * of its network starts), and the pusher that keeps each running router's declarative
 * document current on its host (after every network change, after a router starts or
 * reboots, and whenever a host's agent (re)connects — which is also how every router is
 * re-pushed after a management-server restart).
 */
import type { Area } from '../../area.js';
import { SYSTEM_CALLER } from '../vms/area.js';
import { routerNics } from './router-rows.js';
import { RouterPusher } from './router-pusher.js';
import { ROUTER_TYPE, RouterService } from './router.service.js';

export interface RoutersServices {
  /** list/start/stop/reboot/destroy; ensureFor(networkIds) before guests start. */
  routers: RouterService;
  /** changed(networkId) / pushAll({hostId, force}). */
  routerPusher: RouterPusher;
}

export const ROUTERS_AREA: Area = {
  name: 'routers',
  async create({ db, services, logger }) {
    const log = logger.child({ area: 'routers' });
    const routers = new RouterService(db, services);
    const routerPusher = new RouterPusher(db.kysely, services, log);
    routers.afterStart = async (vmId) => {
      const r = await routers.get(vmId);
      if (r) await routerPusher.pushNetwork(r.network_id, true);
    };
    services.vms.starter.systemKinds.set(ROUTER_TYPE, {
      eventPrefix: 'ROUTER', resourceType: 'DomainRouter',
      nics: async (vmId) => routerNics((await routers.getOrFail(vmId))),
    });
    services.vms.starter.networkPreparers.push((ids) => routers.ensureFor(ids));
    // Not awaited: an API call's latency does not include the agent round trip; bursts coalesce.
    services.networkNotifier.subscribe((networkId) => void routerPusher.changed(networkId));
    services.networks.routerHooks = {
      destroy: (networkId) => routers.destroyOfNetwork(SYSTEM_CALLER, networkId).then(() => undefined),
      ensure: (networkId) => routers.ensureFor([networkId]),
    };
    services.accounts.addCleanupHook(async (accountId) => {
      const rows = await db.kysely.selectFrom('domain_routers as r').innerJoin('vm_instances as v', 'v.id', 'r.vm_id').select('r.vm_id')
        .where('v.account_id', '=', accountId).where('r.removed', 'is', null).execute();
      for (const r of rows) await routers.destroy(SYSTEM_CALLER, r.vm_id);
    });
    return {
      services: { routers, routerPusher },
      lifecycle: {
        async start() {
          services.agents.onHostConnected((hostId) => void routerPusher.pushAll({ hostId, force: true }).catch((err) => log.warn({ err, hostId }, 're-pushing router documents failed')));
        },
        async stop() {},
      },
    };
  },
};
