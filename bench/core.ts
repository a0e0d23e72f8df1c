/**
 * Issue #2's figures for the management server core: cold start of `nimbo server` on a
 * fresh SQLite data directory to the first answered signed request, idle RSS, and signed
 * `listAccounts` requests/second over HTTP against a bare Fastify route returning the same
 * JSON body in another child process (same connections and duration, alternating runs).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bench, Metric } from './index.js';
import { ROOT, coldStart, envNumber, httpGet, load, median, rssMb, signedUrl, sleep, type LoadResult, type NimboProcess } from './harness.js';

/** Starts the bare baseline server as a child; resolves with its URL and a stop function. */
async function startBare(bodyFile: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'bench', 'bare-server.js'), bodyFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /port=(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url: `http://127.0.0.1:${port}/client/api`,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export const CORE_BENCH: Bench = {
  name: 'core',
  description: 'management server: cold start, idle RSS, signed listAccounts req/s vs bare Fastify',
  async run(log) {
    const coldRuns = envNumber('NIMBO_BENCH_COLD_RUNS', 3);
    const connections = envNumber('NIMBO_BENCH_CONNECTIONS', 10);
    const durationS = envNumber('NIMBO_BENCH_DURATION', 4);
    const rounds = envNumber('NIMBO_BENCH_ROUNDS', 3);
    const profDir = process.env['NIMBO_BENCH_CPU_PROF'];

    // (a) + (b): cold starts on fresh data dirs; RSS read after a short idle period.
    const colds: number[] = [];
    const rss: number[] = [];
    let server: NimboProcess | undefined;
    for (let i = 0; i < coldRuns; i++) {
      const last = i === coldRuns - 1;
      const r = await coldStart(last && profDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] } : {});
      colds.push(r.ms);
      await sleep(1500);
      rss.push(rssMb(r.server.pid));
      log(`cold start ${i + 1}/${coldRuns}: ${r.ms.toFixed(0)} ms (server says ready in ${r.server.selfReportedReadyMs} ms), idle RSS ${rss[i]!.toFixed(1)} MB`);
      if (last) server = r.server;
      else await r.server.stop();
    }

    // (c): the same JSON body from the bare route, then alternating load runs.
    const tmp = mkdtempSync(join(tmpdir(), 'nimbo-bench-bare-'));
    const url = signedUrl(server!.keys, 'listAccounts', { response: 'json' });
    const sample = await httpGet(url);
    if (sample.status !== 200) throw new Error(`listAccounts answered ${sample.status}: ${sample.body}`);
    writeFileSync(join(tmp, 'body.json'), sample.body);
    const bare = await startBare(join(tmp, 'body.json'));
    const bareUrl = `${bare.url}?${url.slice(url.indexOf('?') + 1)}`;
    const nimboRuns: LoadResult[] = [];
    const bareRuns: LoadResult[] = [];
    try {
      log(`warming up both servers (${connections} connections)…`);
      await load(url, { connections, durationS: 1 });
      await load(bareUrl, { connections, durationS: 1 });
      for (let i = 0; i < rounds; i++) {
        // Alternate which goes first so drift in machine load hits both alike.
        const order: Array<['nimbo' | 'bare', string, number]> = i % 2 ? [['nimbo', url, server!.pid], ['bare', bareUrl, bare.pid]] : [['bare', bareUrl, bare.pid], ['nimbo', url, server!.pid]];
        for (const [which, u, pid] of order) {
          const r = await load(u, { connections, durationS, pid });
          (which === 'nimbo' ? nimboRuns : bareRuns).push(r);
          log(`round ${i + 1}/${rounds} ${which}: ${r.rps.toFixed(0)} req/s (p50 ${r.latencyP50Ms} ms, p99 ${r.latencyP99Ms} ms, server CPU ${r.cpuUsPerRequest?.toFixed(0)} µs/request)`);
        }
      }
    } finally {
      await bare.stop();
      rmSync(tmp, { recursive: true, force: true });
    }
    const rssAfterLoad = rssMb(server!.pid);
    await server!.stop();

    // Each round pairs the two servers back to back, so the per-round ratio is what the
    // noisy shared machine disturbs least; report its median.
    const nimboRps = median(nimboRuns.map((r) => r.rps));
    const bareRps = median(bareRuns.map((r) => r.rps));
    const ratios = nimboRuns.map((r, i) => (100 * r.rps) / bareRuns[i]!.rps);
    const cpuNimbo = median(nimboRuns.map((r) => r.cpuUsPerRequest ?? NaN));
    const cpuBare = median(bareRuns.map((r) => r.cpuUsPerRequest ?? NaN));
    const metrics: Metric[] = [
      { name: 'cold start to first signed answer', value: median(colds), unit: 'ms', goal: { op: '<', value: 1500 }, detail: `median of ${coldRuns}: ${colds.map((x) => x.toFixed(0)).join(', ')}` },
      { name: 'idle RSS after start', value: median(rss), unit: 'MB', goal: { op: '<', value: 120 }, detail: `median of ${coldRuns}; ${rssAfterLoad.toFixed(1)} MB after the load runs` },
      { name: 'signed listAccounts', value: nimboRps, unit: 'req/s', detail: `median of ${rounds}; p50 ${median(nimboRuns.map((r) => r.latencyP50Ms))} ms, p99 ${median(nimboRuns.map((r) => r.latencyP99Ms))} ms` },
      { name: 'bare Fastify, same JSON', value: bareRps, unit: 'req/s', detail: `median of ${rounds}; p50 ${median(bareRuns.map((r) => r.latencyP50Ms))} ms` },
      { name: 'server CPU per request, signed / bare', value: cpuNimbo, unit: 'µs', detail: `bare ${cpuBare.toFixed(0)} µs: CPU-time ratio ${((100 * cpuBare) / cpuNimbo).toFixed(1)} % (the figure least disturbed by other load on the machine)` },
      { name: 'signed listAccounts / bare', value: median(ratios), unit: '%', goal: { op: '>=', value: 30 }, detail: `median of ${rounds} paired rounds (${ratios.map((x) => x.toFixed(1)).join(', ')}); ${connections} connections, ${durationS} s each, body ${sample.body.length} bytes` },
    ];
    return { metrics, info: { ratiosPct: ratios, coldStartsMs: colds, idleRssMb: rss, rssAfterLoadMb: rssAfterLoad, nimboRuns, bareRuns, connections, durationS, rounds, bodyBytes: sample.body.length, cpuProfileDir: profDir } };
  },
};
