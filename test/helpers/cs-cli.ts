/**
 * Debian's `cs` CLI (`/usr/bin/cloudstack`) pointed at a test server through its
 * environment variables, spawned with an argument array. Tests skip (with the reason) where
 * it is not installed; CI installs it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestServer } from './server.js';

export const CS_CLI = '/usr/bin/cloudstack';
export const csSkip: string | false = existsSync(CS_CLI) ? false : 'the cs CLI (/usr/bin/cloudstack, Debian package cs) is not installed';

export interface CliResult { code: number | null; out: any; stderr: string }

export function cs(s: TestServer, command: string, args: Record<string, string> = {}): Promise<CliResult> {
  const argv = [command, ...Object.entries(args).map(([k, v]) => `${k}=${v}`)];
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: s.db.dataDir,
    CLOUDSTACK_ENDPOINT: s.endpoint, CLOUDSTACK_KEY: s.admin.opts.apiKey!, CLOUDSTACK_SECRET: s.admin.opts.secretKey!,
    CLOUDSTACK_POLL_INTERVAL: '0.2', CLOUDSTACK_TIMEOUT: '60',
  };
  return new Promise((resolve, reject) => {
    const p = spawn(CS_CLI, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => {
      let parsed: any = out;
      try { parsed = JSON.parse(out); } catch { /* error output is not JSON */ }
      resolve({ code, out: parsed, stderr: err });
    });
  });
}

/** Runs a `cs` command and asserts it exited 0, returning its parsed JSON output. */
export async function csOk(s: TestServer, command: string, args: Record<string, string> = {}): Promise<any> {
  const r = await cs(s, command, args);
  assert.equal(r.code, 0, `${command}: ${JSON.stringify(r.out)} ${r.stderr}`);
  return r.out;
}
