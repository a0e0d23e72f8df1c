/** Runs a program with an argument array (never a shell string); rejects with its stderr on failure. */
import { execFile } from 'node:child_process';

export function run(cmd: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args[0] ?? ''} failed: ${(stderr || err.message).trim().slice(0, 2000)}`));
      else resolve(stdout);
    });
  });
}
