// Makes `npm start` / `npm test` work on a fresh clone: installs dependencies when
// node_modules is missing or older than the lock file, then compiles TypeScript when
// any source is newer than the last build.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

const marker = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(marker) || mtime(join(root, 'package-lock.json')) > mtime(marker)) {
  console.error('nimbo: installing dependencies (npm ci)…');
  // --include=dev: the build needs TypeScript even where NODE_ENV=production is set.
  // JOBS: node-gyp compiles better-sqlite3 from source where no prebuilt binary can be fetched.
  run('npm', ['ci', '--include=dev', '--no-audit', '--no-fund'], { JOBS: 'max' });
}

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const built = mtime(join(root, 'dist', '.tsbuildinfo'));
const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'test')), newest(join(root, 'bench')), mtime(join(root, 'tsconfig.json')));
if (sources > built) {
  console.error('nimbo: compiling TypeScript…');
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
}

// The web UI bundle (served at /client/): type-checked, then built by Vite when ui/ changed.
const uiBuilt = mtime(join(root, 'dist', 'ui', 'index.html'));
const uiSources = Math.max(newest(join(root, 'ui')), mtime(join(root, 'package-lock.json')));
if (uiSources > uiBuilt) {
  console.error('nimbo: building the web UI…');
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join('ui', 'tsconfig.json')]);
  run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join('ui', 'vite.config.ts')]);
}
