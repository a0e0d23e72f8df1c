import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { configurationResponse, toConfiguration } from '../../responses/system.js';
import { listParams, pageOf } from '../common.js';
import { scopeParams, settingScope } from './config-scope.js';

export default defineCommand({
  name: 'listConfigurations',
  description: 'Lists global settings, or the values at one zone, cluster, pool, account or domain.',
  roles: ['Admin', 'DomainAdmin'],
  async: false,
  params: {
    ...listParams,
    ...scopeParams,
    category: p.string({ doc: 'Only settings of this category' }),
    name: p.string({ doc: 'Only settings whose name contains this' }),
  },
  response: listOf(configurationResponse),
  async handler(ctx, params) {
    const scope = await settingScope(ctx, params, true);
    const all = await ctx.services.config.list({ name: params.name, category: params.category, keyword: params.keyword, scope });
    const page = pageOf(ctx, params).slice(all);
    return { items: page.rows.map((s) => toConfiguration(s, scope?.kind)), count: page.count };
  },
});
