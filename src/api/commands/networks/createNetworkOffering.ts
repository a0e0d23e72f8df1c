import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { networkOfferingResponse, toNetworkOffering } from '../../responses/networks.js';

export default defineCommand({
  name: 'createNetworkOffering',
  description: 'Creates a network offering for guest networks (Disabled unless enable=true).',
  roles: ['Admin'],
  async: false,
  event: 'NETWORK.OFFERING.CREATE',
  params: {
    name: p.string({ required: true, doc: 'Name of the offering' }),
    displaytext: p.string({ doc: 'Display text' }),
    traffictype: p.string({ required: true, doc: 'Guest' }),
    guestiptype: p.string({ required: true, doc: 'Shared or Isolated' }),
    availability: p.string({ doc: 'Required or Optional' }),
    specifyvlan: p.boolean({ doc: 'Networks take a VLAN' }),
    specifyipranges: p.boolean({ doc: 'Networks take an IP range' }),
    conservemode: p.boolean({ doc: 'IP conserve mode' }),
    egressdefaultpolicy: p.boolean({ doc: 'Default egress policy: true (the default) allows, false denies' }),
    ispersistent: p.boolean({ doc: 'Implement networks at creation' }),
    networkrate: p.integer({ doc: 'Rate in Mbit/s' }),
    tags: p.string({ doc: 'Tags' }),
    maxconnections: p.integer({ doc: 'Max LB connections' }),
    supportedservices: p.stringList({ doc: 'Services (Dhcp, Dns, SourceNat, …)' }),
    serviceproviderlist: p.map({ doc: 'service → provider' }),
    enable: p.boolean({ doc: 'Create Enabled' }),
  },
  response: objectOf(networkOfferingResponse),
  async handler(ctx, q) {
    return toNetworkOffering(await ctx.services.networkOfferings.create({
      name: q.name, displayText: q.displaytext, trafficType: q.traffictype, guestType: q.guestiptype, availability: q.availability, specifyVlan: q.specifyvlan,
      specifyIpRanges: q.specifyipranges, conserveMode: q.conservemode, egressDefaultPolicy: q.egressdefaultpolicy, isPersistent: q.ispersistent,
      networkRate: q.networkrate, tags: q.tags, maxConnections: q.maxconnections, services: q.supportedservices, providers: q.serviceproviderlist, enable: q.enable,
    }));
  },
});
