/**
 * Where the QEMU driver keeps each guest: `<state>/vms/<instance>/` holds `vm.json` (the spec
 * and whether it should run), the pid file, QMP and serial sockets and the serial log. The
 * agent re-adopts guests from these after a restart: a guest runs when its pid file names a
 * live qemu process.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigratingVm, SecurityGroupRuleSet } from '../../protocol/messages.js';
import type { VmFiles } from './qemu-args.js';

export interface VmRecord {
  spec: MigratingVm;
  /** A destination of a live migration that has not completed yet. */
  incoming?: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/;

export class VmDirs {
  constructor(readonly root: string) {}

  dir(name: string): string {
    if (!NAME.test(name)) throw new Error(`Invalid instance name ${name}`);
    return join(this.root, 'vms', name);
  }

  files(name: string): VmFiles {
    const d = this.dir(name);
    // Unix socket paths are limited to 107 bytes; a deep data dir uses a short path in tmp instead.
    const sock = (f: string) => {
      const p = join(d, f);
      return p.length < 100 ? p : join(tmpdir(), `nimbo-${createHash('sha1').update(p).digest('hex').slice(0, 16)}.${f}`);
    };
    return { pidFile: join(d, 'qemu.pid'), qmpSocket: sock('qmp.sock'), serialSocket: sock('serial.sock'), serialLog: join(d, 'serial.log') };
  }

  /*
   * The record is read and written synchronously: a few hundred bytes in the agent's own data
   * dir, where the asynchronous calls cost a thread-pool round trip each (open, stat, read,
   * close: 1-2 ms in all on a busy machine) on the path of every command; a live migration
   * reads or writes it five times on its way (the migration bench: 1.7 ms to 0.4 ms from the
   * source's MigrateVm to its QMP connection).
   */
  async read(name: string): Promise<VmRecord | undefined> {
    try {
      return JSON.parse(readFileSync(join(this.dir(name), 'vm.json'), 'utf8')) as VmRecord;
    } catch {
      return undefined;
    }
  }

  async write(name: string, rec: VmRecord): Promise<void> {
    const d = this.dir(name);
    mkdirSync(d, { recursive: true });
    const tmp = join(d, 'vm.json.tmp');
    writeFileSync(tmp, JSON.stringify(rec));
    renameSync(tmp, join(d, 'vm.json'));
  }

  async remove(name: string): Promise<void> {
    const f = this.files(name);
    await rm(this.dir(name), { recursive: true, force: true });
    await rm(f.qmpSocket, { force: true });
    await rm(f.serialSocket, { force: true });
  }

  async names(): Promise<string[]> {
    try {
      return (await readdir(join(this.root, 'vms'))).filter((n) => NAME.test(n) && existsSync(join(this.root, 'vms', n, 'vm.json'))).sort();
    } catch {
      return [];
    }
  }

  /** Security-group rule sets live beside the guests (they may arrive before the guest starts). */
  private rulesFile(name: string): string {
    this.dir(name);
    return join(this.root, 'rules', `${name}.json`);
  }

  async readRules(name: string): Promise<SecurityGroupRuleSet | undefined> {
    try {
      return JSON.parse(await readFile(this.rulesFile(name), 'utf8')) as SecurityGroupRuleSet;
    } catch {
      return undefined;
    }
  }

  async writeRules(name: string, set: SecurityGroupRuleSet | null): Promise<void> {
    const f = this.rulesFile(name);
    if (set === null) return rm(f, { force: true });
    await mkdir(join(this.root, 'rules'), { recursive: true });
    await writeFile(`${f}.tmp`, JSON.stringify(set));
    await rename(`${f}.tmp`, f);
  }

  async ruleNames(): Promise<string[]> {
    try {
      return (await readdir(join(this.root, 'rules'))).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).sort();
    } catch {
      return [];
    }
  }

  /** The pid of the guest's qemu process when it is alive, else null. */
  pid(name: string): number | null {
    let pid: number;
    try {
      pid = Number(readFileSync(this.files(name).pidFile, 'utf8').trim());
    } catch {
      return null;
    }
    if (!Number.isInteger(pid) || pid <= 0) return null;
    try {
      // The pid must still be a qemu (a recycled pid after a host reboot is not our guest).
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('qemu-system')) return null;
      return pid;
    } catch {
      return null;
    }
  }
}
