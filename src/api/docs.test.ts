import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderDocs } from './docs.js';
import { COMMANDS } from './registry.js';

// Compiled to dist/src/api/docs.test.js; the committed docs are in <repo>/docs/api.
const DOCS_DIR = fileURLToPath(new URL('../../../docs/api/', import.meta.url));

describe('generated API docs', () => {
  it('docs/api matches the command registry (run `npm run docs` after changing a command)', () => {
    const rendered = renderDocs();
    const committed = readdirSync(DOCS_DIR).filter((f) => f.endsWith('.md')).sort();
    assert.deepEqual(committed, [...rendered.keys()].sort(), 'docs/api has missing or extra pages');
    for (const [name, text] of rendered) assert.equal(readFileSync(DOCS_DIR + name, 'utf8'), text, `docs/api/${name} is out of date`);
  });

  it('documents every registered command', () => {
    const all = [...renderDocs().values()].join('\n');
    for (const c of COMMANDS) assert.ok(all.includes(`## ${c.name}\n`), `${c.name} is not documented`);
  });
});
