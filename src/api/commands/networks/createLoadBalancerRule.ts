import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { loadBalancerResponse } from '../../responses/network-rules.js';
import { toLoadBalancers } from './lb-common.js';

export default defineCommand({
  name: 'createLoadBalancerRule',
  description: 'Creates a load balancer rule on a public IP; the rule exists (and is listed) as soon as the answer with its id returns.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: 'create',
  event: 'LB.CREATE',
  instanceType: 'LoadBalancerRule',
  resumable: true,
  params: {
    name: p.string({ required: true, doc: 'Name of the rule' }),
    description: p.string({ length: 4096, doc: 'Description' }),
    algorithm: p.string({ required: true, doc: 'roundrobin, leastconn or source' }),
    publicipid: p.uuid({ entity: 'IpAddress', doc: 'The public IP' }),
    publicport: p.integer({ required: true, doc: 'Public port' }),
    privateport: p.integer({ required: true, doc: 'Private port' }),
    protocol: p.string({ doc: 'tcp (default), udp or tcp-proxy' }),
    openfirewall: p.boolean({ doc: 'Open the public port (default true)' }),
    cidrlist: p.stringList({ doc: 'Source CIDRs' }),
    networkid: p.uuid({ entity: 'Network', doc: 'Network (ignored: the IP\'s)' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Zone (ignored)' }),
  },
  response: objectOf(loadBalancerResponse),
  async create(ctx, q) {
    if (q.publicipid === undefined) throw paramError('publicipid is required');
    const r = await ctx.services.loadBalancers.create(ctx.caller, {
      ipId: q.publicipid, name: q.name, description: q.description, algorithm: q.algorithm, publicPort: q.publicport, privatePort: q.privateport, protocol: q.protocol, cidrs: q.cidrlist, openFirewall: q.openfirewall,
    });
    return { uuid: r.uuid, ref: { id: r.id } };
  },
  async handler(ctx, _q, created) {
    const id = Number(created!.ref!['id']);
    await ctx.services.rules.apply(id);
    return (await toLoadBalancers(ctx, [await ctx.services.rules.get(id, ['LoadBalancing'])]))[0]!;
  },
});
