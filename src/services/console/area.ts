/**
 * VM consoles (issues #8, #11, #12): createConsoleEndpoint tokens (`services.consoles`), the
 * console proxy on the API's HTTP port, and its records (`services.consoleProxies`): this
 * server's proxy is registered once per zone as a `v-<id>-VM` system VM with the URL browsers
 * use (`NIMBO_CONSOLE_PUBLIC_URL`, default `http://<server address>:<API port>`) and reports its
 * load every `consoleproxy.loadscan.interval` ms. In a farm, a proxy stopped through another
 * server has its sessions closed here through the signed `/internal/console-proxy-close`.
 */
import type { FastifyInstance } from 'fastify';
import type { Area } from '../../area.js';
import { ConsoleProxy } from '../../agents/console-proxy.js';
import { AgentForwarder } from '../../agents/forward.js';
import { ConsoleService } from './console.service.js';
import { ConsoleProxyService, type ProxyEndpoints } from './proxy.service.js';

export interface ConsoleServices {
  consoles: ConsoleService;
  consoleProxies: ConsoleProxyService;
}

const CLOSE_PATH = '/internal/console-proxy-close';

const hostPart = (address: string) => (address.includes(':') ? `[${address}]` : address);

export const CONSOLE_AREA: Area = {
  name: 'console',
  async create({ db, services, logger, options }) {
    const log = logger.child({ area: 'console' });
    const proxies = new ConsoleProxyService(db, services.config, services.farm);
    const consoles = new ConsoleService(db, services.vms, services.config, proxies);
    const proxy = new ConsoleProxy(services.agents, consoles, services.config, log, services.msid, (id) => proxies.reportLoad(id));
    const forwarder = db.dialect === 'sqlite' ? undefined : new AgentForwarder(db, services.farm);
    proxies.closer = async (p) => {
      if (p.msid === services.msid) return void proxy.closeProxy(p.id);
      // A dead server's sessions died with it; a live one closes its sockets when asked.
      await forwarder?.call(p.msid, CLOSE_PATH, { proxyId: p.id }, 10_000, `Closing the sessions of console proxy ${p.name}`);
    };
    let http: FastifyInstance | undefined;
    let timer: NodeJS.Timeout | undefined;
    let ends: ProxyEndpoints | undefined;
    const scan = async () => {
      if (ends) await proxies.ensure(ends);
      await proxies.reportLoad();
    };
    return {
      services: { consoles, consoleProxies: proxies },
      registerRoutes(h) {
        http = h;
        proxy.attach(h.server);
        forwarder?.route(h, CLOSE_PATH, async (m) => ({ closed: proxy.closeProxy(Number(m['proxyId'])) }));
      },
      lifecycle: {
        async start() {
          // Sessions a crashed run of this server left open are over: their sockets died with it.
          await consoles.releaseAll(services.msid);
          const addr = http?.server.address();
          const apiPort = typeof addr === 'object' && addr ? addr.port : 8080;
          const address = hostPart(services.farm.o.address);
          const configured = options['consolePublicUrl'] ?? process.env['NIMBO_CONSOLE_PUBLIC_URL'];
          ends = {
            publicUrl: (configured?.trim() || `http://${address}:${apiPort}`).replace(/\/+$/, ''),
            agentUrl: `${services.agents.tls ? 'wss' : 'ws'}://${address}:${services.agents.port}`,
          };
          await scan();
          // Read at each scan, so a changed interval applies from the next one.
          const every = async () => Math.max(100, (await services.config.getNumber('consoleproxy.loadscan.interval').catch(() => 0)) || 10_000);
          const tick = () => {
            void scan().catch((err) => log.warn({ err }, 'console proxy load scan failed')).then(every).then((ms) => {
              if (timer) (timer = setTimeout(tick, ms)).unref();
            });
          };
          (timer = setTimeout(tick, await every())).unref();
        },
        async stop() {
          const t = timer;
          timer = undefined;
          if (t) clearTimeout(t);
          proxy.stop();
          await consoles.releaseAll(services.msid).catch(() => undefined);
          await proxies.reportLoad().catch(() => undefined);
        },
      },
    };
  },
};
