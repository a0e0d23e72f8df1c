import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { systemVmResponse, toSystemVm } from '../../responses/systemvm.js';
import { listParams, pageOf } from '../common.js';

export default defineCommand({
  name: 'listSystemVms',
  description: 'Lists system VMs: the console proxy of each management server in each zone (v-<id>-VM). Nimbo has no secondary storage VM (storage is reached by the servers and agents directly), so systemvmtype=secondarystoragevm lists nothing.',
  // CloudStack's default: root and resource administrators may look; only root admins act.
  roles: ['Admin', 'ResourceAdmin'],
  async: false,
  params: {
    id: p.uuid({ entity: 'SystemVm', doc: 'the ID of the system virtual machine' }),
    name: p.string({ doc: 'the name of the system virtual machine' }),
    state: p.string({ doc: 'the state of the system virtual machine' }),
    systemvmtype: p.string({ doc: 'the system VM type. Possible types are "consoleproxy" and "secondarystoragevm".' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'the Zone ID of the system virtual machine' }),
    hostid: p.uuid({ entity: 'Host', doc: 'the host ID of the system virtual machine (console proxies run in management servers, on no host: lists nothing)' }),
    podid: p.uuid({ entity: 'Pod', doc: 'the Pod ID of the system virtual machine (console proxies belong to no pod: lists nothing)' }),
    storageid: p.uuid({ entity: 'StoragePool', doc: 'the storage ID where vm\'s volumes belong to (console proxies have no volumes: lists nothing)' }),
    arch: p.string({ doc: 'CPU arch of the system VM' }),
    ...listParams,
  },
  response: listOf(systemVmResponse),
  async handler(ctx, q) {
    const type = q.systemvmtype?.toLowerCase();
    // Filters that no console proxy can match (another type; it has no host, pod, volumes or arch of its own) list nothing.
    if ((type !== undefined && type !== 'consoleproxy') || q.hostid !== undefined || q.podid !== undefined || q.storageid !== undefined || q.arch !== undefined) return { items: [], count: 0 };
    const r = await ctx.services.consoleProxies.list({ id: q.id, name: q.name, state: q.state, zoneId: q.zoneid, keyword: q.keyword }, pageOf(ctx, q));
    return { items: r.rows.map(toSystemVm), count: r.count };
  },
});
