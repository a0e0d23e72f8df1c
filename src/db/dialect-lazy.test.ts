import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

describe('database drivers', () => {
  it('a SQLite server does not load the PostgreSQL or MySQL driver (memory and start-up time)', () => {
    const dialect = fileURLToPath(new URL('./dialect.js', import.meta.url));
    const script = `
      import { createRequire } from 'node:module';
      import { mkdtempSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      const { openDb } = await import(${JSON.stringify(dialect)});
      const db = openDb(undefined, mkdtempSync(join(tmpdir(), 'nimbo-lazy-')));
      await db.close();
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(loaded.filter((f) => /node_modules\\/(pg|mysql2)\\//.test(f))));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), []);
  });
});
