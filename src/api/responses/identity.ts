/** Wire shapes of domains, accounts, users, roles and API keys, with their mappers. */
import { defineResponse, wireDate, type Wire } from './define.js';
import type { AccountRow, DomainRow, UserRow } from '../../services/identity/identity.queries.js';
import type { RoleRow } from '../../services/identity/role.service.js';
import { LIMIT_FIELDS } from './limit-fields.js';

export const domainResponse = defineResponse({
  objectName: 'domain',
  className: 'DomainResponse',
  fields: { id: 'string', name: 'string', level: 'integer', parentdomainid: 'string', parentdomainname: 'string', haschild: 'boolean', networkdomain: 'string', path: 'string', state: 'string', created: 'date', ...LIMIT_FIELDS },
});

/** CloudStack shows paths as ROOT/sub/child. */
export const displayPath = (path: string) => 'ROOT' + path.replace(/\/$/, '');

export function toDomain(d: DomainRow): Wire {
  return {
    id: d.uuid, name: d.name, level: d.level, parentdomainid: d.parent_uuid ?? undefined, parentdomainname: d.parent_name ?? undefined,
    haschild: Number(d.child_count) > 0, networkdomain: d.network_domain ?? undefined, path: displayPath(d.path), state: d.state, created: wireDate(d.created),
  };
}

export const userResponse = defineResponse({
  objectName: 'user',
  className: 'UserResponse',
  fields: {
    id: 'string', username: 'string', firstname: 'string', lastname: 'string', email: 'string', created: 'date', state: 'string', account: 'string',
    accounttype: 'integer', usersource: 'string', roleid: 'string', roletype: 'string', rolename: 'string', domainid: 'string', domain: 'string',
    timezone: 'string', apikey: 'string', secretkey: 'string', accountid: 'string', iscallerchilddomain: 'boolean', isdefault: 'boolean', is2faenabled: 'boolean',
  },
});

export function toUser(u: UserRow, opts: { withSecret?: boolean; callerDomainPath?: string } = {}): Wire {
  return {
    id: u.uuid, username: u.username, firstname: u.firstname, lastname: u.lastname, email: u.email ?? undefined, created: wireDate(u.created),
    state: u.state, account: u.account_name, accounttype: u.account_type, usersource: u.source, roleid: u.role_uuid, roletype: u.role_type,
    rolename: u.role_name, domainid: u.domain_uuid, domain: u.domain_name, timezone: u.timezone ?? undefined, apikey: u.api_key ?? undefined,
    secretkey: opts.withSecret ? (u.secret_key ?? undefined) : undefined, accountid: u.account_uuid,
    iscallerchilddomain: opts.callerDomainPath !== undefined ? u.domain_path !== opts.callerDomainPath && u.domain_path.startsWith(opts.callerDomainPath) : undefined,
    isdefault: u.is_default === 1, is2faenabled: false,
  };
}

export const accountResponse = defineResponse({
  objectName: 'account',
  className: 'AccountResponse',
  fields: {
    id: 'string', name: 'string', accounttype: 'integer', roleid: 'string', roletype: 'string', rolename: 'string', domainid: 'string', domain: 'string',
    domainpath: 'string', state: 'string', networkdomain: 'string', created: 'date', user: 'list', isdefault: 'boolean', iscleanuprequired: 'boolean',
    ...LIMIT_FIELDS,
  },
});

export function toAccount(a: AccountRow, users: UserRow[]): Wire {
  return {
    id: a.uuid, name: a.account_name, accounttype: a.type, roleid: a.role_uuid, roletype: a.role_type, rolename: a.role_name,
    domainid: a.domain_uuid, domain: a.domain_name, domainpath: displayPath(a.domain_path), state: a.state, networkdomain: a.network_domain ?? undefined,
    created: wireDate(a.created), user: users.map((u) => toUser(u)), isdefault: a.id <= 2, iscleanuprequired: false,
  };
}

export const roleResponse = defineResponse({
  objectName: 'role',
  className: 'RoleResponse',
  fields: { id: 'string', name: 'string', type: 'string', description: 'string', isdefault: 'boolean', state: 'string' },
});

export function toRole(r: RoleRow): Wire {
  return { id: r.uuid, name: r.name, type: r.role_type, description: r.description ?? undefined, isdefault: r.is_default === 1, state: 'ENABLED' };
}

export const userKeysResponse = defineResponse({
  objectName: 'userkeys',
  className: 'RegisterResponse',
  fields: { apikey: 'string', secretkey: 'string' },
});
