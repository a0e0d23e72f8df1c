/**
 * The three processes of a router, each started inside its namespace with `ip netns exec`
 * and tracked by a pid file in the router's directory:
 * - dnsmasq: restarted when its main file changes, SIGHUP when only leases/names change;
 * - haproxy: validated (`-c`) then started with `-sf <old pids>`, so the old process stops
 *   listening and finishes its connections while the new one serves (graceful reload);
 * - the metadata/password server (metadata-main.js under this Node): SIGHUP re-reads its file.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { openSync, closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec, must } from './exec.js';
import { livePids, terminate, waitFor } from './processes.js';

const METADATA_MAIN = fileURLToPath(new URL('./metadata-main.js', import.meta.url));

export class RouterDaemons {
  constructor(private readonly netns: string, private readonly dir: string, private readonly dnsDir: string) {}

  private get dnsmasqConf() { return join(this.dnsDir, 'dnsmasq.conf'); }
  private get haproxyCfg() { return join(this.dir, 'haproxy.cfg'); }

  dnsmasqPids(): number[] { return livePids(join(this.dnsDir, 'dnsmasq.pid'), this.dnsmasqConf); }
  haproxyPids(): number[] { return livePids(join(this.dir, 'haproxy.pid'), this.haproxyCfg); }
  metadataPids(): number[] { return livePids(join(this.dir, 'metadata.pid'), `${METADATA_MAIN}\0${this.dir}\0`); }

  async startDnsmasq(): Promise<void> {
    await terminate(this.dnsmasqPids());
    // dnsmasq forks and writes its pid file before the parent exits.
    await must('ip', ['netns', 'exec', this.netns, 'dnsmasq', `--conf-file=${this.dnsmasqConf}`]);
    if (this.dnsmasqPids().length === 0) throw new Error('dnsmasq did not start');
  }

  reloadDnsmasq(): void {
    for (const p of this.dnsmasqPids()) process.kill(p, 'SIGHUP');
  }

  /** Starts haproxy on the written config; old processes get `-sf` and drain. */
  async startHaproxy(): Promise<void> {
    const check = await exec('haproxy', ['-c', '-q', '-f', this.haproxyCfg]);
    if (check.code !== 0) throw new Error(`haproxy refused its configuration: ${(check.stderr || check.stdout).trim()}`);
    const old = this.haproxyPids();
    await must('ip', ['netns', 'exec', this.netns, 'haproxy', '-D', '-p', join(this.dir, 'haproxy.pid'), '-f', this.haproxyCfg, ...(old.length ? ['-sf', ...old.map(String)] : [])]);
  }

  /** Current sessions per load-balancer member (`lb_<rule>/m<i>` → count), from haproxy's stats socket. */
  haproxySessions(): Promise<Record<string, number>> {
    return new Promise((resolve, reject) => {
      const s = connect(join(this.dir, 'haproxy.sock'));
      let csv = '';
      s.on('data', (b: Buffer) => (csv += b.toString()));
      s.on('error', reject);
      s.on('end', () => {
        const [head, ...rows] = csv.replace(/^# /, '').trim().split('\n').map((l) => l.split(','));
        const col = (n: string) => head!.indexOf(n);
        resolve(Object.fromEntries(rows.filter((r) => !['FRONTEND', 'BACKEND'].includes(r[col('svname')]!))
          .map((r) => [`${r[col('pxname')]}/${r[col('svname')]}`, Number(r[col('scur')])])));
      });
      s.end('show stat\n');
    });
  }

  async stopHaproxy(): Promise<void> {
    await terminate(this.haproxyPids());
    rmSync(join(this.dir, 'haproxy.pid'), { force: true });
  }

  /** Starts the metadata server and waits until it listens (it writes its pid file then). */
  async startMetadata(): Promise<void> {
    await terminate(this.metadataPids());
    rmSync(join(this.dir, 'metadata.pid'), { force: true });
    const log = openSync(join(this.dir, 'metadata.log'), 'a');
    try {
      const c = spawn('ip', ['netns', 'exec', this.netns, process.execPath, METADATA_MAIN, this.dir], { detached: true, stdio: ['ignore', log, log] });
      c.unref();
      let exited: number | null = null;
      c.once('exit', (code) => (exited = code ?? -1));
      await waitFor(() => exited !== null || this.metadataPids().length > 0, 15_000, 'the metadata server to listen');
      if (this.metadataPids().length === 0) throw new Error(`the metadata server exited (${exited}); see ${join(this.dir, 'metadata.log')}`);
    } finally {
      closeSync(log);
    }
  }

  reloadMetadata(): void {
    for (const p of this.metadataPids()) process.kill(p, 'SIGHUP');
  }
}
