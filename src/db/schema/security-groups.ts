/**
 * Security groups (basic zones and SG-enabled shared networks): named rule sets owned by an
 * account, the rules (one row per CIDR or per allowed group, as CloudStack's
 * security_group_rule), and which VMs are members. Groups and rules are deleted outright.
 */
import type { Generated } from 'kysely';

export interface SecurityGroupsTable {
  id: Generated<number>;
  uuid: string;
  /** Unique per account; every account has one named `default`. */
  name: string;
  description: string | null;
  account_id: number;
  domain_id: number;
  created: number;
}

export interface SecurityGroupRulesTable {
  id: Generated<number>;
  uuid: string;
  security_group_id: number;
  /** 'ingress' | 'egress' */
  type: string;
  /** tcp | udp | icmp | all | an IP protocol number */
  protocol: string;
  start_port: number | null;
  end_port: number | null;
  icmp_type: number | null;
  icmp_code: number | null;
  /** Source (ingress) or destination (egress) CIDR; null when the rule names a group. */
  cidr: string | null;
  /** The group whose members' addresses the rule allows; null when it names a CIDR. */
  allowed_security_group_id: number | null;
  created: number;
}

export interface SecurityGroupVmMapTable {
  id: Generated<number>;
  security_group_id: number;
  vm_id: number;
  created: number;
}

export interface SecurityGroupsTables {
  security_groups: SecurityGroupsTable;
  security_group_rules: SecurityGroupRulesTable;
  security_group_vm_map: SecurityGroupVmMapTable;
}
