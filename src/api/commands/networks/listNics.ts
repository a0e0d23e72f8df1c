import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { defineResponse } from '../../responses/define.js';
import { toNic } from '../../responses/vm.js';
import { isRootAdmin } from '../../../services/caller.js';
import { listParams, pageOf } from '../common.js';

/** NicResponse as a list item (`nic`): the nested VM NIC plus its VM and secondary IPs. */
const nicResponse = defineResponse({
  objectName: 'nic',
  className: 'NicResponse',
  fields: {
    id: 'string', networkid: 'string', networkname: 'string', netmask: 'string', gateway: 'string', ipaddress: 'string', isolationuri: 'string',
    broadcasturi: 'string', traffictype: 'string', type: 'string', isdefault: 'boolean', macaddress: 'string', deviceid: 'string',
    virtualmachineid: 'string', secondaryip: 'list',
  },
});

export default defineCommand({
  name: 'listNics',
  description: "Lists a VM's NICs (one NIC, or those on one network), each with its secondary IPs.",
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {
    ...listParams,
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', required: true, doc: 'The VM' }),
    nicid: p.uuid({ entity: 'Nic', doc: 'Only this NIC' }),
    networkid: p.uuid({ entity: 'Network', doc: "Only the VM's NIC on this network" }),
    fordisplay: p.boolean({ roles: ['Admin'], doc: 'List by display flag (root admins only): every NIC is shown, so false lists none' }),
  },
  response: listOf(nicResponse),
  async handler(ctx, q) {
    if (q.fordisplay === false) return { items: [], count: 0 };
    const r = await ctx.services.nicIps.nicsOfVm(ctx.caller, q.virtualmachineid, { nicId: q.nicid, networkId: q.networkid, keyword: q.keyword }, pageOf(ctx, q));
    const admin = isRootAdmin(ctx.caller);
    return { items: r.rows.map((n) => ({ ...toNic(n, admin), virtualmachineid: r.vmUuid, ...(n.secondary.length ? { secondaryip: n.secondary } : {}) })), count: r.count };
  },
});
