/**
 * CloudStack's usage types (UsageTypes.java) with their numeric ids and descriptions, as
 * listUsageTypes serves them. `unit` says what a record's raw usage counts: hours of
 * existence (stored as exact milliseconds) or bytes.
 */
export interface UsageTypeDef {
  id: number;
  name: string;
  description: string;
  unit: 'hours' | 'bytes';
}

export const USAGE_TYPES: readonly UsageTypeDef[] = [
  { id: 1, name: 'RUNNING_VM', description: 'Running Vm Usage', unit: 'hours' },
  { id: 2, name: 'ALLOCATED_VM', description: 'Allocated Vm Usage', unit: 'hours' },
  { id: 3, name: 'IP_ADDRESS', description: 'IP Address Usage', unit: 'hours' },
  { id: 4, name: 'NETWORK_BYTES_SENT', description: 'Network Usage (Bytes Sent)', unit: 'bytes' },
  { id: 5, name: 'NETWORK_BYTES_RECEIVED', description: 'Network Usage (Bytes Received)', unit: 'bytes' },
  { id: 6, name: 'VOLUME', description: 'Volume Usage', unit: 'hours' },
  { id: 7, name: 'TEMPLATE', description: 'Template Usage', unit: 'hours' },
  { id: 8, name: 'ISO', description: 'ISO Usage', unit: 'hours' },
  { id: 9, name: 'SNAPSHOT', description: 'Snapshot Usage', unit: 'hours' },
  { id: 10, name: 'SECURITY_GROUP', description: 'Security Group Usage', unit: 'hours' },
  { id: 11, name: 'LOAD_BALANCER_POLICY', description: 'Load Balancer Usage', unit: 'hours' },
  { id: 12, name: 'PORT_FORWARDING_RULE', description: 'Port Forwarding Usage', unit: 'hours' },
  { id: 13, name: 'NETWORK_OFFERING', description: 'Network Offering Usage', unit: 'hours' },
  { id: 14, name: 'VPN_USERS', description: 'VPN users usage', unit: 'hours' },
];

export const USAGE = {
  RUNNING_VM: 1, ALLOCATED_VM: 2, IP_ADDRESS: 3, NETWORK_BYTES_SENT: 4, NETWORK_BYTES_RECEIVED: 5, VOLUME: 6, TEMPLATE: 7, ISO: 8,
  SNAPSHOT: 9, SECURITY_GROUP: 10, LOAD_BALANCER_POLICY: 11, PORT_FORWARDING_RULE: 12, NETWORK_OFFERING: 13, VPN_USERS: 14,
} as const;

const BY_ID = new Map(USAGE_TYPES.map((t) => [t.id, t]));

export function usageType(id: number): UsageTypeDef | undefined {
  return BY_ID.get(id);
}
