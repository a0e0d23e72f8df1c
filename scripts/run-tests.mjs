// Runs every compiled test file with Node's test runner. Unit tests sit beside the code
// (dist/src/**/*.test.js); integration tests under dist/test/**. Pass file filters as args.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const files = [];
(function walk(dir) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p);
    // Only tests whose TypeScript source still exists: dist/ keeps renamed or deleted ones.
    else if (p.endsWith('.test.js') && existsSync(join(root, relative(dist, p).replace(/\.js$/, '.ts')))) files.push(relative(root, p));
  }
})(dist);
const filters = process.argv.slice(2);
const chosen = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
chosen.sort();
if (chosen.length === 0) {
  // `node --test` with no files would go looking for tests on its own; say what happened instead.
  console.error(`no compiled test file matches ${filters.join(' ')} (build first: npm run build)`);
  process.exit(1);
}
const concurrency = process.env.NIMBO_TEST_CONCURRENCY ?? '4';
// Files whose assertions are timings (the UI's first load under 1 s) run after the others, alone:
// on a 2-core runner, three other test files beside them would decide the result, not the code.
const alone = ['ui-perf-a11y.test.js'];
const together = chosen.filter((f) => !alone.some((a) => f.endsWith(a)));
const solo = chosen.filter((f) => alone.some((a) => f.endsWith(a)));
const run = (list, n) => (list.length === 0 ? 0 : spawnSync(process.execPath, ['--test', `--test-concurrency=${n}`, '--test-reporter=spec', ...list], { cwd: root, stdio: 'inherit' }).status ?? 1);
const first = run(together, concurrency);
const second = run(solo, '1');
process.exit(first || second);
