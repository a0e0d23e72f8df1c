/** Who is acting: resolved once per request from the API key, session or integration port. */
import type { RoleType } from '../api/roles.js';

export interface Caller {
  userId: number;
  userUuid: string;
  username: string;
  accountId: number;
  accountUuid: string;
  accountName: string;
  accountType: number;
  roleId: number;
  roleType: RoleType;
  domainId: number;
  domainUuid: string;
  /** e.g. '/' or '/sales/emea/' */
  domainPath: string;
  /** The SYSTEM account acting on the integration port or for internal work. */
  isSystem: boolean;
}

export const isRootAdmin = (c: Caller) => c.roleType === 'Admin';
export const isDomainAdmin = (c: Caller) => c.roleType === 'DomainAdmin' || c.roleType === 'ResourceAdmin';
export const isAnyAdmin = (c: Caller) => c.roleType !== 'User';

/** Internal account ids fixed by the first migration's seed, as in CloudStack. */
export const SYSTEM_ACCOUNT_ID = 1;
export const SYSTEM_USER_ID = 1;
export const ROOT_DOMAIN_ID = 1;
