/**
 * The agents area: the agent listener (`services.agents`), hosts (`services.hosts`),
 * simulator mocks, and the demo zone on a new database. Options: `agentPort`
 * (NIMBO_AGENT_PORT, default 8250, 0 = random), `agentHost`, `demoZone` (NIMBO_DEMO), and
 * `agentTlsCert`/`agentTlsKey` (NIMBO_AGENT_TLS_CERT/KEY, PEM files) to require TLS.
 */
import type { Area } from '../area.js';
import { AgentManager } from './agent-manager.js';
import { AgentForwarder } from './forward.js';
import type { FastifyInstance } from 'fastify';
import { SimulatorMockService } from './simulator-mocks.js';
import { HostService } from '../services/hosts/host.service.js';
import { buildDemoZone, isNewCloud, startDemoAgent } from './demo-zone.js';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface AgentsServices {
  agents: AgentManager;
  hosts: HostService;
  simulatorMocks: SimulatorMockService;
}

export const AGENTS_AREA: Area = {
  name: 'agents',
  async create({ db, services, logger, options, dataDir }) {
    const port = Number(options['agentPort'] ?? process.env['NIMBO_AGENT_PORT'] ?? 8250);
    const host = options['agentHost'] ?? process.env['NIMBO_AGENT_HOST'] ?? '0.0.0.0';
    const certFile = options['agentTlsCert'] ?? process.env['NIMBO_AGENT_TLS_CERT'];
    const keyFile = options['agentTlsKey'] ?? process.env['NIMBO_AGENT_TLS_KEY'];
    if ((certFile === undefined) !== (keyFile === undefined)) throw new Error('NIMBO_AGENT_TLS_CERT and NIMBO_AGENT_TLS_KEY must be set together');
    const tls = certFile && keyFile ? { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') } : undefined;
    const mocks = new SimulatorMockService(db);
    // A single SQLite server holds every connection; in a farm commands go to the host's server.
    const forwarder = db.dialect === 'sqlite' ? undefined : new AgentForwarder(db, services.farm);
    const agents = new AgentManager(db, services.config, logger.child({ area: 'agents' }), {
      port, host, msid: services.msid, tls, mocksFor: (id) => mocks.mocksFor(id), ...(forwarder ? { forward: (id, cmd, ms) => forwarder.send(id, cmd, ms) } : {}),
    });
    mocks.attach(agents);
    const hosts = new HostService(db, services.events, agents);
    const demo = (options['demoZone'] ?? process.env['NIMBO_DEMO'] ?? 'true').toLowerCase() !== 'false';
    let demoAgent: ChildProcess | undefined;
    let stopped = false;
    return {
      services: { agents, hosts, simulatorMocks: mocks },
      ...(forwarder ? { registerRoutes: (http: FastifyInstance) => forwarder.registerRoute(http, (id, cmd, timeoutMs) => agents.sendLocal(id, cmd, { timeoutMs })) } : {}),
      lifecycle: {
        async start() {
          try {
            await agents.start();
          } catch (err) {
            logger.error({ err }, `the agent listener could not start on port ${port}; hosts cannot connect`);
            return;
          }
          if (!demo) return;
          // In the background: the API is ready without waiting for the demo zone.
          void (async () => {
            const token = (await isNewCloud(db)) ? await buildDemoZone(services, dataDir, logger) : undefined;
            if (!stopped) demoAgent = startDemoAgent(agents.port, dataDir, token, logger);
          })().catch((err) => logger.error({ err }, 'the demo zone could not be created'));
        },
        async stop() {
          stopped = true;
          demoAgent?.kill('SIGTERM');
          await agents.stop();
        },
      },
    };
  },
};
