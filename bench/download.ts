/**
 * Template download throughput (issue #4): a 1 GiB file from a loopback HTTP server (a
 * child process, so its buffers do not count) fetched by the download worker's streaming
 * code into a "secondary storage" directory, against `curl -o` of the same file in the
 * same run. The management server's RSS is sampled during the download: it must stay flat.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bench } from './index.js';
import { fetchImage } from '../src/services/templates/fetch-image.js';

const SIZE = 1024 ** 3;
const SERVER = `
const http = require('node:http'); const fs = require('node:fs');
const file = process.argv[1]; const size = fs.statSync(file).size;
const s = http.createServer((q, r) => { r.writeHead(200, { 'content-length': size }); fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(r); });
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;

async function makeFile(path: string): Promise<void> {
  const fh = await open(path, 'w');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 2654435761) >>> 0, i);
  for (let i = 0; i < SIZE / chunk.length; i++) await fh.write(chunk);
  await fh.close();
}

export const DOWNLOAD_BENCH: Bench = {
  name: 'download',
  description: 'Template download of 1 GiB from loopback vs curl -o, with RSS during the download',
  async run(log) {
    const dir = mkdtempSync(join(tmpdir(), 'nimbo-bench-dl-'));
    const src = join(dir, 'src.raw');
    await makeFile(src);
    const server = spawn(process.execPath, ['-e', SERVER, src], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<string>((r) => server.stdout!.once('data', (d: Buffer) => r(d.toString().trim())));
      const url = `http://127.0.0.1:${port}/src.raw`;
      const curl = () => { const t = process.hrtime.bigint(); const c = spawnSync('curl', ['-s', '-o', join(dir, 'curl.raw'), url]); if (c.status !== 0) throw new Error('curl failed'); return Number(process.hrtime.bigint() - t) / 1e9; };
      const ours = async () => {
        let peak = 0;
        const base = process.memoryUsage().rss;
        const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
        const t = process.hrtime.bigint();
        await fetchImage(url, join(dir, 'ours.raw'), { maxBytes: 2 * SIZE });
        const secs = Number(process.hrtime.bigint() - t) / 1e9;
        clearInterval(timer);
        rmSync(join(dir, 'ours.raw'), { force: true });
        return { secs, growthMiB: Math.max(0, peak - base) / 2 ** 20 };
      };
      curl(); // warm the page cache
      const curlTimes: number[] = [], ourTimes: number[] = [], growth: number[] = [];
      for (let i = 0; i < 3; i++) {
        curlTimes.push(curl());
        const o = await ours();
        ourTimes.push(o.secs); growth.push(o.growthMiB);
        log(`run ${i + 1}: curl ${curlTimes[i]!.toFixed(2)} s, nimbo ${o.secs.toFixed(2)} s, RSS growth ${o.growthMiB.toFixed(1)} MiB`);
      }
      const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
      const ratio = med(curlTimes) / med(ourTimes);
      return {
        metrics: [
          { name: 'download throughput vs curl', value: Number(ratio.toFixed(3)), unit: 'ratio', goal: { op: '>=', value: 0.8 }, detail: `median of 3: curl ${med(curlTimes).toFixed(2)} s, nimbo ${med(ourTimes).toFixed(2)} s for 1 GiB` },
          { name: 'download MiB/s', value: Number((1024 / med(ourTimes)).toFixed(0)), unit: 'MiB/s' },
          { name: 'RSS growth during 1 GiB download', value: Number(Math.max(...growth).toFixed(1)), unit: 'MiB', goal: { op: '<', value: 64 } },
        ],
      };
    } finally {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
