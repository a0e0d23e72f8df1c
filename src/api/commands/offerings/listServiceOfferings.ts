import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { serviceOfferingResponse, toServiceOffering } from '../../responses/offerings.js';
import { domainListParams, listResult, pageOf } from '../common.js';

export default defineCommand({
  name: 'listServiceOfferings',
  description: 'Lists the compute offerings the caller may use: public ones and those of its domain.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...domainListParams,
    id: p.uuid({ entity: 'ServiceOffering', doc: 'Only this offering' }),
    name: p.string({ doc: 'Only offerings with this name' }),
    issystem: p.boolean({ doc: 'System offerings (admins)' }),
    systemvmtype: p.string({ doc: 'Only system offerings for this VM type' }),
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', doc: 'Offerings this VM can change to' }),
    state: p.string({ doc: 'Admins: Active (default), Inactive or all' }),
  },
  response: listOf(serviceOfferingResponse),
  async handler(ctx, a) {
    const r = await ctx.services.serviceOfferings.list(ctx.caller, {
      id: a.id, name: a.name, keyword: a.keyword, domainId: a.domainid, isSystem: a.issystem, systemVmType: a.systemvmtype, state: a.state, vmId: a.virtualmachineid,
    }, pageOf(ctx, a));
    return listResult(r, toServiceOffering);
  },
});
