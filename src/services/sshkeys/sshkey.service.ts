/**
 * SSH key pairs (CloudStack ManagementServerImpl create/register/list/deleteSSHKeyPair).
 * Only the public key and its fingerprint are stored; a generated private key is returned
 * once and never logged or kept.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../db/dialect.js';
import { insertId, likeInsensitive, likePattern } from '../../db/dialect.js';
import type { Database } from '../../db/schema/index.js';
import type { SshKeypairsTable } from '../../db/schema/limits.js';
import { paramError } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import type { EventService } from '../events/event.service.js';
import type { ListScope, Scoper } from '../identity/scope.js';
import type { Page } from '../paging.js';
import { fingerprintOf, generateRsaKeyPair, parsePublicKey } from './ssh-format.js';

/** A key pair with its owner's names, as the responses show it. */
export type SshKeyRow = Selectable<SshKeypairsTable> & { account_name: string; domain_uuid: string; domain_name: string; domain_path: string };

export interface OwnerSelector {
  account?: string | undefined;
  domainid?: number | undefined;
}

const keyQuery = (k: Kysely<Database>) =>
  k.selectFrom('ssh_keypairs as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .innerJoin('domains as d', 'd.id', 's.domain_id')
    .select(['s.id', 's.uuid', 's.name', 's.account_id', 's.domain_id', 's.public_key', 's.fingerprint', 's.created',
      'a.account_name', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path']);

export class SshKeyService {
  constructor(
    private readonly db: Db,
    private readonly events: EventService,
    private readonly scoper: Scoper,
  ) {}

  /** The key pair of an account by name, for deployVirtualMachine / resetSSHKeyForVirtualMachine. */
  async getByName(accountId: number, name: string): Promise<SshKeyRow | undefined> {
    return (await keyQuery(this.db.kysely).where('s.account_id', '=', accountId).where('s.name', '=', name).executeTakeFirst()) as SshKeyRow | undefined;
  }

  /** Generates an RSA 2048 pair; the private key is only in the return value. */
  async create(caller: Caller, p: OwnerSelector & { name: string }): Promise<{ key: SshKeyRow; privateKey: string }> {
    const owner = await this.owner(caller, p);
    const { privateKey, publicKey } = generateRsaKeyPair();
    const key = await this.insert(caller, owner, p.name, publicKey, null);
    return { key, privateKey };
  }

  /** Stores a caller-supplied OpenSSH public key after validating it (431 "Public key is invalid"). */
  async register(caller: Caller, p: OwnerSelector & { name: string; publicKey: string }): Promise<SshKeyRow> {
    const owner = await this.owner(caller, p);
    const parsed = parsePublicKey(p.publicKey);
    if (!parsed) throw paramError('Public key is invalid');
    return this.insert(caller, owner, p.name, parsed.line, 'REGISTER.SSH.KEYPAIR');
  }

  async delete(caller: Caller, p: OwnerSelector & { name: string }): Promise<void> {
    const owner = await this.owner(caller, p);
    const k = await this.getByName(owner.id, p.name);
    if (!k) throw paramError(`A key pair with name '${p.name}' does not exist for account ${owner.name} in specified domain id`);
    await this.db.kysely.deleteFrom('ssh_keypairs').where('id', '=', k.id).execute();
  }

  async list(scope: ListScope, f: { id?: number | undefined; name?: string | undefined; fingerprint?: string | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: SshKeyRow[]; count: number }> {
    let q = this.scoper.apply(keyQuery(this.db.kysely), scope, 's.account_id', 's.domain_id');
    if (f.id !== undefined) q = q.where('s.id', '=', f.id);
    if (f.name !== undefined) q = q.where('s.name', '=', f.name);
    if (f.fingerprint !== undefined) q = q.where('s.fingerprint', '=', f.fingerprint);
    if (f.keyword) q = q.where('s.name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('s.id')) as Promise<{ rows: SshKeyRow[]; count: number }>;
  }

  /** Account deletion: its key pairs go with it. */
  async forgetAccount(accountId: number): Promise<void> {
    await this.db.kysely.deleteFrom('ssh_keypairs').where('account_id', '=', accountId).execute();
  }

  /** The owning account: the named one (account + domainid) if the caller may act for it, else the caller's. */
  private async owner(caller: Caller, p: OwnerSelector): Promise<{ id: number; domainId: number; name: string }> {
    if (p.account === undefined) return { id: caller.accountId, domainId: caller.domainId, name: caller.accountName };
    const a = await this.scoper.accountByName(caller, p.account, p.domainid);
    return { id: a.id, domainId: a.domainId, name: p.account };
  }

  private async insert(caller: Caller, owner: { id: number; domainId: number }, name: string, publicKey: string, event: string | null): Promise<SshKeyRow> {
    const fingerprint = fingerprintOf(parsePublicKey(publicKey)!.blob);
    const uuid = randomUUID();
    await this.db.kysely.transaction().execute(async (trx) => {
      const dup = await trx.selectFrom('ssh_keypairs').select(['name', 'fingerprint']).where('account_id', '=', owner.id)
        .where((eb) => eb.or([eb('name', '=', name), eb('fingerprint', '=', fingerprint)])).execute();
      if (dup.some((d) => d.name === name)) throw paramError(`A key pair with name '${name}' already exists.`);
      // CloudStack matches the key itself; the fingerprint of its blob is the same test, comment aside.
      if (dup.length > 0) throw paramError(`A key pair with key '${publicKey}' already exists.`);
      await insertId(trx, this.db.dialect, 'ssh_keypairs', { uuid, name, account_id: owner.id, domain_id: owner.domainId, public_key: publicKey, fingerprint, created: Date.now() });
      if (event) {
        await this.events.record({ type: event, description: `SSH key pair ${name} registered`, userId: caller.userId, accountId: owner.id, domainId: owner.domainId, resourceType: 'SSHKeyPair', resourceUuid: uuid }, trx);
      }
    }).catch(async (err: unknown) => {
      // Two requests racing for one name: the unique index decides, the loser gets the 431.
      if (await this.getByName(owner.id, name).then((k) => k && k.uuid !== uuid)) throw paramError(`A key pair with name '${name}' already exists.`);
      throw err;
    });
    return (await keyQuery(this.db.kysely).where('s.uuid', '=', uuid).executeTakeFirstOrThrow()) as SshKeyRow;
  }
}
