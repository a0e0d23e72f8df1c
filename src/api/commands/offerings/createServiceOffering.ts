import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { serviceOfferingResponse, toServiceOffering } from '../../responses/offerings.js';

export default defineCommand({
  name: 'createServiceOffering',
  description: 'Creates a compute offering (CPU, memory, storage type, tags); system offerings with issystem and systemvmtype.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin'],
  async: false,
  event: 'SERVICE.OFFERING.CREATE',
  params: {
    name: p.string({ required: true, doc: 'Name of the offering' }),
    displaytext: p.string({ length: 4096, doc: 'Display text (defaults to the name)' }),
    cpunumber: p.integer({ doc: 'Number of vCPUs' }),
    cpuspeed: p.integer({ doc: 'CPU speed in MHz' }),
    memory: p.integer({ doc: 'Memory in MB' }),
    offerha: p.boolean({ doc: 'HA for VMs of this offering' }),
    limitcpuuse: p.boolean({ doc: 'Cap the CPU usage at the offering\'s speed' }),
    storagetype: p.string({ doc: 'Root disk storage: shared (default) or local' }),
    tags: p.string({ length: 4096, doc: 'Storage tags for the root disk (comma separated)' }),
    hosttags: p.string({ doc: 'Host tags (comma separated)' }),
    networkrate: p.integer({ doc: 'Network rate in Mb/s' }),
    domainid: p.uuidList({ entity: 'Domain', doc: 'Domain the offering is for; public when omitted' }),
    issystem: p.boolean({ doc: 'A system VM offering' }),
    systemvmtype: p.string({ doc: 'For system offerings: domainrouter (default), consoleproxy or secondarystoragevm' }),
  },
  response: objectOf(serviceOfferingResponse),
  async handler(ctx, a) {
    const o = await ctx.services.serviceOfferings.create(ctx.caller, {
      name: a.name, displayText: a.displaytext, cpuNumber: a.cpunumber, cpuSpeed: a.cpuspeed, memory: a.memory, offerHa: a.offerha,
      limitCpuUse: a.limitcpuuse, storageType: a.storagetype, tags: a.tags, hostTags: a.hosttags, networkRate: a.networkrate,
      domainIds: a.domainid, isSystem: a.issystem, systemVmType: a.systemvmtype,
    });
    return toServiceOffering(o);
  },
});
