/** `nimbo agent --server host:8250 --driver simulator|qemu [--hosts N] [--token T] --data-dir D` */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { runAgent } from './agent.js';
import { tokenCli } from './token-cli.js';

export const AGENT_USAGE = `usage: nimbo agent --server host:8250[,host2:8250…] --driver simulator|qemu [--hosts N] [--token T] [--data-dir D]
  [--cpus N] [--cpu-speed MHz] [--memory MiB] [--name-prefix P] [--ca server-ca.pem] [--pool-heartbeat]
  Several servers (a farm): each host connects to one and moves to the next when it drops.
  --pool-heartbeat: simulated hosts too write heartbeats to shared pool directories and report a pool whose
    directory is gone or unwritable as unreachable (real drivers always do).
  The token may also come from NIMBO_AGENT_TOKEN (kept out of the process list).
usage: nimbo agent token --cluster <uuid> [--uses N] [--ttl-hours H]   a self-registration token`;

export async function agentCli(argv: string[]): Promise<number> {
  if (argv[0] === 'token') return tokenCli(argv.slice(1));
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' }, driver: { type: 'string', default: 'simulator' }, hosts: { type: 'string', default: '1' },
      token: { type: 'string' }, 'data-dir': { type: 'string' }, cpus: { type: 'string' }, 'cpu-speed': { type: 'string' },
      memory: { type: 'string' }, 'name-prefix': { type: 'string' }, ca: { type: 'string' }, 'pool-heartbeat': { type: 'boolean' }, help: { type: 'boolean' },
    },
  });
  const hosts = Number(values.hosts);
  if (values.help || !values.server || (values.driver !== 'simulator' && values.driver !== 'qemu') || !Number.isInteger(hosts) || hosts < 1) {
    console.error(AGENT_USAGE);
    return values.help ? 0 : 1;
  }
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const memMiB = num(values.memory);
  const agent = await runAgent({
    server: values.server, driver: values.driver, hosts, token: values.token ?? process.env['NIMBO_AGENT_TOKEN'],
    dataDir: resolve(values['data-dir'] ?? process.env['NIMBO_DATA_DIR'] ?? 'data/agent'), cpus: num(values.cpus), cpuSpeed: num(values['cpu-speed']),
    memory: memMiB === undefined ? undefined : memMiB * 1024 * 1024, namePrefix: values['name-prefix'], poolHeartbeat: values['pool-heartbeat'] === true,
    ca: (values.ca ?? process.env['NIMBO_AGENT_TLS_CA']) ? readFileSync(values.ca ?? process.env['NIMBO_AGENT_TLS_CA']!, 'utf8') : undefined, log: (m) => console.error(m),
  });
  console.log(`nimbo agent: ${hosts} ${values.driver} host(s) connecting to ${values.server}`);
  return new Promise<number>((done) => {
    const stop = () => {
      agent.stop();
      done(0);
    };
    process.once('SIGINT', stop);
    if (process.env['NIMBO_AGENT_EXIT_WITH_PARENT'] === '1') {
      process.stdin.once('end', stop);
      process.stdin.once('close', stop);
      process.stdin.resume();
    }
    process.once('SIGTERM', stop);
    void agent.refused.then((reason) => {
      console.error(`nimbo agent: refused by the server: ${reason}`);
      agent.stop();
      done(2);
    });
  });
}
