/**
 * Network namespaces for a test (root only): each lab has a random id in every name it makes,
 * so runs of other sessions on the machine never collide, and `cleanup()` kills every process
 * inside its namespaces and deletes them, also after a failed test. Only test addresses
 * (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 10.x) are used inside them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { exec, must } from '../../src/network/linux/exec.js';
import { netnsPids, terminate } from '../../src/network/linux/processes.js';

const PROBE = fileURLToPath(new URL('./netns-probe.js', import.meta.url));

/** Why namespaces cannot be used here, or null when they can. */
export async function netnsUnavailable(tools: string[] = []): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  for (const t of ['ip', ...tools]) if ((await exec('which', [t])).code !== 0) return `${t} is not installed`;
  return null;
}

export interface ProbeReply { ok: boolean; result?: any; error?: string; code?: string | null }

/** A probe process inside one namespace (test/helpers/netns-probe.ts). */
export class Probe {
  private next = 1;
  private readonly waiting = new Map<number, (r: ProbeReply) => void>();
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess) {
    let ready!: () => void;
    this.ready = new Promise((r) => (ready = r));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as ProbeReply & { id: number };
      if (m.id === 0) return ready();
      this.waiting.get(m.id)?.(m);
      this.waiting.delete(m.id);
    });
  }

  /** Sends one request; resolves with the reply (`ok: false` carries the error code). */
  ask(op: string, args: Record<string, unknown> = {}): Promise<ProbeReply> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  /** Like ask, but throws unless ok. */
  async must(op: string, args: Record<string, unknown> = {}): Promise<any> {
    const r = await this.ask(op, args);
    if (!r.ok) throw new Error(`${op} ${JSON.stringify(args)}: ${r.error} (${r.code})`);
    return r.result;
  }
}

export class NetLab {
  readonly id = randomBytes(3).toString('hex');
  private readonly namespaces: string[] = [];
  private readonly children: ChildProcess[] = [];

  /** A new namespace `vt<id>-<role>` with lo up. */
  async ns(role: string): Promise<string> {
    const name = `vt${this.id}-${role}`;
    await must('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    await must('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  /** A link name unique to this lab (≤ 15 bytes). */
  link(tag: string): string {
    return `v${this.id}${tag}`.slice(0, 15);
  }

  /** Runs `cmd args` inside `ns` in the background (killed by cleanup). */
  spawnIn(ns: string, cmd: string, args: string[]): ChildProcess {
    const c = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    c.stderr!.resume();
    this.children.push(c);
    return c;
  }

  async probe(ns: string): Promise<Probe> {
    const p = new Probe(this.spawnIn(ns, process.execPath, [PROBE]));
    await p.ready;
    return p;
  }

  /** Kills every process inside the lab's namespaces and deletes them. */
  async cleanup(): Promise<void> {
    for (const c of this.children) c.stdin?.end();
    for (const ns of this.namespaces) {
      if (!existsSync(`/run/netns/${ns}`)) continue;
      await terminate(await netnsPids(ns), 2000).catch(() => undefined);
      await exec('ip', ['netns', 'del', ns]);
    }
  }
}
