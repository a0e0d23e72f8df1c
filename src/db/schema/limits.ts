/**
 * Tables of resource limits and counts, SSH key pairs and instance groups (issue #5).
 * Limits and counts belong to an account or a domain (`owner_type` + `owner_id`); a missing
 * limit row means "use the global default" (max.account.* / max.domain.*).
 */
import type { Generated } from 'kysely';

export type LimitOwnerType = 'account' | 'domain';

export interface ResourceLimitsTable {
  id: Generated<number>;
  /** CloudStack's resource type name: user_vm, public_ip, … secondary_storage. */
  type: string;
  owner_type: LimitOwnerType;
  owner_id: number;
  /** -1 = unlimited; storage types in bytes, memory in MiB, as CloudStack stores them. */
  max: number;
}

export interface ResourceCountsTable {
  id: Generated<number>;
  type: string;
  owner_type: LimitOwnerType;
  owner_id: number;
  count: number;
}

export interface SshKeypairsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  account_id: number;
  domain_id: number;
  /** OpenSSH one-line public key ("ssh-rsa AAAA… [comment]"). The private key is never stored. */
  public_key: string;
  /** MD5 of the key blob, colon-separated lower-case hex. */
  fingerprint: string;
  created: number;
}

export interface InstanceGroupsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  account_id: number;
  domain_id: number;
  created: number;
  removed: number | null;
}

export interface InstanceGroupVmMapTable {
  id: Generated<number>;
  group_id: number;
  /** `vm_instances.id` (owned by the VM area). */
  vm_id: number;
}

export interface LimitsTables {
  resource_limits: ResourceLimitsTable;
  resource_counts: ResourceCountsTable;
  ssh_keypairs: SshKeypairsTable;
  instance_groups: InstanceGroupsTable;
  instance_group_vm_map: InstanceGroupVmMapTable;
}
