import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { userVmResponse } from '../../responses/vm.js';
import { USER_ROLES, rootAdminOnly, vmWire } from './vm-common.js';

const ADMIN = ['Admin'] as const;

export default defineCommand({
  name: 'deployVirtualMachine',
  description: 'Creates and automatically starts a virtual machine based on a service offering, disk offering, and template (or ISO).',
  roles: [...USER_ROLES],
  async: 'create',
  event: 'VM.CREATE',
  instanceType: 'VirtualMachine',
  params: {
    zoneid: p.uuid({ entity: 'Zone', required: true, doc: 'Availability zone for the virtual machine' }),
    serviceofferingid: p.uuid({ entity: 'ServiceOffering', required: true, doc: 'The service offering' }),
    templateid: p.uuid({ entity: 'Template', doc: 'The template (or ISO) for the virtual machine' }),
    diskofferingid: p.uuid({ entity: 'DiskOffering', doc: 'A data disk of this offering; with an ISO it sizes the root disk' }),
    size: p.long({ doc: 'GB size of the data disk for a custom disk offering' }),
    rootdisksize: p.long({ doc: 'GB size of the root disk (at least the template size)' }),
    name: p.string({ doc: 'Host name of the virtual machine (RFC 1123); VM-<uuid> by default' }),
    displayname: p.string({ doc: 'Display name of the virtual machine' }),
    group: p.string({ doc: 'An optional group for the virtual machine' }),
    keypair: p.string({ doc: 'Name of the SSH key pair used to log in' }),
    userdata: p.string({ length: 1_048_576, sensitive: true, doc: 'Base64 user data (up to 4 KB through GET, 1 MB through POST)' }),
    account: p.string({ doc: 'Deploy for this account (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Domain of the account' }),
    networkids: p.uuidList({ entity: 'Network', doc: 'Networks the VM joins (none in a Basic zone), the first is the default (the account\'s isolated network in the zone by default, created on first deploy)' }),
    securitygroupids: p.uuidList({ entity: 'SecurityGroup', doc: 'Security groups of the VM (Basic zone); the default group when none' }),
    securitygroupnames: p.stringList({ doc: 'Security groups by name (or securitygroupids)' }),
    ipaddress: p.string({ doc: 'IPv4 address of the VM on its default network' }),
    iptonetworklist: p.map({ doc: 'Networks with addresses: iptonetworklist[0].networkid=<uuid>&iptonetworklist[0].ip=<address>; not with networkids' }),
    hostid: p.uuid({ entity: 'Host', doc: 'Destination host (root admin only)' }),
    clusterid: p.uuid({ entity: 'Cluster', roles: [...ADMIN], doc: 'Destination cluster (root admin)' }),
    podid: p.uuid({ entity: 'Pod', roles: [...ADMIN], doc: 'Destination pod (root admin)' }),
    startvm: p.boolean({ doc: 'true (default) starts the VM; false leaves it Stopped' }),
    hypervisor: p.string({ doc: 'Hypervisor (the template\'s is used)' }),
  },
  response: objectOf(userVmResponse),
  async create(ctx, params) {
    rootAdminOnly(ctx, params);
    const created = (vm: { id: number; uuid: string }) => ({ uuid: vm.uuid, ref: { vmId: vm.id } });
    const within = ctx.withinCreate;
    // The job's row and Scheduled event are written in the VM's own transaction.
    const vm = await ctx.services.vms.create(ctx.caller, params, within && ((trx, v) => within(trx, created(v))));
    return created(vm);
  },
  async handler(ctx, params, created) {
    const id = Number(created!.ref!['vmId']);
    if (params.startvm !== false) {
      const target: { deploy: boolean; hostId?: number; clusterId?: number; podId?: number } = { deploy: true };
      if (params.hostid !== undefined) target.hostId = params.hostid;
      if (params.clusterid !== undefined) target.clusterId = params.clusterid;
      if (params.podid !== undefined) target.podId = params.podid;
      await ctx.services.vms.start(ctx.caller, id, target);
    }
    const vm = await ctx.services.vms.access(ctx.caller, id);
    return vmWire(ctx, vm.id, vm.password ? { password: vm.password } : {});
  },
});
