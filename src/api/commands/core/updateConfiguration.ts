import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { configurationResponse, toConfiguration } from '../../responses/system.js';
import { scopeParams, settingScope } from './config-scope.js';

export default defineCommand({
  name: 'updateConfiguration',
  description: 'Changes a setting globally or for one zone, cluster, pool, account or domain; the value is checked against the setting\'s type.',
  roles: ['Admin', 'DomainAdmin'],
  async: false,
  params: {
    ...scopeParams,
    name: p.string({ required: true, doc: 'Setting name' }),
    value: p.string({ length: 4096, doc: 'New value (empty resets to the default)' }),
  },
  response: objectOf(configurationResponse),
  async handler(ctx, params) {
    const scope = await settingScope(ctx, params);
    const s = await ctx.services.config.set(ctx.caller, params.name, params.value ?? null, scope);
    return toConfiguration(s, scope?.kind);
  },
});
