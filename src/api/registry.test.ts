/**
 * Every registered command against CloudStack's catalog (`shared/reference/api`): name,
 * async flag, parameters (name, type, collection type, required), default roles, response
 * key, object name and response fields. One test per command, so a run lists every
 * mismatch of every area at once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS, Registry } from './registry.js';
import { responseKey, type AnyCommand } from './define-command.js';
import type { ParamSpecs } from './params.js';
import { ROLE_TYPES } from './roles.js';
import { compatibleFieldType, loadCatalog, responseFields, type Catalog, type CatalogCommand } from './catalog.js';

const catalog = loadCatalog();

/** The response class CloudStack really serialises for these classes. */
function responseClasses(classes: CatalogCommand[]): string[] {
  // A list command may answer items of any of its listResponseItemClasses (e.g. UserVmResponse).
  return [...new Set(classes.flatMap((c) => [c.actualResponseClass?.split('.').pop() ?? c.responseObject ?? '', ...(c.listResponseItemClasses ?? [])]))].filter(Boolean);
}

/**
 * Object names CloudStack's code sets where the catalog's extraction missed them: the
 * UserVmResponse items of listLoadBalancerRuleInstances are `loadbalancerruleinstance`
 * (clients.md: Libcloud and Ansible read that key).
 */
const NAMES_SET_IN_CODE: Record<string, string[]> = { listLoadBalancerRuleInstances: ['loadbalancerruleinstance'] };

function objectNames(cat: Catalog, classes: CatalogCommand[]): Set<string> {
  const names = new Set<string>(classes.flatMap((c) => NAMES_SET_IN_CODE[c.name] ?? []));
  for (const c of classes) {
    for (const n of [...(c.responseObjectNames ?? []), ...(c.objectNamesSetInCmd ?? []), ...(c.listItemObjectNames ?? [])]) names.add(n);
  }
  for (const cls of responseClasses(classes)) for (const n of cat.responses.get(cls)?.objectNames ?? []) names.add(n);
  return names;
}

/** All mismatches between one command definition and its catalog classes. */
export function mismatches(cmd: AnyCommand, cat: Catalog): string[] {
  const classes = cat.commands.get(cmd.name);
  if (!classes) return [`${cmd.name}: not a CloudStack command`];
  const out: string[] = [];
  const first = classes[0]!;

  const createStyle = classes.some((c) => c.extends.includes('BaseAsyncCreateCmd'));
  const expectAsync = createStyle ? 'create' : first.isAsync;
  if (cmd.async !== expectAsync) out.push(`async is ${String(cmd.async)}, CloudStack's is ${String(expectAsync)}`);

  const catParams = new Map<string, { type: string; collection?: string; required: boolean; roles?: string[] }>();
  const userClass = classes.find((c) => !c.className.endsWith('ByAdmin'));
  for (const c of classes) {
    for (const p of c.params) {
      const prev = catParams.get(p.name);
      // A parameter only the ByAdmin class has is bound for root admins only (ApiServer.getCmdClass).
      const adminOnly = classes.length > 1 && userClass !== undefined && !userClass.params.some((q) => q.name === p.name);
      const roles = p.authorized?.length ? p.authorized : adminOnly ? ['Admin'] : undefined;
      catParams.set(p.name, {
        type: p.type.toLowerCase(),
        ...(p.collectionType ? { collection: p.collectionType.toLowerCase() } : {}),
        required: (prev?.required ?? false) || p.required,
        ...(roles ? { roles } : {}),
      });
    }
  }
  const ours = cmd.params as ParamSpecs;
  for (const [name, s] of Object.entries(ours)) {
    const theirs = catParams.get(name);
    if (!theirs) {
      out.push(`param ${name} does not exist in CloudStack`);
      continue;
    }
    if (s.type !== theirs.type) out.push(`param ${name} has type ${s.type}, CloudStack's is ${theirs.type}`);
    if ((s.collection ?? undefined) !== theirs.collection) out.push(`param ${name} has collection type ${s.collection}, CloudStack's is ${theirs.collection}`);
    if (s.required !== theirs.required) out.push(`param ${name} required=${s.required}, CloudStack's required=${theirs.required}`);
    const ourParamRoles = s.roles ? [...s.roles].sort().join(',') : 'all';
    const theirParamRoles = theirs.roles ? [...theirs.roles].sort().join(',') : 'all';
    if (ourParamRoles !== theirParamRoles) out.push(`param ${name} is for roles [${ourParamRoles}], CloudStack's for [${theirParamRoles}]`);
  }
  for (const [name, theirs] of catParams) {
    if (theirs.required && !(name in ours)) out.push(`required param ${name} is not declared`);
  }

  const roles = ROLE_TYPES.filter((r) => classes.some((c) => c.defaultRoleAccess[r]));
  const ourRoles = ROLE_TYPES.filter((r) => cmd.roles.includes(r));
  if (ourRoles.join(',') !== roles.join(',')) out.push(`roles are [${ourRoles}], CloudStack's default access is [${roles}]`);

  if (responseKey(cmd) !== first.responseObjectName) out.push(`response key is ${responseKey(cmd)}, CloudStack's is ${first.responseObjectName}`);

  const shape = first.responseShape;
  if (shape && shape !== cmd.response.kind) out.push(`response shape is ${cmd.response.kind}, CloudStack's is ${shape}`);
  if (cmd.response.kind !== 'success') {
    const def = cmd.response.of;
    const names = objectNames(cat, classes);
    // A command that sets no object name serialises it as "null" (configureSimulator, FACTS §9).
    if (cmd.response.kind !== 'bare' && !names.has(def.objectName) && !(names.size === 0 && def.objectName === 'null')) out.push(`object name ${def.objectName} is not one of CloudStack's [${[...names]}]`);
    const allowed = responseClasses(classes);
    if (!allowed.includes(def.className)) out.push(`response class ${def.className} is not CloudStack's ${allowed.join('/')}`);
    const fields = responseFields(cat, def.className);
    for (const [f, t] of Object.entries(def.fields)) {
      const theirs = fields.get(f);
      if (theirs === undefined) out.push(`response field ${f} does not exist in ${def.className}`);
      else if (!compatibleFieldType(t, theirs)) out.push(`response field ${f} has type ${t}, CloudStack's is ${theirs}`);
    }
  }
  return out;
}

describe('command registry', () => {
  it('has no duplicate names (case-insensitive) and every command has a description and roles', () => {
    const reg = new Registry(COMMANDS);
    for (const c of COMMANDS) {
      assert.equal(reg.get(c.name.toUpperCase()), c);
      assert.ok(c.description.length > 0, `${c.name} has no description`);
      assert.ok(c.roles.length > 0, `${c.name} has no roles`);
    }
  });

  it('async-create commands have a create step and async-only hooks are not on sync commands', () => {
    for (const c of COMMANDS) {
      if (c.async === 'create') assert.ok(c.create, `${c.name} is async-create without create()`);
      if (!c.async) assert.ok(!c.prepare && !c.create && !c.resumable, `${c.name} is sync but has async hooks`);
    }
  });

  it('finds a mismatch when a command disagrees with the catalog', () => {
    const listAccounts = COMMANDS.find((c) => c.name === 'listAccounts')!;
    const broken = { ...listAccounts, async: true, roles: ['Admin'], params: { ...listAccounts.params, nosuch: { type: 'string', required: false, doc: '' } } } as AnyCommand;
    const found = mismatches(broken, catalog);
    assert.ok(found.some((m) => m.startsWith('async is true')), found.join('\n'));
    assert.ok(found.some((m) => m.startsWith('param nosuch')), found.join('\n'));
    assert.ok(found.some((m) => m.startsWith('roles are [Admin]')), found.join('\n'));
  });

  describe('matches CloudStack', () => {
    for (const cmd of COMMANDS) {
      it(cmd.name, () => {
        const found = mismatches(cmd, catalog);
        assert.deepEqual(found, [], `${cmd.name} disagrees with CloudStack:\n  ${found.join('\n  ')}`);
      });
    }
  });
});
