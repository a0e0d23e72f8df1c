/**
 * `nimbo api <command> key=value …`: signs and sends any command, prints a table or JSON,
 * and waits for async jobs with a progress line. Endpoint and keys come from flags,
 * NIMBO_ENDPOINT/NIMBO_API_KEY/NIMBO_SECRET_KEY (or CLOUDSTACK_*), or the admin
 * credentials file of the data directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { callApi, waitForJob, type ClientOptions } from './api-client.js';
import { renderTable } from './table.js';

interface CliArgs {
  command?: string;
  params: Record<string, string>;
  json: boolean;
  post: boolean;
  wait: boolean;
  endpoint?: string;
  apiKey?: string;
  secretKey?: string;
}

function parseArgs(argv: string[]): CliArgs {
  const a: CliArgs = { params: {}, json: false, post: false, wait: true };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--json') a.json = true;
    else if (x === '--post') a.post = true;
    else if (x === '--no-wait') a.wait = false;
    else if (x === '--endpoint') a.endpoint = argv[++i];
    else if (x === '--apikey') a.apiKey = argv[++i];
    else if (x === '--secretkey') a.secretKey = argv[++i];
    else if (x.includes('=') && a.command) {
      const k = x.slice(0, x.indexOf('='));
      const v = x.slice(x.indexOf('=') + 1);
      a.params[k] = k in a.params ? `${a.params[k]},${v}` : v;
    } else if (!a.command) a.command = x;
    else throw new Error(`unexpected argument: ${x}`);
  }
  return a;
}

function credentials(a: CliArgs): ClientOptions {
  const env = process.env;
  let file: Record<string, string> = {};
  const path = join(resolve(env['NIMBO_DATA_DIR'] ?? 'data'), 'admin-credentials.json');
  if (existsSync(path)) file = JSON.parse(readFileSync(path, 'utf8'));
  const endpoint = a.endpoint ?? env['NIMBO_ENDPOINT'] ?? env['CLOUDSTACK_ENDPOINT'] ?? file['endpoint'] ?? 'http://localhost:8080/client/api';
  return {
    endpoint,
    apiKey: a.apiKey ?? env['NIMBO_API_KEY'] ?? env['CLOUDSTACK_KEY'] ?? file['apikey'],
    secretKey: a.secretKey ?? env['NIMBO_SECRET_KEY'] ?? env['CLOUDSTACK_SECRET'] ?? file['secretkey'],
    expiresIn: 600,
    post: a.post,
  };
}

export async function runApiCli(argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  if (!a.command) {
    console.error('usage: nimbo api <command> [key=value …] [--json] [--post] [--no-wait] [--endpoint URL --apikey K --secretkey S]');
    return 2;
  }
  const opts = credentials(a);
  if (!opts.apiKey || !opts.secretKey) {
    console.error('nimbo api: no API key; pass --apikey/--secretkey, set NIMBO_API_KEY/NIMBO_SECRET_KEY, or run in the directory holding data/admin-credentials.json');
    return 2;
  }
  const r = await callApi(a.command, a.params, opts);
  let out: Record<string, any> = r.inner;
  if (r.status !== 200) {
    console.error(`error ${out['errorcode'] ?? r.status}: ${out['errortext'] ?? 'request failed'}`);
    if (a.json) console.log(JSON.stringify(r.body, null, 2));
    return 1;
  }
  if (a.wait && typeof out['jobid'] === 'string' && a.command.toLowerCase() !== 'queryasyncjobresult') {
    const tty = process.stderr.isTTY;
    const job = await waitForJob(out['jobid'], opts, (ms) => {
      const line = `waiting for job ${out['jobid']} … ${(ms / 1000).toFixed(1)}s`;
      if (tty) process.stderr.write(`\r${line}`);
    });
    if (tty) process.stderr.write('\n');
    if (job['jobstatus'] !== 1) {
      console.error(`job failed: ${job['jobresult']?.['errortext'] ?? JSON.stringify(job['jobresult'])}`);
      return 1;
    }
    out = job['jobresult'] ?? {};
  }
  if (a.json) {
    console.log(JSON.stringify(out, null, 2));
    return 0;
  }
  console.log(renderTable(out));
  return 0;
}
