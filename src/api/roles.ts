/** CloudStack's role types and account types (RoleType.java, Account.Type). */
export const ROLE_TYPES = ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'] as const;
export type RoleType = (typeof ROLE_TYPES)[number];

/** Account type ordinals as CloudStack serialises them (`accounttype`). */
export const ACCOUNT_TYPE = { User: 0, Admin: 1, DomainAdmin: 2, ResourceAdmin: 3 } as const;

export function roleTypeOfAccountType(t: number): RoleType {
  switch (t) {
    case 1: return 'Admin';
    case 2: return 'DomainAdmin';
    case 3: return 'ResourceAdmin';
    default: return 'User';
  }
}

export function accountTypeOfRoleType(r: RoleType): number {
  return ACCOUNT_TYPE[r];
}

/** Shorthands for command role lists. */
export const ALL_ROLES: RoleType[] = ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'];
export const ADMIN_ONLY: RoleType[] = ['Admin'];
export const ADMINS: RoleType[] = ['Admin', 'ResourceAdmin', 'DomainAdmin'];
export const ROOT_AND_RESOURCE: RoleType[] = ['Admin', 'ResourceAdmin'];
export const ROOT_AND_DOMAIN: RoleType[] = ['Admin', 'DomainAdmin'];
