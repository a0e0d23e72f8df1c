import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { defineResponse } from '../../responses/define.js';

const hypervisorResponse = defineResponse({ objectName: 'hypervisor', className: 'HypervisorResponse', fields: { name: 'string' } });

export default defineCommand({
  name: 'listHypervisors',
  description: 'Lists the hypervisor types a zone runs (its clusters\' types), or all supported types.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: { zoneid: p.uuid({ entity: 'Zone', doc: 'Only the hypervisors of this zone' }) },
  response: listOf(hypervisorResponse),
  async handler(ctx, params) {
    const names = await ctx.services.clusters.hypervisors(params.zoneid);
    return { items: names.map((name) => ({ name })), count: names.length };
  },
});
