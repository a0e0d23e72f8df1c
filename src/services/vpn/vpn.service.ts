/**
 * Remote access VPN (CloudStack's RemoteAccessVpnService): L2TP/IPsec on an isolated network's
 * source NAT address, served by the network's virtual router; VPN users belong to the account
 * and are authenticated by every VPN of it. Each change commits with its event, then the
 * affected networks' router documents are re-rendered and pushed (NetworkNotifier), which is
 * how the router (and the simulator) learns the VPN, its key and its users.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { forUpdate } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import { CloudError, paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { ConfigService } from '../config/config.service.js';
import type { EventService } from '../events/event.service.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { IpService } from '../networks/ip.service.js';
import type { NetworkNotifier } from '../networks/notifier.js';
import type { Page } from '../paging.js';

/** CloudStack's rules for VPN user names and passwords (RemoteAccessVpnManagerImpl). */
const USERNAME = /^[a-zA-Z0-9][a-zA-Z0-9@._-]{2,63}$/;
const PASSWORD = /^[a-zA-Z0-9][a-zA-Z0-9@#+=._-]{2,31}$/;
const PSK_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

const vpnQuery = (k: Kysely<Database>) => k.selectFrom('remote_access_vpns as v').innerJoin('user_ip_addresses as i', 'i.id', 'v.ip_address_id')
  .innerJoin('accounts as a', 'a.id', 'v.account_id').innerJoin('domains as d', 'd.id', 'v.domain_id').innerJoin('networks as n', 'n.id', 'v.network_id')
  .select(['v.id', 'v.uuid', 'v.account_id', 'v.domain_id', 'v.network_id', 'v.ip_address_id', 'v.ip_range', 'v.psk', 'v.state', 'v.for_display', 'v.open_firewall',
    'i.uuid as ip_uuid', 'i.public_ip_address', 'a.account_name', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path', 'n.uuid as network_uuid'])
  // A deleted network takes its VPN with it (its source NAT address is released).
  .where('v.removed', 'is', null).where('n.removed', 'is', null);
export type VpnRow = Awaited<ReturnType<ReturnType<typeof vpnQuery>['executeTakeFirstOrThrow']>>;

const userQuery = (k: Kysely<Database>) => k.selectFrom('vpn_users as u').innerJoin('accounts as a', 'a.id', 'u.account_id').innerJoin('domains as d', 'd.id', 'u.domain_id')
  .select(['u.id', 'u.uuid', 'u.account_id', 'u.domain_id', 'u.username', 'u.state', 'a.account_name', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path'])
  .where('u.removed', 'is', null);
export type VpnUserRow = Awaited<ReturnType<ReturnType<typeof userQuery>['executeTakeFirstOrThrow']>>;

const ipNum = (ip: string) => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const isIp = (s: string) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s) && s.split('.').every((o) => Number(o) <= 255);

/** `first-last`, ascending, with at least one client address besides the server's; never inside the guest CIDR. */
export function checkIpRange(range: string, guestCidr: string | null): void {
  const [a, b, extra] = range.split('-');
  if (!a || !b || extra !== undefined || !isIp(a) || !isIp(b) || ipNum(a) >= ipNum(b)) throw paramError(`Invalid ip range ${range}: use first-last, e.g. 10.1.2.1-10.1.2.8`);
  if (guestCidr) {
    const [net, bits] = guestCidr.split('/');
    const size = 2 ** (32 - Number(bits));
    const lo = Math.floor(ipNum(net!) / size) * size;
    if (ipNum(a) < lo + size && ipNum(b) >= lo) throw paramError(`Invalid ip range ${range}: it overlaps the guest network ${guestCidr}`);
  }
}

export class VpnService {
  constructor(private readonly db: Db, private readonly events: EventService, private readonly scoper: Scoper, private readonly config: ConfigService,
    private readonly ips: IpService, private readonly notifier: NetworkNotifier) {}

  async get(id: number): Promise<VpnRow> {
    const v = await vpnQuery(this.db.kysely).where('v.id', '=', id).executeTakeFirst();
    if (!v) throw paramError('Unable to find remote access vpn');
    return v;
  }

  /** createRemoteAccessVpn's create step: the VPN row (Added) on the caller's source NAT address. */
  async create(caller: Caller, p: { ipId: number; ipRange?: string | undefined; openFirewall?: boolean | undefined; forDisplay?: boolean | undefined }): Promise<VpnRow> {
    const ip = await this.ips.getOwned(caller, p.ipId);
    if (ip.network_id === null) throw paramError(`Public ip ${ip.public_ip_address} is not associated with a network`);
    if (!ip.source_nat) throw paramError('Vpn service can only be enabled on the source NAT ip of an isolated network');
    const net = await this.db.kysely.selectFrom('networks').select(['cidr', 'guest_type']).where('id', '=', ip.network_id).executeTakeFirstOrThrow();
    if (net.guest_type !== 'Isolated') throw paramError('Remote access vpn is only supported on isolated networks');
    const range = p.ipRange ?? (await this.config.get('remote.access.vpn.client.iprange')) ?? '10.1.2.1-10.1.2.8';
    checkIpRange(range, net.cidr);
    const len = Math.min(256, Math.max(8, (await this.config.getNumber('remote.access.vpn.psk.length')) || 24));
    const psk = [...randomBytes(len)].map((b) => PSK_CHARS[b % PSK_CHARS.length]).join('');
    const uuid = randomUUID();
    await this.db.kysely.transaction().execute(async (trx) => {
      await forUpdate(trx.selectFrom('user_ip_addresses').select('id').where('id', '=', ip.id), this.db.dialect).execute();
      const taken = await vpnQuery(trx).where('v.ip_address_id', '=', ip.id).executeTakeFirst();
      if (taken) throw paramError(`A remote access vpn already exists for ip ${ip.public_ip_address}`);
      await trx.insertInto('remote_access_vpns').values({
        uuid, account_id: ip.account_id!, domain_id: ip.domain_id!, network_id: ip.network_id!, ip_address_id: ip.id, ip_range: range, psk,
        open_firewall: p.openFirewall === false ? 0 : 1, for_display: p.forDisplay === false ? 0 : 1, state: 'Added', created: Date.now(), removed: null,
      }).execute();
      await this.events.record({ type: 'VPN.REMOTE.ACCESS.CREATE', description: `Created remote access vpn on ${ip.public_ip_address}`, userId: caller.userId, accountId: ip.account_id!, domainId: ip.domain_id!, resourceType: 'RemoteAccessVpn', resourceUuid: uuid }, trx);
    });
    return (await vpnQuery(this.db.kysely).where('v.uuid', '=', uuid).executeTakeFirstOrThrow());
  }

  /** The job: the router gets the VPN; then it is Running. */
  async apply(id: number): Promise<VpnRow> {
    const v = await this.get(id);
    await this.notifier.changed(v.network_id);
    await this.db.kysely.updateTable('remote_access_vpns').set({ state: 'Running' }).where('id', '=', id).where('removed', 'is', null).execute();
    return this.get(id);
  }

  /** The VPN on the caller's address (431 when there is none). */
  async ofIp(caller: Caller, ipId: number): Promise<VpnRow> {
    const ip = await this.ips.getOwned(caller, ipId);
    const v = await vpnQuery(this.db.kysely).where('v.ip_address_id', '=', ip.id).executeTakeFirst();
    if (!v) throw paramError(`There is no remote access vpn on ip ${ip.public_ip_address}`);
    return v;
  }

  async delete(caller: Caller, ipId: number): Promise<void> {
    const v = await this.ofIp(caller, ipId);
    const ip = { public_ip_address: v.public_ip_address };
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('remote_access_vpns').set({ removed: Date.now() }).where('id', '=', v.id).execute();
      await this.events.record({ type: 'VPN.REMOTE.ACCESS.DESTROY', description: `Deleted remote access vpn on ${ip.public_ip_address}`, userId: caller.userId, accountId: v.account_id, domainId: v.domain_id, resourceType: 'RemoteAccessVpn', resourceUuid: v.uuid }, trx);
    });
    await this.notifier.changed(v.network_id);
  }

  async list(scope: ListScope, f: { id?: number | undefined; ipId?: number | undefined; networkId?: number | undefined; forDisplay?: boolean | undefined }, page: Page): Promise<{ rows: VpnRow[]; count: number }> {
    let q = this.scoper.apply(vpnQuery(this.db.kysely), scope, 'v.account_id', 'v.domain_id');
    if (f.id !== undefined) q = q.where('v.id', '=', f.id);
    if (f.ipId !== undefined) q = q.where('v.ip_address_id', '=', f.ipId);
    if (f.networkId !== undefined) q = q.where('v.network_id', '=', f.networkId);
    if (f.forDisplay !== undefined) q = q.where('v.for_display', '=', f.forDisplay ? 1 : 0);
    return page.run(q.orderBy('v.id'));
  }

  async getUser(id: number): Promise<VpnUserRow> {
    const u = await userQuery(this.db.kysely).where('u.id', '=', id).executeTakeFirst();
    if (!u) throw paramError('Unable to find vpn user');
    return u;
  }

  /** addVpnUser's create step: the user (Add) in the owner account, within remote.access.vpn.user.limit. */
  async addUser(caller: Caller, owner: { id: number; domainId: number }, username: string, password: string): Promise<VpnUserRow> {
    if (!USERNAME.test(username)) throw paramError('Username has to begin with an alphabet or digit, have 3-64 characters from a-z A-Z 0-9 @ . _ -');
    if (!PASSWORD.test(password)) throw paramError('Password has to begin with an alphabet or digit, have 3-32 characters from a-z A-Z 0-9 @ # + = . _ -');
    const limit = Number((await this.config.get('remote.access.vpn.user.limit')) ?? 8);
    const uuid = randomUUID();
    await this.db.kysely.transaction().execute(async (trx) => {
      // The account row orders concurrent adds: the count and the name check hold until commit.
      await forUpdate(trx.selectFrom('accounts').select('id').where('id', '=', owner.id), this.db.dialect).execute();
      const users = await trx.selectFrom('vpn_users').select(['username']).where('account_id', '=', owner.id).where('removed', 'is', null).execute();
      if (users.some((u) => u.username === username)) throw paramError(`VPN User with name ${username} is already added for account ${owner.id}`);
      if (Number.isFinite(limit) && users.length >= limit) throw new CloudError('ResourceAllocation', `Cannot add more than ${limit} remote access vpn users to account ${owner.id}`);
      await trx.insertInto('vpn_users').values({ uuid, account_id: owner.id, domain_id: owner.domainId, username, password, state: 'Active', created: Date.now(), removed: null }).execute();
      await this.events.record({ type: 'VPN.USER.ADD', description: `Added vpn user ${username}`, userId: caller.userId, accountId: owner.id, domainId: owner.domainId, resourceType: 'VpnUser', resourceUuid: uuid }, trx);
    });
    return userQuery(this.db.kysely).where('u.uuid', '=', uuid).executeTakeFirstOrThrow();
  }

  async removeUser(caller: Caller, owner: { id: number; domainId: number }, username: string): Promise<void> {
    const u = await userQuery(this.db.kysely).where('u.account_id', '=', owner.id).where('u.username', '=', username).executeTakeFirst();
    if (!u) throw paramError(`Unable to find vpn user ${username}`);
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('vpn_users').set({ removed: Date.now(), state: 'Revoke' }).where('id', '=', u.id).execute();
      await this.events.record({ type: 'VPN.USER.REMOVE', description: `Removed vpn user ${username}`, userId: caller.userId, accountId: u.account_id, domainId: u.domain_id, resourceType: 'VpnUser', resourceUuid: u.uuid }, trx);
    });
    await this.pushAccount(owner.id);
  }

  /** Every VPN of the account learns the current user list. */
  async pushAccount(accountId: number): Promise<void> {
    const nets = await this.db.kysely.selectFrom('remote_access_vpns').select('network_id').where('account_id', '=', accountId).where('removed', 'is', null).execute();
    for (const n of new Set(nets.map((x) => x.network_id))) await this.notifier.changed(n);
  }

  async listUsers(scope: ListScope, f: { id?: number | undefined; username?: string | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: VpnUserRow[]; count: number }> {
    let q = this.scoper.apply(userQuery(this.db.kysely), scope, 'u.account_id', 'u.domain_id');
    if (f.id !== undefined) q = q.where('u.id', '=', f.id);
    if (f.username !== undefined) q = q.where('u.username', '=', f.username);
    if (f.keyword) q = q.where('u.username', 'like', `%${f.keyword.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
    return page.run(q.orderBy('u.id'));
  }
}
