import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { mockResponse, toMock } from '../../responses/host.js';

export default defineCommand({
  name: 'configureSimulator',
  description: 'Injects delays or failures into simulated hosts: name=StartCommand value=result:fail|wait:ms, scoped and counted.',
  roles: ['Admin'],
  async: false,
  params: {
    name: p.string({ required: true, doc: 'Agent command to mock (StartCommand, StopCommand, MigrateCommand, PingCommand, … or StartVm, …), or StoragePoolOutage (the hosts lose a primary pool until the mock is cleaned up)' }),
    value: p.string({ required: true, doc: 'result:fail|result:fault|wait:<ms>|rate:<0..1>|enabled:false|written:<bytes> (guest writes before a snapshot)|pool:<pool id> (StoragePoolOutage), joined with |' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Zone scope' }),
    podid: p.uuid({ entity: 'Pod', doc: 'Pod scope' }),
    clusterid: p.uuid({ entity: 'Cluster', doc: 'Cluster scope' }),
    hostid: p.uuid({ entity: 'Host', doc: 'Host scope' }),
    count: p.integer({ doc: 'Times the mock applies (per host); unlimited when absent' }),
    jsonresponse: p.string({ length: 4096, doc: 'Accepted for compatibility' }),
  },
  response: objectOf(mockResponse),
  async handler(ctx, q) {
    const m = await ctx.services.simulatorMocks.configure({ name: q.name, value: q.value, zoneId: q.zoneid, podId: q.podid, clusterId: q.clusterid, hostId: q.hostid, count: q.count, jsonResponse: q.jsonresponse });
    return toMock(m);
  },
});
