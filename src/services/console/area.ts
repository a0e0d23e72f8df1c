/**
 * VM consoles (issues #8 and #11): createConsoleEndpoint tokens (`services.consoles`) and the
 * console proxy on the API's HTTP port. The proxy lives inside each management server (no
 * console-proxy system VM, so no listSystemVms records): any server of a farm accepts a token
 * (tokens are rows in the database), and the bytes reach the VM's host through that host's
 * agent connection, which today must be to the server the viewer reached.
 */
import type { Area } from '../../area.js';
import { ConsoleProxy } from '../../agents/console-proxy.js';
import { ConsoleService } from './console.service.js';

export interface ConsoleServices {
  consoles: ConsoleService;
}

export const CONSOLE_AREA: Area = {
  name: 'console',
  async create({ db, services, logger }) {
    const consoles = new ConsoleService(db, services.vms, services.config);
    const proxy = new ConsoleProxy(services.agents, consoles, services.config, logger.child({ area: 'console' }), services.msid);
    return {
      services: { consoles },
      registerRoutes: (http) => proxy.attach(http.server),
      lifecycle: {
        // Sessions a crashed run of this server left open are over: their sockets died with it.
        start: () => consoles.releaseAll(services.msid),
        async stop() {
          proxy.stop();
          await consoles.releaseAll(services.msid).catch(() => undefined);
        },
      },
    };
  },
};
