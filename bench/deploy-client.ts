/**
 * Child process of the `deploy` bench: the API client. It runs `deploys` signed
 * deployVirtualMachine calls with `inFlight` at a time, each polled with queryAsyncJobResult
 * every 50 ms until it ends, and prints one JSON line: wall time, failures, polls and its
 * own CPU time. A process of its own, as real clients are: in the server's process its
 * signing, HTTP and JSON work shared the server's one event loop and counted as server CPU.
 */
import { callApi, type ClientOptions } from '../src/cli/api-client.js';

interface Input {
  opts: ClientOptions;
  params: Record<string, string>;
  deploys: number;
  inFlight: number;
  pollMs: number;
}

const input = JSON.parse(process.argv[2]!) as Input;
let next = 0;
let failed = 0;
let polls = 0;
const errors: string[] = [];

async function deployOne(): Promise<void> {
  const r = await callApi('deployVirtualMachine', input.params, input.opts);
  const jobId = r.inner['jobid'];
  if (r.status !== 200 || typeof jobId !== 'string') throw new Error(`deployVirtualMachine failed with ${r.status}: ${JSON.stringify(r.inner)}`);
  for (const end = Date.now() + 120_000; ;) {
    const q = await callApi('queryAsyncJobResult', { jobid: jobId }, input.opts);
    polls++;
    if (q.status !== 200) throw new Error(`queryAsyncJobResult failed: ${JSON.stringify(q.inner)}`);
    if (q.inner['jobstatus'] !== 0) {
      if (q.inner['jobstatus'] !== 1 || q.inner['jobresult']?.virtualmachine?.state !== 'Running') {
        failed++;
        if (errors.length < 3) errors.push(JSON.stringify(q.inner['jobresult']).slice(0, 300));
      }
      return;
    }
    if (Date.now() > end) throw new Error(`job ${jobId} did not finish within 120 s`);
    await new Promise((res) => setTimeout(res, input.pollMs));
  }
}

const t0 = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: input.inFlight }, async () => {
  while (next < input.deploys) {
    next++;
    await deployOne();
  }
}));
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ secs: (performance.now() - t0) / 1000, failed, polls, errors, cpuMs: (cpu.user + cpu.system) / 1000 }));
