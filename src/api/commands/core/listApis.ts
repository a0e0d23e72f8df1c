import { defineCommand, listOf, type AnyCommand } from '../../define-command.js';
import { p, type ParamSpecs } from '../../params.js';
import { apiDiscoveryResponse } from '../../responses/system.js';
import { paramError } from '../../errors.js';
import type { Wire } from '../../responses/define.js';
import type { RoleType } from '../../roles.js';

/** The listApis entry of one command as the given role sees it (role-restricted params hidden). */
export function describeCommand(cmd: AnyCommand, role: RoleType): Wire {
  const params = Object.entries(cmd.params as ParamSpecs)
    .filter(([, s]) => !s.roles || s.roles.includes(role))
    .map(([name, s]) => ({ name, description: s.doc, type: s.type, length: s.length ?? 255, required: s.required, since: s.since }));
  let response: Wire[] = [];
  if (cmd.response.kind === 'success') response = [{ name: 'success', description: 'true if the operation succeeded', type: 'boolean' }, { name: 'displaytext', description: 'any text associated with the success or failure', type: 'string' }];
  else response = Object.entries(cmd.response.of.fields).map(([name, type]) => ({ name, description: cmd.response.kind !== 'success' ? (cmd.response.of.docs?.[name] ?? name) : name, type }));
  if (cmd.async) response.push({ name: 'jobid', description: 'the UUID of the latest async job acting on this object', type: 'string' }, { name: 'jobstatus', description: 'the current status of the latest async job acting on this object', type: 'integer' });
  return { name: cmd.name, description: cmd.description, since: cmd.since, isasync: cmd.async !== false, params, response, related: undefined };
}

export default defineCommand({
  name: 'listApis',
  description: 'Lists the API commands available to the caller, with their parameters and response fields.',
  since: '4.1.0',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: { name: p.string({ doc: 'Show only the command with this name' }) },
  response: listOf(apiDiscoveryResponse),
  async handler(ctx, params) {
    const { COMMANDS } = await import('../../registry.js');
    const items: Wire[] = [];
    for (const cmd of COMMANDS) {
      if (params.name !== undefined && cmd.name.toLowerCase() !== params.name.toLowerCase()) continue;
      if (!(await ctx.services.roles.isAllowed(ctx.caller.roleId, ctx.caller.roleType, cmd.name, cmd.roles))) continue;
      items.push(describeCommand(cmd, ctx.caller.roleType));
    }
    if (params.name !== undefined && items.length === 0) throw paramError(`Unable to find API with name ${params.name} for the caller`);
    return { items, count: items.length };
  },
});
