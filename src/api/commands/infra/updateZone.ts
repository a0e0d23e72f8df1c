import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { toZone, zoneResponse } from '../../responses/infra.js';

export default defineCommand({
  name: 'updateZone',
  description: 'Updates a zone: name, DNS servers, guest CIDR, allocation state, dedication.',
  roles: ['Admin'],
  async: false,
  params: {
    id: p.uuid({ entity: 'Zone', required: true, doc: 'The zone' }),
    name: p.string({ doc: 'New name' }),
    dns1: p.string({ doc: 'First DNS server for guest VMs' }),
    dns2: p.string({ doc: 'Second DNS server for guest VMs' }),
    internaldns1: p.string({ doc: 'First DNS server for system VMs' }),
    internaldns2: p.string({ doc: 'Second DNS server for system VMs' }),
    ip6dns1: p.string({ doc: 'First IPv6 DNS server' }),
    ip6dns2: p.string({ doc: 'Second IPv6 DNS server' }),
    guestcidraddress: p.string({ doc: 'Guest CIDR (Advanced zones)' }),
    domain: p.string({ doc: 'Network domain name' }),
    ispublic: p.boolean({ doc: 'true makes a dedicated zone public' }),
    allocationstate: p.string({ doc: 'Enabled or Disabled' }),
    localstorageenabled: p.boolean({ doc: 'Allow local storage for user VMs' }),
    dhcpprovider: p.string({ doc: 'DHCP provider of the zone' }),
  },
  response: objectOf(zoneResponse),
  async handler(ctx, q) {
    const z = await ctx.services.zones.update(ctx.caller, q.id, {
      name: q.name, dns1: q.dns1, dns2: q.dns2, internalDns1: q.internaldns1, internalDns2: q.internaldns2, ip6Dns1: q.ip6dns1, ip6Dns2: q.ip6dns2,
      guestCidr: q.guestcidraddress, networkDomain: q.domain, domainId: q.ispublic === true ? null : undefined, allocationState: q.allocationstate,
      localStorageEnabled: q.localstorageenabled, dhcpProvider: q.dhcpprovider,
    });
    return toZone(z);
  },
});
