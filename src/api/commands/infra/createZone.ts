import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { toZone, zoneResponse } from '../../responses/infra.js';

export default defineCommand({
  name: 'createZone',
  description: 'Creates a zone (Basic or Advanced networking); new zones start Disabled.',
  roles: ['Admin'],
  async: false,
  params: {
    name: p.string({ required: true, doc: 'Name of the zone' }),
    networktype: p.string({ required: true, doc: 'Basic or Advanced' }),
    dns1: p.string({ required: true, doc: 'First DNS server for guest VMs' }),
    dns2: p.string({ doc: 'Second DNS server for guest VMs' }),
    internaldns1: p.string({ required: true, doc: 'First DNS server for system VMs' }),
    internaldns2: p.string({ doc: 'Second DNS server for system VMs' }),
    ip6dns1: p.string({ doc: 'First IPv6 DNS server' }),
    ip6dns2: p.string({ doc: 'Second IPv6 DNS server' }),
    guestcidraddress: p.string({ doc: 'Guest CIDR of Advanced zones (default 10.1.1.0/24)' }),
    domain: p.string({ doc: 'Network domain name of the zone\'s guest networks' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Dedicate the zone to this domain; public when absent' }),
    allocationstate: p.string({ doc: 'Enabled or Disabled (default)' }),
    securitygroupenabled: p.boolean({ doc: 'Security groups for guest isolation' }),
    localstorageenabled: p.boolean({ doc: 'Allow local storage for user VMs' }),
  },
  response: objectOf(zoneResponse),
  async handler(ctx, q) {
    const z = await ctx.services.zones.create(ctx.caller, {
      name: q.name, networkType: q.networktype, dns1: q.dns1, dns2: q.dns2, internalDns1: q.internaldns1, internalDns2: q.internaldns2,
      ip6Dns1: q.ip6dns1, ip6Dns2: q.ip6dns2, guestCidr: q.guestcidraddress, networkDomain: q.domain, domainId: q.domainid,
      allocationState: q.allocationstate, securityGroupEnabled: q.securitygroupenabled, localStorageEnabled: q.localstorageenabled,
    });
    return toZone(z);
  },
});
