/** Joined reads of domains, accounts and users shared by the identity services. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema/index.js';
import type { DialectName } from '../../db/dialect.js';

/**
 * Kysely builders are immutable, so each base query is built once per Kysely instance (or
 * transaction) and reused: parsing its column list and joins was a fifth of the time of a
 * signed `listAccounts` (issue #2 bench).
 */
function once<T>(build: (k: Kysely<Database>) => T): (k: Kysely<Database>) => T {
  const built = new WeakMap<Kysely<Database>, T>();
  return (k) => {
    let q = built.get(k);
    if (q === undefined) built.set(k, (q = build(k)));
    return q;
  };
}

export interface DomainRow {
  id: number;
  uuid: string;
  name: string;
  parent_id: number | null;
  path: string;
  level: number;
  state: string;
  network_domain: string | null;
  created: number;
  parent_uuid: string | null;
  parent_name: string | null;
  child_count: number | null;
}

export const domainQuery = once((k: Kysely<Database>) =>
  k
    .selectFrom('domains as d')
    .leftJoin('domains as p', 'p.id', 'd.parent_id')
    .select((eb) => [
      'd.id', 'd.uuid', 'd.name', 'd.parent_id', 'd.path', 'd.level', 'd.state', 'd.network_domain', 'd.created',
      'p.uuid as parent_uuid', 'p.name as parent_name',
      eb.selectFrom('domains as c').select(eb.fn.countAll<number>().as('n')).whereRef('c.parent_id', '=', 'd.id').where('c.removed', 'is', null).as('child_count'),
    ])
    .where('d.removed', 'is', null),
);

export interface AccountRow {
  id: number;
  uuid: string;
  account_name: string;
  type: number;
  role_id: number;
  domain_id: number;
  state: string;
  network_domain: string | null;
  created: number;
  role_uuid: string;
  role_name: string;
  role_type: string;
  domain_uuid: string;
  domain_name: string;
  domain_path: string;
}

export const accountQuery = once((k: Kysely<Database>) =>
  k
    .selectFrom('accounts as a')
    .innerJoin('roles as r', 'r.id', 'a.role_id')
    .innerJoin('domains as d', 'd.id', 'a.domain_id')
    .select([
      'a.id', 'a.uuid', 'a.account_name', 'a.type', 'a.role_id', 'a.domain_id', 'a.state', 'a.network_domain', 'a.created',
      'r.uuid as role_uuid', 'r.name as role_name', 'r.role_type as role_type',
      'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path',
    ])
    .where('a.removed', 'is', null),
);

export interface UserRow {
  id: number;
  uuid: string;
  username: string;
  firstname: string;
  lastname: string;
  email: string | null;
  state: string;
  api_key: string | null;
  secret_key: string | null;
  timezone: string | null;
  account_id: number;
  source: string;
  is_default: number;
  created: number;
  account_uuid: string;
  account_name: string;
  account_type: number;
  account_state: string;
  domain_id: number;
  domain_uuid: string;
  domain_name: string;
  domain_path: string;
  role_id: number;
  role_uuid: string;
  role_name: string;
  role_type: string;
}

export const userQuery = once((k: Kysely<Database>) =>
  k
    .selectFrom('users as u')
    .innerJoin('accounts as a', 'a.id', 'u.account_id')
    .innerJoin('domains as d', 'd.id', 'a.domain_id')
    .innerJoin('roles as r', 'r.id', 'a.role_id')
    .select([
      'u.id', 'u.uuid', 'u.username', 'u.firstname', 'u.lastname', 'u.email', 'u.state', 'u.api_key', 'u.secret_key',
      'u.timezone', 'u.account_id', 'u.source', 'u.is_default', 'u.created',
      'a.uuid as account_uuid', 'a.account_name', 'a.type as account_type', 'a.state as account_state',
      'd.id as domain_id', 'd.uuid as domain_uuid', 'd.name as domain_name', 'd.path as domain_path',
      'r.id as role_id', 'r.uuid as role_uuid', 'r.name as role_name', 'r.role_type as role_type',
    ])
    .where('u.removed', 'is', null)
    .where('a.removed', 'is', null),
);

/**
 * Serialises name checks within one domain (unique account, user and sub-domain names):
 * locks the domain row for the rest of the transaction. SQLite runs one writer at a time
 * already. Call it first in the transaction, so MariaDB's snapshot starts after the lock.
 */
export async function lockDomainRow(trx: Kysely<Database>, dialect: DialectName, domainId: number): Promise<void> {
  if (dialect === 'sqlite') return;
  await trx.selectFrom('domains').select('id').where('id', '=', domainId).forUpdate().execute();
}
