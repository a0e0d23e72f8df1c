/**
 * Generates docs/api/*.md from the command registry: one page per area with each
 * command's roles, async flag, parameters and response fields. A test checks the
 * committed docs match.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyCommand } from './define-command.js';
import type { ParamSpecs } from './params.js';
import { COMMAND_AREAS } from './areas.js';

function commandDoc(c: AnyCommand): string {
  const out: string[] = [`## ${c.name}`, '', c.description, ''];
  out.push(`- roles: ${c.roles.join(', ')}`);
  out.push(`- async: ${c.async === 'create' ? 'yes (returns id and jobid)' : c.async ? 'yes' : 'no'}${c.event ? ` · event: \`${c.event}\`` : ''}`);
  out.push('');
  const params = Object.entries(c.params as ParamSpecs);
  if (params.length) {
    out.push('| parameter | type | required | description |', '|---|---|---|---|');
    for (const [n, s] of params) out.push(`| ${n} | ${s.type}${s.collection ? `<${s.collection}>` : ''} | ${s.required ? 'yes' : ''} | ${(s.doc || '').replace(/\|/g, '\\|')}${s.roles ? ` (${s.roles.join('/')} only)` : ''} |`);
    out.push('');
  }
  if (c.response.kind === 'success') out.push('Response: `success`', '');
  else out.push(`Response (${c.response.kind}, \`${c.response.of.objectName}\`): ${Object.keys(c.response.of.fields).join(', ')}`, '');
  return out.join('\n');
}

export function renderDocs(): Map<string, string> {
  const files = new Map<string, string>();
  const index: string[] = ['# Nimbo API reference', '', 'Generated from the command registry by `npm run docs`; do not edit by hand.', ''];
  for (const [area, cmds] of COMMAND_AREAS) {
    const body = [`# ${area} commands`, '', ...cmds.map(commandDoc)].join('\n');
    files.set(`${area}.md`, body);
    index.push(`- [${area}](${area}.md): ${cmds.map((c) => c.name).join(', ')}`);
  }
  files.set('README.md', index.join('\n') + '\n');
  return files;
}

export function writeDocs(dir: string): number {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith('.md')) rmSync(join(dir, f));
  const files = renderDocs();
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return files.size;
}
