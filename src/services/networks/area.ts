/**
 * Guest networking (issue #7): network offerings, guest networks, NICs, public IPs, rules and
 * the router document. `networks` is what the VM area calls (defaultNetworkFor, implement,
 * shutdown); `nics` allocates and releases NICs in the VM's transactions.
 */
import type { Area } from '../../area.js';
import { NetworkOfferingService } from './offering.service.js';
import { NetworkService } from './network.service.js';
import { NicService } from './nic.service.js';
import { IpService } from './ip.service.js';
import { NetworkNotifier } from './notifier.js';
import { RuleService } from './rule.service.js';
import { RouterDocumentService } from './router-document.service.js';
import { LbService } from './lb.service.js';
import { DirectNetworkService } from './direct-network.service.js';
import { LbStickinessService } from './lb-stickiness.service.js';
import { StaticNatService } from './static-nat.service.js';
import { NicIpService } from './nic-ip.service.js';

export interface NetworksServices {
  networkOfferings: NetworkOfferingService;
  /** create/list/update/delete/restart; implement, shutdown, defaultNetworkFor, onNetworkChanged. */
  networks: NetworkService;
  /** allocateNic(trx, {vmId, networkId, ip?}) / releaseNics(trx, vmId). */
  nics: NicService;
  publicIps: IpService;
  /** Firewall, egress, port-forwarding rules. */
  rules: RuleService;
  /** Load balancer rules and their members. */
  loadBalancers: LbService;
  /** LB stickiness policies (one per LB rule). */
  lbStickiness: LbStickinessService;
  /** enableStaticNat / disableStaticNat and IP forwarding rules. */
  staticNat: StaticNatService;
  /** Secondary guest IPs of NICs (addIpToNic / removeIpFromNic). */
  nicIps: NicIpService;
  /** Subscribe here to hear about committed network changes (router push). */
  networkNotifier: NetworkNotifier;
  /** Basic-zone (untagged direct) networks and addresses; tagged direct ranges. */
  directNetworks: DirectNetworkService;
}

export const NETWORKS_AREA: Area = {
  name: 'networks',
  async create({ db, services }) {
    const networkNotifier = new NetworkNotifier();
    const networkOfferings = new NetworkOfferingService(db);
    const publicIps = new IpService(db, services.events, services.scoper, services.limits, networkNotifier);
    const networks = new NetworkService(db, services.events, services.scoper, services.limits, networkOfferings, services.physicalNetworks, publicIps, networkNotifier);
    const nics = new NicService(db);
    const directNetworks = new DirectNetworkService(db, services.events, services.scoper, networkOfferings);
    networks.direct = directNetworks;
    services.vlanRanges.directRanges = { adopt: (trx, caller, r) => directNetworks.adoptRange(trx, caller, r), release: (trx, caller, r) => directNetworks.releaseRange(trx, caller, r) };
    const routerDocs = new RouterDocumentService(db, services.config);
    networks.routerDocumentLoader = (ids) => routerDocs.renderMany(ids);
    const rules = new RuleService(db, services.events, services.scoper, publicIps, networks, networkNotifier);
    services.limits.registerCounter('public_ip', async (accountId, exec) =>
      // Public addresses only: a direct range's addresses are guests' NIC addresses.
      Number((await exec.selectFrom('user_ip_addresses').select((eb) => eb.fn.countAll().as('c')).where('account_id', '=', accountId).where('state', '!=', 'Free')
        .where('vlan_id', 'in', (eb) => eb.selectFrom('vlans').select('id').where('vlan_type', '=', 'VirtualNetwork')).executeTakeFirstOrThrow()).c));
    services.limits.registerCounter('network', async (accountId, exec) =>
      Number((await exec.selectFrom('networks').select((eb) => eb.fn.countAll().as('c')).where('account_id', '=', accountId).where('guest_type', '=', 'Isolated').where('removed', 'is', null).executeTakeFirstOrThrow()).c));
    const loadBalancers = new LbService(db, services.events, publicIps, rules, networkNotifier);
    const lbStickiness = new LbStickinessService(db, services.events, rules, networkNotifier);
    const staticNat = new StaticNatService(db, services.events, publicIps, rules, networkNotifier);
    const nicIps = new NicIpService(db, services.events, services.scoper, networkNotifier);
    services.accounts.addCleanupHook((accountId) => networks.forgetAccount(accountId));
    return { services: { networkOfferings, networks, nics, publicIps, rules, loadBalancers, lbStickiness, staticNat, nicIps, networkNotifier, directNetworks } };
  },
};
