/**
 * Another release of this build, for rolling-upgrade tests: a copy of `bin/` and `dist/src/`
 * whose package.json says `version` (the version a server publishes), optionally with extra
 * migrations appended to the copy's MIGRATIONS list — what a release bringing a schema change
 * is. The code is otherwise this build's; node_modules and the UI bundle are linked, not copied
 * (they do not differ). Each migration creates one table, `<table>`, so a test can see it ran.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Release {
  version: string;
  /** The copy's `bin/nimbo.js`. */
  bin: string;
  remove(): void;
}

export function buildRelease(version: string, migrations: Array<{ name: string; table: string }> = []): Release {
  const root = mkdtempSync(join(tmpdir(), `nimbo-release-${version}-`));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(root, 'package.json'), JSON.stringify({ ...pkg, version }, null, 2));
  cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'dist'));
  cpSync(join(ROOT, 'dist', 'src'), join(root, 'dist', 'src'), { recursive: true });
  symlinkSync(join(ROOT, 'dist', 'ui'), join(root, 'dist', 'ui'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  if (migrations.length) {
    const dir = join(root, 'dist', 'src', 'db', 'migrations');
    // Plain Kysely schema calls, valid on every dialect, as a shipped migration would be.
    const list = migrations.map((m) => `{ name: ${JSON.stringify(m.name)}, async up(db) { await db.schema.createTable(${JSON.stringify(m.table)})`
      + `.addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('note', 'varchar(64)').execute(); } }`);
    writeFileSync(join(dir, 'release-extra.js'), `export const EXTRA = [${list.join(', ')}];\n`);
    appendFileSync(join(dir, 'index.js'), `\nimport { EXTRA } from './release-extra.js';\nMIGRATIONS.push(...EXTRA);\n`);
  }
  return { version, bin: join(root, 'bin', 'nimbo.js'), remove: () => rmSync(root, { recursive: true, force: true }) };
}
