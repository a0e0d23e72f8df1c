/**
 * Static (1:1) NAT of a public IP to a VM's guest IP (CloudStack RulesManagerImpl
 * enableStaticNat / disableStaticNat / createStaticNatRule). The IP row carries it
 * (`one_to_one_nat`, `vm_id`, `vm_ip`); IP forwarding rules (purpose StaticNat) are the
 * optional per-port rules on such an IP. Firewall rules on the IP still decide what is open.
 * Events STATICNAT.ENABLE / STATICNAT.DISABLE commit with the change.
 */
import type { Db } from '../../db/dialect.js';
import { forUpdate } from '../../db/dialect.js';
import { CloudError, paramError, permissionDenied } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { IpRow, IpService } from './ip.service.js';
import type { RuleRow, RuleService } from './rule.service.js';
import type { NetworkNotifier } from './notifier.js';

const GONE = ['Destroyed', 'Expunging', 'Error'];

export class StaticNatService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly ips: IpService,
    private readonly rules: RuleService,
    private readonly notifier: NetworkNotifier,
  ) {}

  async enable(caller: Caller, p: { ipId: number; vmId: number; networkId?: number | undefined; vmGuestIp?: string | undefined }): Promise<void> {
    const ip = await this.ips.getOwned(caller, p.ipId);
    if (ip.network_id === null) throw paramError(`Unable to enable static NAT for the ip address id=${ip.uuid} as ip is not associated with any network`);
    if (p.networkId !== undefined && p.networkId !== ip.network_id) throw paramError(`The ip address ${ip.public_ip_address} is not associated with the network given`);
    if (ip.source_nat) throw paramError(`Can't enable static, ip address ${ip.public_ip_address} is a sourceNat ip address`);
    const vm = await this.db.kysely.selectFrom('vm_instances').select(['id', 'uuid', 'account_id', 'state', 'type']).where('id', '=', p.vmId).where('removed', 'is', null).executeTakeFirst();
    if (!vm || GONE.includes(vm.state) || vm.type !== 'User') throw paramError(`Can't enable static nat for the address id=${ip.uuid}, invalid virtual machine id specified`);
    if (vm.account_id !== ip.account_id) throw permissionDenied(`The virtual machine ${vm.uuid} and the ip address ${ip.public_ip_address} belong to different accounts`);
    const guestIps = await this.rules.guestIpsOf(vm.id, ip.network_id);
    if (guestIps.length === 0) throw paramError(`Virtual machine ${vm.uuid} is not in the network of the ip address ${ip.public_ip_address}`);
    if (p.vmGuestIp !== undefined && !guestIps.includes(p.vmGuestIp)) throw paramError(`Invalid vm ip address ${p.vmGuestIp}: it is not an ip of the virtual machine in the network`);
    const vmIp = p.vmGuestIp ?? guestIps[0]!;
    await this.db.kysely.transaction().execute(async (trx) => {
      const row = await forUpdate(trx.selectFrom('user_ip_addresses').select(['id', 'one_to_one_nat', 'vm_id', 'state']).where('id', '=', ip.id), this.db.dialect).executeTakeFirstOrThrow();
      if (row.one_to_one_nat) {
        if (row.vm_id !== vm.id) throw new CloudError('NetworkRuleConflict', `Failed to enable static nat for the ip address ${ip.public_ip_address} and vm id=${vm.uuid} as it's already assigned to another vm`);
      } else {
        for (const purpose of ['PortForwarding', 'LoadBalancing']) {
          const r = await trx.selectFrom('firewall_rules').select('id').where('ip_address_id', '=', ip.id).where('purpose', '=', purpose).where('removed', 'is', null).executeTakeFirst();
          if (r) throw new CloudError('NetworkRuleConflict', `Failed to enable static nat for the ip address ${ip.public_ip_address} as it already has ${purpose} rules assigned`);
        }
      }
      const other = await trx.selectFrom('user_ip_addresses').select('public_ip_address').where('vm_id', '=', vm.id).where('vm_ip', '=', vmIp).where('one_to_one_nat', '=', 1).where('id', '!=', ip.id).where('removed', 'is', null).executeTakeFirst();
      if (other) throw paramError(`Failed to enable static nat on the ip ${ip.public_ip_address} for the vm ${vm.uuid} as it already has public ip address associated with it: ${other.public_ip_address}`);
      await trx.updateTable('user_ip_addresses').set({ one_to_one_nat: 1, vm_id: vm.id, vm_ip: vmIp }).where('id', '=', ip.id).execute();
      await this.events.record({ type: 'STATICNAT.ENABLE', description: `Enabled static NAT of ${ip.public_ip_address} to ${vmIp}`, userId: caller.userId, accountId: ip.account_id!, domainId: ip.domain_id!, resourceType: 'IpAddress', resourceUuid: ip.uuid }, trx);
    });
    await this.notifier.changed(ip.network_id);
  }

  /** disableStaticNat's check (in the request). */
  async checkDisable(caller: Caller, ipId: number): Promise<IpRow> {
    const ip = await this.ips.getOwned(caller, ipId);
    if (!ip.one_to_one_nat || ip.vm_id === null) throw paramError(`Specified IP address id ${ip.uuid} is not associated with any vm Id`);
    return ip;
  }

  /** disableStaticNat's job: the IP's IP forwarding rules (and the firewall rules they opened) go too. */
  async disable(caller: Caller, ipId: number): Promise<void> {
    const ip = await this.checkDisable(caller, ipId);
    await this.db.kysely.transaction().execute(async (trx) => {
      await forUpdate(trx.selectFrom('user_ip_addresses').select('id').where('id', '=', ip.id), this.db.dialect).execute();
      const nat = (await trx.selectFrom('firewall_rules').select('id').where('ip_address_id', '=', ip.id).where('purpose', '=', 'StaticNat').where('removed', 'is', null).execute()).map((r) => r.id);
      if (nat.length > 0) {
        await trx.updateTable('firewall_rules').set({ state: 'Revoke', removed: Date.now() })
          .where((eb) => eb.or([eb('id', 'in', nat), eb('related_id', 'in', nat)])).where('removed', 'is', null).execute();
      }
      await trx.updateTable('user_ip_addresses').set({ one_to_one_nat: 0, vm_id: null, vm_ip: null }).where('id', '=', ip.id).execute();
      await this.events.record({ type: 'STATICNAT.DISABLE', description: `Disabled static NAT of ${ip.public_ip_address}`, userId: caller.userId, accountId: ip.account_id!, domainId: ip.domain_id!, resourceType: 'IpAddress', resourceUuid: ip.uuid }, trx);
    });
    if (ip.network_id !== null) await this.notifier.changed(ip.network_id);
  }

  /** createIpForwardingRule's create step: a tcp/udp port range of a static NAT IP, to the same ports of its VM. */
  async createRule(caller: Caller, p: { ipId: number; protocol: string; startPort: number; endPort?: number | undefined; openFirewall?: boolean | undefined; cidrs?: string[] | undefined }): Promise<RuleRow> {
    const ip = await this.ips.getOwned(caller, p.ipId);
    if (!ip.one_to_one_nat || ip.vm_id === null || ip.network_id === null) throw new CloudError('NetworkRuleConflict', `Can't do static nat on ip address: ${ip.public_ip_address}`);
    const proto = p.protocol.toLowerCase();
    if (proto !== 'tcp' && proto !== 'udp') throw paramError(`Invalid protocol ${p.protocol}; valid values are TCP or UDP`);
    const end = p.endPort ?? p.startPort;
    for (const port of [p.startPort, end]) if (port < 1 || port > 65535) throw paramError(`Invalid port ${port}; it must be between 1 and 65535`);
    if (end < p.startPort) throw paramError('Start port can not be greater than end port');
    const cidrs = (p.cidrs ?? []).flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean);
    const id = await this.rules.insert(caller, {
      purpose: 'StaticNat', ip_address_id: ip.id, network_id: ip.network_id, account_id: ip.account_id!, domain_id: ip.domain_id!, protocol: proto, start_port: p.startPort, end_port: end,
      traffic_type: 'Ingress', vm_id: ip.vm_id, vm_ip: ip.vm_ip, dest_port_start: p.startPort, dest_port_end: end,
    }, cidrs.length > 0 ? cidrs : ['0.0.0.0/0'], 'NET.RULEADD', `Created IP forwarding rule on ${ip.public_ip_address}`, p.openFirewall !== false);
    return this.rules.get(id, ['StaticNat']);
  }
}
