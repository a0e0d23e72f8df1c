/**
 * The simulator's live migration, over a real loopback TCP connection as QEMU's is: the
 * destination listens for the guest (PrepareMigration), the source sends its state (the spec,
 * one JSON line) and lets go of its copy only once the destination answered that the guest
 * runs there. A target nobody listens on any more fails the source's send, and the VM stays
 * where it was, as with a real hypervisor; an aborted arrival ends the destination's wait.
 */
import { createConnection, createServer, type Server } from 'node:net';
import type { MigrationTarget } from '../driver.js';
import type { MigratingVm } from '../../protocol/messages.js';

const SEND_TIMEOUT_MS = 30_000;

interface Arrival {
  server: Server;
  /** Settles when the guest landed here (resolves) or the arrival was aborted (rejects). */
  landed: Promise<void>;
  abort(): void;
}

/** The copies waiting on one simulated host for their memory, by instance name. */
export class SimArrivals {
  private readonly waiting = new Map<string, Arrival>();

  constructor(private readonly address = '127.0.0.1') {}

  has(instanceName: string): boolean {
    return this.waiting.has(instanceName);
  }

  /** Listens for the guest on a loopback port; `land` makes it run here when its state comes. */
  async listen(vm: MigratingVm, land: (vm: MigratingVm) => void): Promise<MigrationTarget> {
    let done!: () => void;
    let fail!: (e: Error) => void;
    const landed = new Promise<void>((resolve, reject) => ((done = resolve), (fail = reject)));
    landed.catch(() => undefined); // an arrival nobody waits for may still be aborted
    const server = createServer((sock) => {
      let buf = '';
      sock.setEncoding('utf8');
      sock.on('error', () => sock.destroy());
      sock.on('data', (d: string) => {
        buf += d;
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        let sent: MigratingVm;
        try {
          sent = JSON.parse(buf.slice(0, nl)) as MigratingVm;
        } catch {
          sock.destroy();
          return;
        }
        if (sent.instanceName !== vm.instanceName) return void sock.destroy();
        land({ ...vm, ...sent });
        server.close();
        sock.end('ok\n');
        done();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.address, () => resolve());
    });
    this.waiting.set(vm.instanceName, {
      server, landed,
      abort: () => {
        server.close();
        fail(new Error(`The migration of VM ${vm.instanceName} to this host was aborted`));
      },
    });
    return { host: this.address, port: (server.address() as { port: number }).port };
  }

  /** Waits for the guest prepared by `listen`; the arrival is forgotten either way. */
  async arrived(instanceName: string): Promise<void> {
    const a = this.waiting.get(instanceName);
    if (!a) throw new Error(`VM ${instanceName} is not arriving here`);
    try {
      await a.landed;
    } finally {
      if (this.waiting.get(instanceName) === a) this.waiting.delete(instanceName);
    }
  }

  /** Drops a copy still waiting (idempotent): its port closes and `arrived` rejects. */
  abort(instanceName: string): void {
    const a = this.waiting.get(instanceName);
    if (!a) return;
    this.waiting.delete(instanceName);
    a.abort();
  }
}

/** Sends the guest's state to `target`; resolves once the destination says it runs there. */
export function sendVm(target: MigrationTarget, vm: MigratingVm): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sock = createConnection(target.port, target.host);
    let answer = '';
    const timer = setTimeout(() => sock.destroy(new Error(`Migration of ${vm.instanceName} timed out`)), SEND_TIMEOUT_MS);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${JSON.stringify(vm)}\n`));
    sock.on('data', (d: string) => (answer += d));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`Migration of ${vm.instanceName} failed: ${e.message}`));
    });
    sock.on('close', () => {
      clearTimeout(timer);
      if (answer.startsWith('ok')) resolve();
      else reject(new Error(`Migration of ${vm.instanceName} failed: the destination did not take the guest`));
    });
  });
}
