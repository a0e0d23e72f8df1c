/**
 * Where a form finds the choices for a UUID parameter: the list command, the list key's
 * label field and fixed filters. Keyed by `command.param` first, then by parameter name.
 */
export interface Lookup {
  command: string;
  label: string;
  params?: Record<string, string | boolean>;
  multiple?: boolean;
}

const BY_PARAM: Record<string, Lookup> = {
  zoneid: { command: 'listZones', label: 'name' },
  destzoneid: { command: 'listZones', label: 'name' },
  podid: { command: 'listPods', label: 'name' },
  clusterid: { command: 'listClusters', label: 'name' },
  domainid: { command: 'listDomains', label: 'path', params: { listall: true } },
  parentdomainid: { command: 'listDomains', label: 'path', params: { listall: true } },
  ostypeid: { command: 'listOsTypes', label: 'description' },
  oscategoryid: { command: 'listOsCategories', label: 'name' },
  serviceofferingid: { command: 'listServiceOfferings', label: 'name' },
  diskofferingid: { command: 'listDiskOfferings', label: 'name' },
  networkofferingid: { command: 'listNetworkOfferings', label: 'name', params: { state: 'Enabled', guestiptype: 'Isolated' } },
  templateid: { command: 'listTemplates', label: 'name', params: { templatefilter: 'executable' } },
  isoid: { command: 'listIsos', label: 'name', params: { isofilter: 'executable' } },
  networkid: { command: 'listNetworks', label: 'name' },
  ipaddressid: { command: 'listPublicIpAddresses', label: 'ipaddress' },
  publicipid: { command: 'listPublicIpAddresses', label: 'ipaddress' },
  virtualmachineid: { command: 'listVirtualMachines', label: 'name' },
  virtualmachineids: { command: 'listVirtualMachines', label: 'name', multiple: true },
  physicalnetworkid: { command: 'listPhysicalNetworks', label: 'name' },
};

const BY_COMMAND: Record<string, Lookup> = {
  'attachIso.id': { command: 'listIsos', label: 'name', params: { isofilter: 'executable' } },
  // From an instance's row: pick one of the caller's data disks that is not attached anywhere.
  'attachVolume.id': { command: 'listVolumes', label: 'name', params: { type: 'DATADISK' } },
  'removeFromLoadBalancerRule.virtualmachineids': { command: 'listVirtualMachines', label: 'name', multiple: true },
};

export function lookupFor(command: string, param: string): Lookup | undefined {
  return BY_COMMAND[`${command}.${param}`] ?? BY_PARAM[param];
}

/** Fixed choices CloudStack documents for some string parameters, by `command.param` first, then by name. */
const CHOICES_BY_COMMAND: Record<string, string[]> = {
  // Security group rules take lower-case protocol names (and `all`), unlike firewall rules.
  'authorizeSecurityGroupIngress.protocol': ['tcp', 'udp', 'icmp', 'all'],
  'authorizeSecurityGroupEgress.protocol': ['tcp', 'udp', 'icmp', 'all'],
  'createStoragePool.scope': ['cluster', 'zone'],
  'addImageStore.provider': ['NFS'],
  'addCluster.clustertype': ['CloudManaged', 'ExternalManaged'],
  'createNetworkOffering.guestiptype': ['Isolated', 'Shared'],
  'createNetworkOffering.traffictype': ['Guest'],
};

export function choicesFor(command: string, param: string): string[] | undefined {
  return CHOICES_BY_COMMAND[`${command}.${param}`] ?? CHOICES[param];
}

const CHOICES: Record<string, string[]> = {
  protocol: ['TCP', 'UDP', 'ICMP'],
  algorithm: ['roundrobin', 'leastconn', 'source'],
  format: ['QCOW2', 'RAW', 'VHD', 'OVA', 'ISO'],
  hypervisor: ['KVM', 'Simulator', 'XenServer', 'VMware'],
  storagetype: ['shared', 'local'],
  op: ['add', 'remove', 'reset'],
};
