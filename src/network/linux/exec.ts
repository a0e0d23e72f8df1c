/** Runs the router's tools (`ip`, `nft`, `tc`, `dnsmasq`, `haproxy`) with argument arrays, never a shell. */
import { spawn } from 'node:child_process';

export interface ExecResult { code: number; stdout: string; stderr: string }

export function exec(cmd: string, args: string[], input?: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    c.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
    c.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    c.once('error', reject);
    c.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (input !== undefined) c.stdin!.end(input);
  });
}

/** Like exec, but a non-zero exit throws with the command and its stderr. */
export async function must(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await exec(cmd, args, input);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
