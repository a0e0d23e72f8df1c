// Runs every compiled test file with Node's test runner. Unit tests sit beside the code
// (dist/src/**/*.test.js); integration tests under dist/test/**. Pass file filters as args.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const files = [];
(function walk(dir) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.test.js')) files.push(relative(root, p));
  }
})(dist);
const filters = process.argv.slice(2);
const chosen = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
chosen.sort();
const concurrency = process.env.NIMBO_TEST_CONCURRENCY ?? '4';
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...chosen], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
