/**
 * First-start data, as a fresh CloudStack install has it: the ROOT domain, the four default
 * roles, the SYSTEM account/user (id 1) and the `admin` account/user (id 2) with API keys.
 * Idempotent: does nothing once ROOT exists.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/dialect.js';
import { hashPassword, newApiKey, randomPassword } from './password.js';

export interface AdminCredentials {
  username: string;
  password: string;
  apikey: string;
  secretkey: string;
}

const DEFAULT_ROLES = [
  { name: 'Root Admin', type: 'Admin', description: 'Default root admin role' },
  { name: 'Resource Admin', type: 'ResourceAdmin', description: 'Default resource admin role' },
  { name: 'Domain Admin', type: 'DomainAdmin', description: 'Default domain admin role' },
  { name: 'User', type: 'User', description: 'Default user role' },
];

export async function seedCore(db: Db, adminPassword: string | undefined): Promise<AdminCredentials | null> {
  const k = db.kysely;
  const root = await k.selectFrom('domains').select('id').where('id', '=', 1).executeTakeFirst();
  if (root) return null;
  const now = Date.now();
  const password = adminPassword || randomPassword();
  const creds: AdminCredentials = { username: 'admin', password, apikey: newApiKey(), secretkey: newApiKey() };
  const adminHash = await hashPassword(password);
  // The system user never logs in: its hash matches no password.
  const systemHash = await hashPassword(randomPassword() + randomPassword());
  await k.transaction().execute(async (trx) => {
    await trx.insertInto('domains').values({ uuid: randomUUID(), name: 'ROOT', parent_id: null, path: '/', level: 0, state: 'Active', network_domain: null, created: now, removed: null }).execute();
    for (const r of DEFAULT_ROLES) {
      await trx.insertInto('roles').values({ uuid: randomUUID(), name: r.name, role_type: r.type, description: r.description, is_default: 1, removed: null }).execute();
    }
    const account = (name: string) => ({ uuid: randomUUID(), account_name: name, type: 1, role_id: 1, domain_id: 1, state: 'enabled', network_domain: null, default_zone_id: null, cleanup_needed: 0, created: now, removed: null });
    await trx.insertInto('accounts').values(account('system')).execute();
    await trx.insertInto('accounts').values(account('admin')).execute();
    await trx.insertInto('users').values({ uuid: randomUUID(), username: 'system', password: systemHash, firstname: 'system', lastname: 'cloud', email: null, state: 'enabled', api_key: null, secret_key: null, timezone: null, account_id: 1, source: 'native', is_default: 1, login_attempts: 0, created: now, removed: null }).execute();
    await trx.insertInto('users').values({ uuid: randomUUID(), username: 'admin', password: adminHash, firstname: 'Admin', lastname: 'User', email: null, state: 'enabled', api_key: creds.apikey, secret_key: creds.secretkey, timezone: null, account_id: 2, source: 'native', is_default: 1, login_attempts: 0, created: now, removed: null }).execute();
  });
  return creds;
}
