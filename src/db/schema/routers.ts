/** Virtual routers (see migration 0010): the network a DomainRouter VM serves and its addresses. */
import type { Generated } from 'kysely';

export interface DomainRoutersTable {
  id: Generated<number>;
  /** The router's vm_instances row (type DomainRouter). */
  vm_id: number;
  network_id: number;
  /** The guest NIC's address: the network's gateway. */
  guest_ip: string | null;
  /** The public NIC's address (the network's source NAT IP), when the network has one. */
  public_ip_id: number | null;
  /** The control NIC's link-local address (169.254.0.0/16). */
  link_local_ip: string;
  /** sha256 of the last document its host acknowledged, and when. */
  applied_version: string | null;
  applied_at: number | null;
  removed: number | null;
}

export interface RoutersTables {
  domain_routers: DomainRoutersTable;
}
