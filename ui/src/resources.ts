/**
 * Every list page of the UI as data: the command that lists it, its columns, the actions on
 * a row and the "create" form. The menu, the routes and the tables are derived from this
 * table; a page shows only when the caller's `listApis` contains its command, so the UI
 * follows the caller's role and grows as the server gains commands.
 */
import type { Session } from './api/client';

export type Params = Record<string, string | number | boolean | undefined>;
export type Row = Record<string, any>;
export type Option = { value: string; label: string };

export interface Column {
  key: string;
  title: string;
  /** How to show the value; default is plain text. `progress` draws "45% Downloaded" as a bar. */
  kind?: 'state' | 'bytes' | 'mb' | 'date' | 'bool' | 'progress';
  /** Read a nested value (e.g. the first NIC's address). */
  value?: (row: Row) => unknown;
}

export interface FormSpec {
  command: string;
  /** Parameters the form asks for, in order; types and required flags come from listApis. */
  fields: string[];
  /** Parameters the form sends without asking (may depend on the row). */
  fixed?: (row: Row | undefined) => Params;
  /** Initial values shown in the form. */
  initial?: (row: Row | undefined) => Params;
}

export interface RowAction extends FormSpec {
  label: string;
  when?: (row: Row) => boolean;
  confirm?: string;
  danger?: boolean;
  /** Show the command's answer to the user (e.g. API keys, a private key). */
  showResult?: (result: Row) => Array<[string, string]>;
  /** Open the address in the command's answer in a new window (the VM console). */
  openWindow?: (result: Row) => string | undefined;
  /** Choices for fields that only the row knows (e.g. which of a group's rules to revoke). */
  options?: (row: Row) => Record<string, Option[]>;
}

export type CreateSpec = FormSpec & { label: string; showResult?: RowAction['showResult'] };

export interface Resource {
  path: string;
  title: string;
  group: string;
  command: string;
  adminOnly?: boolean;
  /** Fixed list parameters; may depend on who is looking. */
  params?: (s: Session | null, admin: boolean) => Params;
  columns: Column[];
  actions?: RowAction[];
  /** The toolbar's form buttons (add, register, …). */
  create?: CreateSpec | CreateSpec[];
  /** While a row is in a passing state (a download running), the list refreshes itself. */
  busy?: (row: Row) => boolean;
}

const byId = (row: Row | undefined): Params => ({ id: row?.['id'] });
/** snapshotpolicy.intervaltype is a number on the wire. */
const INTERVALS = ['HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY'];
/** yyyy-MM-dd `offset` days from today (UTC), the date form listUsageRecords takes. */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const state = (...s: string[]) => (row: Row) => s.includes(String(row['state']));
/** A template or ISO copy still on its way into the zone (queued or downloading). */
const downloading = (row: Row) => /% Downloaded$|^Not Downloaded$/.test(String(row['status'] ?? ''));
/** A security group rule in words, for choosing which to revoke. */
const ruleText = (r: Row) => `${r['protocol']}${r['startport'] !== undefined ? ` ${r['startport']}-${r['endport']}` : ''}${r['icmptype'] !== undefined ? ` type ${r['icmptype']} code ${r['icmpcode']}` : ''} ${r['cidr'] ?? `${r['account']}/${r['securitygroupname']}`}`;
const rulesOf = (key: 'ingressrule' | 'egressrule') => (row: Row) => ((row[key] ?? []) as Row[]).map(ruleText).join('; ');
const ruleChoices = (key: 'ingressrule' | 'egressrule') => (row: Row) => ({ id: ((row[key] ?? []) as Row[]).map((r) => ({ value: String(r['ruleid']), label: ruleText(r) })) });
const allocation = (command: string, on: string, off: string) => [
  { label: 'Disable', command, fields: [], fixed: (r: Row | undefined) => ({ id: r?.['id'], allocationstate: off }), when: (r: Row) => r['allocationstate'] === on },
  { label: 'Enable', command, fields: [], fixed: (r: Row | undefined) => ({ id: r?.['id'], allocationstate: on }), when: (r: Row) => r['allocationstate'] === off },
];

export const GROUPS = ['Compute', 'Network', 'Storage', 'Images', 'Infrastructure', 'Offerings', 'Accounts', 'Administration'];

export const RESOURCES: Resource[] = [
  {
    path: 'instances', title: 'Instances', group: 'Compute', command: 'listVirtualMachines',
    columns: [
      { key: 'name', title: 'Name' }, { key: 'displayname', title: 'Display name' }, { key: 'state', title: 'State', kind: 'state' },
      { key: 'ipaddress', title: 'IP address', value: (r) => r['nic']?.[0]?.['ipaddress'] ?? r['ipaddress'] },
      { key: 'zonename', title: 'Zone' }, { key: 'templatename', title: 'Template' }, { key: 'serviceofferingname', title: 'Offering' },
      { key: 'account', title: 'Account' }, { key: 'hostname', title: 'Host' }, { key: 'haenable', title: 'HA', kind: 'bool' }, { key: 'isoname', title: 'ISO' },
    ],
    actions: [
      { label: 'Start', command: 'startVirtualMachine', fields: [], fixed: byId, when: state('Stopped', 'Down') },
      { label: 'Stop', command: 'stopVirtualMachine', fields: [], fixed: byId, when: state('Running'), confirm: 'Stop this instance?' },
      { label: 'View console', command: 'createConsoleEndpoint', fields: [], fixed: (r) => ({ virtualmachineid: r?.['id'] }), when: state('Running'), openWindow: (r) => (r['consoleendpoint']?.['success'] ? r['consoleendpoint']['url'] : undefined) },
      { label: 'Reboot', command: 'rebootVirtualMachine', fields: [], fixed: byId, when: state('Running'), confirm: 'Reboot this instance?' },
      { label: 'Reset password', command: 'resetPasswordForVirtualMachine', fields: [], fixed: byId, when: (r) => r['passwordenabled'] === true && r['state'] === 'Stopped', showResult: (r) => [['Password', String(r['virtualmachine']?.['password'] ?? '')]] },
      { label: 'Attach ISO', command: 'attachIso', fields: ['id'], fixed: (r) => ({ virtualmachineid: r?.['id'] }), when: (r) => !r['isoid'] && ['Running', 'Stopped'].includes(r['state']) },
      { label: 'Detach ISO', command: 'detachIso', fields: [], fixed: (r) => ({ virtualmachineid: r?.['id'] }), when: (r) => !!r['isoid'] },
      { label: 'Attach volume', command: 'attachVolume', fields: ['id'], fixed: (r) => ({ virtualmachineid: r?.['id'] }), when: state('Running', 'Stopped') },
      { label: 'Enable HA', command: 'updateVirtualMachine', fields: [], fixed: (r) => ({ id: r?.['id'], haenable: true }), when: (r) => r['haenable'] === false && r['state'] !== 'Destroyed' },
      { label: 'Disable HA', command: 'updateVirtualMachine', fields: [], fixed: (r) => ({ id: r?.['id'], haenable: false }), when: (r) => r['haenable'] === true && r['state'] !== 'Destroyed' },
      { label: 'Destroy', command: 'destroyVirtualMachine', fields: ['expunge'], fixed: byId, when: (r) => !['Destroyed', 'Expunging'].includes(r['state']), danger: true, confirm: 'Destroy this instance?' },
      { label: 'Recover', command: 'recoverVirtualMachine', fields: [], fixed: byId, when: state('Destroyed') },
    ],
  },
  {
    path: 'sshkeys', title: 'SSH key pairs', group: 'Compute', command: 'listSSHKeyPairs',
    columns: [{ key: 'name', title: 'Name' }, { key: 'fingerprint', title: 'Fingerprint' }, { key: 'account', title: 'Account' }],
    create: [
      { label: 'Create SSH key pair', command: 'createSSHKeyPair', fields: ['name'], showResult: (r) => [['Private key', String(r['keypair']?.['privatekey'] ?? '')]] },
      { label: 'Register public key', command: 'registerSSHKeyPair', fields: ['name', 'publickey'] },
    ],
    actions: [{ label: 'Delete', command: 'deleteSSHKeyPair', fields: [], fixed: (r) => ({ name: r?.['name'] }), danger: true, confirm: 'Delete this key pair?' }],
  },
  {
    path: 'instancegroups', title: 'Instance groups', group: 'Compute', command: 'listInstanceGroups',
    columns: [{ key: 'name', title: 'Name' }, { key: 'account', title: 'Account' }, { key: 'created', title: 'Created', kind: 'date' }],
    create: { label: 'Create group', command: 'createInstanceGroup', fields: ['name'] },
    actions: [{ label: 'Delete', command: 'deleteInstanceGroup', fields: [], fixed: byId, danger: true, confirm: 'Delete this group?' }],
  },
  {
    path: 'volumes', title: 'Volumes', group: 'Storage', command: 'listVolumes',
    columns: [{ key: 'name', title: 'Name' }, { key: 'type', title: 'Type' }, { key: 'state', title: 'State', kind: 'state' }, { key: 'size', title: 'Size', kind: 'bytes' }, { key: 'vmname', title: 'Instance' }, { key: 'zonename', title: 'Zone' }, { key: 'account', title: 'Account' }],
    create: { label: 'Add volume', command: 'createVolume', fields: ['name', 'zoneid', 'diskofferingid', 'size'] },
    actions: [
      { label: 'Attach', command: 'attachVolume', fields: ['virtualmachineid'], fixed: byId, when: (r) => r['type'] === 'DATADISK' && !r['virtualmachineid'] },
      { label: 'Detach', command: 'detachVolume', fields: [], fixed: byId, when: (r) => r['type'] === 'DATADISK' && !!r['virtualmachineid'], confirm: 'Detach this volume?' },
      { label: 'Schedule snapshots', command: 'createSnapshotPolicy', fields: ['intervaltype', 'schedule', 'timezone', 'maxsnaps'], fixed: (r) => ({ volumeid: r?.['id'] }), initial: () => ({ intervaltype: 'DAILY', schedule: '00:01', timezone: 'UTC', maxsnaps: 7 }), when: (r) => r['state'] !== 'Destroy' },
      { label: 'Take snapshot', command: 'createSnapshot', fields: [], fixed: (r) => ({ volumeid: r?.['id'] }), when: (r) => r['state'] === 'Ready' },
      { label: 'Delete', command: 'deleteVolume', fields: [], fixed: byId, when: (r) => r['type'] === 'DATADISK' && !r['virtualmachineid'], danger: true, confirm: 'Delete this volume and its data?' },
    ],
  },
  {
    path: 'snapshots', title: 'Snapshots', group: 'Storage', command: 'listSnapshots',
    columns: [{ key: 'name', title: 'Name' }, { key: 'volumename', title: 'Volume' }, { key: 'state', title: 'State', kind: 'state' }, { key: 'intervaltype', title: 'Interval' }, { key: 'physicalsize', title: 'Stored', kind: 'bytes' }, { key: 'created', title: 'Created', kind: 'date' }],
    actions: [
      { label: 'Create volume', command: 'createVolume', fields: ['name'], fixed: (r) => ({ snapshotid: r?.['id'] }), when: state('BackedUp') },
      { label: 'Create template', command: 'createTemplate', fields: ['name', 'displaytext', 'ostypeid'], fixed: (r) => ({ snapshotid: r?.['id'] }), when: state('BackedUp') },
      { label: 'Delete', command: 'deleteSnapshot', fields: [], fixed: byId, danger: true, confirm: 'Delete this snapshot?' },
    ],
  },
  {
    path: 'snapshotpolicies', title: 'Snapshot policies', group: 'Storage', command: 'listSnapshotPolicies',
    columns: [
      { key: 'volumename', title: 'Volume' }, { key: 'intervaltype', title: 'Interval', value: (r) => INTERVALS[Number(r['intervaltype'])] ?? r['intervaltype'] },
      { key: 'schedule', title: 'Schedule' }, { key: 'timezone', title: 'Time zone' }, { key: 'maxsnaps', title: 'Keep' },
    ],
    create: { label: 'Add policy', command: 'createSnapshotPolicy', fields: ['volumeid', 'intervaltype', 'schedule', 'timezone', 'maxsnaps'], initial: () => ({ intervaltype: 'DAILY', schedule: '00:01', timezone: 'UTC', maxsnaps: 7 }) },
    actions: [
      { label: 'Delete', command: 'deleteSnapshotPolicies', fields: [], fixed: byId, danger: true, confirm: 'Delete this snapshot policy?' },
    ],
  },
  {
    path: 'networks', title: 'Guest networks', group: 'Network', command: 'listNetworks',
    columns: [{ key: 'name', title: 'Name' }, { key: 'state', title: 'State', kind: 'state' }, { key: 'type', title: 'Type' }, { key: 'cidr', title: 'CIDR' }, { key: 'gateway', title: 'Gateway' }, { key: 'zonename', title: 'Zone' }, { key: 'account', title: 'Account' }],
    create: { label: 'Create network', command: 'createNetwork', fields: ['name', 'displaytext', 'zoneid', 'networkofferingid'] },
    actions: [
      { label: 'Restart', command: 'restartNetwork', fields: ['cleanup'], fixed: byId },
      { label: 'Delete', command: 'deleteNetwork', fields: [], fixed: byId, danger: true, confirm: 'Delete this network?' },
    ],
  },
  {
    path: 'publicips', title: 'Public IP addresses', group: 'Network', command: 'listPublicIpAddresses',
    columns: [{ key: 'ipaddress', title: 'IP address' }, { key: 'state', title: 'State', kind: 'state' }, { key: 'issourcenat', title: 'Source NAT', kind: 'bool' }, { key: 'associatednetworkname', title: 'Network' }, { key: 'zonename', title: 'Zone' }, { key: 'account', title: 'Account' }],
    create: { label: 'Acquire new IP', command: 'associateIpAddress', fields: ['networkid'] },
    actions: [{ label: 'Release', command: 'disassociateIpAddress', fields: [], fixed: byId, when: (r) => r['issourcenat'] !== true, danger: true, confirm: 'Release this IP address?' }],
  },
  {
    path: 'firewall', title: 'Firewall rules', group: 'Network', command: 'listFirewallRules',
    columns: [{ key: 'ipaddress', title: 'IP address' }, { key: 'protocol', title: 'Protocol' }, { key: 'startport', title: 'Start port' }, { key: 'endport', title: 'End port' }, { key: 'cidrlist', title: 'Source CIDRs' }, { key: 'state', title: 'State', kind: 'state' }],
    create: { label: 'Add firewall rule', command: 'createFirewallRule', fields: ['ipaddressid', 'protocol', 'startport', 'endport', 'cidrlist'] },
    actions: [{ label: 'Delete', command: 'deleteFirewallRule', fields: [], fixed: byId, danger: true, confirm: 'Delete this rule?' }],
  },
  {
    path: 'portforwarding', title: 'Port forwarding', group: 'Network', command: 'listPortForwardingRules',
    columns: [{ key: 'ipaddress', title: 'IP address' }, { key: 'protocol', title: 'Protocol' }, { key: 'publicport', title: 'Public port' }, { key: 'privateport', title: 'Private port' }, { key: 'virtualmachinename', title: 'Instance' }, { key: 'state', title: 'State', kind: 'state' }],
    create: { label: 'Add port forward', command: 'createPortForwardingRule', fields: ['ipaddressid', 'protocol', 'publicport', 'privateport', 'virtualmachineid', 'openfirewall'] },
    actions: [{ label: 'Delete', command: 'deletePortForwardingRule', fields: [], fixed: byId, danger: true, confirm: 'Delete this rule?' }],
  },
  {
    path: 'loadbalancers', title: 'Load balancers', group: 'Network', command: 'listLoadBalancerRules',
    columns: [{ key: 'name', title: 'Name' }, { key: 'publicip', title: 'IP address' }, { key: 'publicport', title: 'Public port' }, { key: 'privateport', title: 'Private port' }, { key: 'algorithm', title: 'Algorithm' }, { key: 'state', title: 'State', kind: 'state' }],
    create: { label: 'Add load balancer', command: 'createLoadBalancerRule', fields: ['name', 'publicipid', 'algorithm', 'publicport', 'privateport', 'openfirewall'] },
    actions: [
      { label: 'Add instances', command: 'assignToLoadBalancerRule', fields: ['virtualmachineids'], fixed: byId },
      { label: 'Remove instances', command: 'removeFromLoadBalancerRule', fields: ['virtualmachineids'], fixed: byId },
      { label: 'Delete', command: 'deleteLoadBalancerRule', fields: [], fixed: byId, danger: true, confirm: 'Delete this load balancer?' },
    ],
  },
  {
    path: 'securitygroups', title: 'Security groups', group: 'Network', command: 'listSecurityGroups',
    columns: [
      { key: 'name', title: 'Name' }, { key: 'description', title: 'Description' }, { key: 'ingressrule', title: 'Ingress rules', value: rulesOf('ingressrule') },
      { key: 'egressrule', title: 'Egress rules', value: rulesOf('egressrule') }, { key: 'virtualmachinecount', title: 'Instances' }, { key: 'account', title: 'Account' },
    ],
    create: { label: 'Add security group', command: 'createSecurityGroup', fields: ['name', 'description'] },
    actions: [
      { label: 'Allow ingress', command: 'authorizeSecurityGroupIngress', fields: ['protocol', 'startport', 'endport', 'cidrlist'], fixed: (r) => ({ securitygroupid: r?.['id'] }), initial: () => ({ protocol: 'tcp', cidrlist: '0.0.0.0/0' }) },
      { label: 'Allow egress', command: 'authorizeSecurityGroupEgress', fields: ['protocol', 'startport', 'endport', 'cidrlist'], fixed: (r) => ({ securitygroupid: r?.['id'] }), initial: () => ({ protocol: 'tcp', cidrlist: '0.0.0.0/0' }) },
      { label: 'Revoke ingress rule', command: 'revokeSecurityGroupIngress', fields: ['id'], options: ruleChoices('ingressrule'), when: (r) => !!r['ingressrule']?.length },
      { label: 'Revoke egress rule', command: 'revokeSecurityGroupEgress', fields: ['id'], options: ruleChoices('egressrule'), when: (r) => !!r['egressrule']?.length },
      { label: 'Delete', command: 'deleteSecurityGroup', fields: [], fixed: byId, when: (r) => r['name'] !== 'default', danger: true, confirm: 'Delete this security group?' },
    ],
  },
  {
    path: 'templates', title: 'Templates', group: 'Images', command: 'listTemplates',
    params: (_s, admin) => ({ templatefilter: admin ? 'all' : 'executable' }),
    columns: [
      { key: 'name', title: 'Name' }, { key: 'ostypename', title: 'OS type' }, { key: 'zonename', title: 'Zone' }, { key: 'isready', title: 'Ready', kind: 'bool' },
      { key: 'status', title: 'Status', kind: 'progress' }, { key: 'ispublic', title: 'Public', kind: 'bool' }, { key: 'isfeatured', title: 'Featured', kind: 'bool' }, { key: 'size', title: 'Size', kind: 'bytes' }, { key: 'account', title: 'Owner' },
    ],
    busy: downloading,
    create: { label: 'Register template', command: 'registerTemplate', fields: ['name', 'displaytext', 'url', 'zoneid', 'format', 'hypervisor', 'ostypeid', 'checksum', 'ispublic', 'passwordenabled'], initial: () => ({ format: 'QCOW2', hypervisor: 'KVM' }) },
    actions: [
      { label: 'Copy to zone', command: 'copyTemplate', fields: ['destzoneid'], fixed: (r) => ({ id: r?.['id'], sourcezoneid: r?.['zoneid'] }) },
      { label: 'Share', command: 'updateTemplatePermissions', fields: ['accounts', 'op'], fixed: byId, initial: () => ({ op: 'add' }) },
      { label: 'Delete', command: 'deleteTemplate', fields: [], fixed: (r) => ({ id: r?.['id'], zoneid: r?.['zoneid'] }), danger: true, confirm: 'Delete this template from this zone?' },
    ],
  },
  {
    path: 'isos', title: 'ISOs', group: 'Images', command: 'listIsos',
    params: (_s, admin) => ({ isofilter: admin ? 'all' : 'executable' }),
    columns: [{ key: 'name', title: 'Name' }, { key: 'ostypename', title: 'OS type' }, { key: 'zonename', title: 'Zone' }, { key: 'isready', title: 'Ready', kind: 'bool' }, { key: 'status', title: 'Status', kind: 'progress' }, { key: 'bootable', title: 'Bootable', kind: 'bool' }, { key: 'ispublic', title: 'Public', kind: 'bool' }, { key: 'account', title: 'Owner' }],
    busy: downloading,
    create: { label: 'Register ISO', command: 'registerIso', fields: ['name', 'displaytext', 'url', 'zoneid', 'ostypeid', 'bootable', 'ispublic'] },
    actions: [
      { label: 'Copy to zone', command: 'copyIso', fields: ['destzoneid'], fixed: (r) => ({ id: r?.['id'], sourcezoneid: r?.['zoneid'] }) },
      { label: 'Share', command: 'updateIsoPermissions', fields: ['accounts', 'op'], fixed: byId, initial: () => ({ op: 'add' }) },
      { label: 'Delete', command: 'deleteIso', fields: [], fixed: (r) => ({ id: r?.['id'], zoneid: r?.['zoneid'] }), danger: true, confirm: 'Delete this ISO from this zone?' },
    ],
  },
  {
    path: 'zones', title: 'Zones', group: 'Infrastructure', command: 'listZones', adminOnly: true,
    columns: [{ key: 'name', title: 'Name' }, { key: 'networktype', title: 'Network type' }, { key: 'allocationstate', title: 'Allocation', kind: 'state' }, { key: 'dns1', title: 'DNS 1' }, { key: 'guestcidraddress', title: 'Guest CIDR' }],
    actions: allocation('updateZone', 'Enabled', 'Disabled'),
  },
  {
    path: 'pods', title: 'Pods', group: 'Infrastructure', command: 'listPods', adminOnly: true,
    columns: [{ key: 'name', title: 'Name' }, { key: 'zonename', title: 'Zone' }, { key: 'gateway', title: 'Gateway' }, { key: 'netmask', title: 'Netmask' }, { key: 'startip', title: 'Start IP' }, { key: 'endip', title: 'End IP' }, { key: 'allocationstate', title: 'Allocation', kind: 'state' }],
    create: { label: 'Add pod', command: 'createPod', fields: ['zoneid', 'name', 'gateway', 'netmask', 'startip', 'endip'] },
    actions: [...allocation('updatePod', 'Enabled', 'Disabled'), { label: 'Delete', command: 'deletePod', fields: [], fixed: byId, danger: true, confirm: 'Delete this pod?' }],
  },
  {
    path: 'clusters', title: 'Clusters', group: 'Infrastructure', command: 'listClusters', adminOnly: true,
    columns: [{ key: 'name', title: 'Name' }, { key: 'podname', title: 'Pod' }, { key: 'zonename', title: 'Zone' }, { key: 'hypervisortype', title: 'Hypervisor' }, { key: 'allocationstate', title: 'Allocation', kind: 'state' }, { key: 'managedstate', title: 'Managed' }],
    create: { label: 'Add cluster', command: 'addCluster', fields: ['zoneid', 'podid', 'clustername', 'hypervisor', 'clustertype'], initial: () => ({ hypervisor: 'Simulator', clustertype: 'CloudManaged' }) },
    actions: [...allocation('updateCluster', 'Enabled', 'Disabled'), { label: 'Delete', command: 'deleteCluster', fields: [], fixed: byId, danger: true, confirm: 'Delete this cluster?' }],
  },
  {
    path: 'hosts', title: 'Hosts', group: 'Infrastructure', command: 'listHosts', adminOnly: true,
    params: () => ({ type: 'Routing' }),
    columns: [
      { key: 'name', title: 'Name' }, { key: 'state', title: 'State', kind: 'state' }, { key: 'resourcestate', title: 'Resource state', kind: 'state' }, { key: 'ipaddress', title: 'IP address' },
      { key: 'clustername', title: 'Cluster' }, { key: 'cpunumber', title: 'CPUs' }, { key: 'memorytotal', title: 'Memory', kind: 'bytes' }, { key: 'hosttags', title: 'Tags' }, { key: 'oscategoryname', title: 'OS preference' },
    ],
    actions: [
      { label: 'Disable', command: 'updateHost', fields: [], fixed: (r) => ({ id: r?.['id'], allocationstate: 'Disable' }), when: (r) => r['resourcestate'] === 'Enabled' },
      { label: 'Enable', command: 'updateHost', fields: [], fixed: (r) => ({ id: r?.['id'], allocationstate: 'Enable' }), when: (r) => r['resourcestate'] === 'Disabled' },
      { label: 'Edit tags', command: 'updateHost', fields: ['hosttags', 'oscategoryid'], fixed: byId, initial: (r) => ({ hosttags: r?.['hosttags'] }) },
      { label: 'Maintenance', command: 'prepareHostForMaintenance', fields: [], fixed: byId, when: (r) => r['resourcestate'] === 'Enabled', confirm: 'Move all instances off this host?' },
      { label: 'Cancel maintenance', command: 'cancelHostMaintenance', fields: [], fixed: byId, when: (r) => /Maintenance/.test(String(r['resourcestate'])) },
      { label: 'Reconnect', command: 'reconnectHost', fields: [], fixed: byId, when: (r) => r['state'] !== 'Up' },
    ],
    // The password is the one-time registration token the host's agent was started with.
    create: { label: 'Add host', command: 'addHost', fields: ['zoneid', 'podid', 'clusterid', 'hypervisor', 'url', 'password', 'hosttags'], initial: () => ({ hypervisor: 'Simulator' }) },
  },
  {
    path: 'primarystorage', title: 'Primary storage', group: 'Infrastructure', command: 'listStoragePools', adminOnly: true,
    columns: [{ key: 'name', title: 'Name' }, { key: 'state', title: 'State', kind: 'state' }, { key: 'scope', title: 'Scope' }, { key: 'clustername', title: 'Cluster' }, { key: 'zonename', title: 'Zone' }, { key: 'disksizetotal', title: 'Total', kind: 'bytes' }, { key: 'disksizeallocated', title: 'Allocated', kind: 'bytes' }, { key: 'tags', title: 'Tags' }],
    create: { label: 'Add primary storage', command: 'createStoragePool', fields: ['zoneid', 'podid', 'clusterid', 'scope', 'name', 'url', 'tags'], initial: () => ({ scope: 'cluster' }) },
    actions: [
      { label: 'Maintenance', command: 'enableStorageMaintenance', fields: [], fixed: byId, when: state('Up'), confirm: 'Stop or move the volumes on this storage?' },
      { label: 'Cancel maintenance', command: 'cancelStorageMaintenance', fields: [], fixed: byId, when: state('Maintenance', 'PrepareForMaintenance', 'ErrorInMaintenance') },
      { label: 'Delete', command: 'deleteStoragePool', fields: [], fixed: byId, when: state('Maintenance', 'Disabled'), danger: true, confirm: 'Delete this primary storage?' },
    ],
  },
  {
    path: 'secondarystorage', title: 'Secondary storage', group: 'Infrastructure', command: 'listImageStores', adminOnly: true,
    columns: [{ key: 'name', title: 'Name' }, { key: 'url', title: 'URL' }, { key: 'protocol', title: 'Protocol' }, { key: 'zonename', title: 'Zone' }],
    create: { label: 'Add secondary storage', command: 'addImageStore', fields: ['zoneid', 'name', 'url', 'provider'], initial: () => ({ provider: 'NFS' }) },
    actions: [{ label: 'Delete', command: 'deleteImageStore', fields: [], fixed: byId, danger: true, confirm: 'Delete this secondary storage?' }],
  },
  {
    path: 'ipranges', title: 'IP ranges', group: 'Infrastructure', command: 'listVlanIpRanges', adminOnly: true,
    columns: [{ key: 'vlan', title: 'VLAN' }, { key: 'startip', title: 'Start IP' }, { key: 'endip', title: 'End IP' }, { key: 'gateway', title: 'Gateway' }, { key: 'forvirtualnetwork', title: 'Public', kind: 'bool' }, { key: 'zonename', title: 'Zone' }, { key: 'account', title: 'Account' }],
    create: { label: 'Add IP range', command: 'createVlanIpRange', fields: ['zoneid', 'vlan', 'gateway', 'netmask', 'startip', 'endip', 'forvirtualnetwork'], initial: () => ({ vlan: 'untagged', forvirtualnetwork: true }) },
    actions: [{ label: 'Delete', command: 'deleteVlanIpRange', fields: [], fixed: byId, danger: true, confirm: 'Delete this IP range?' }],
  },
  {
    path: 'routers', title: 'Virtual routers', group: 'Infrastructure', command: 'listRouters', adminOnly: true,
    columns: [{ key: 'name', title: 'Name' }, { key: 'state', title: 'State', kind: 'state' }, { key: 'publicip', title: 'Public IP' }, { key: 'guestnetworkname', title: 'Network' }, { key: 'hostname', title: 'Host' }, { key: 'account', title: 'Account' }],
    actions: [
      { label: 'Start', command: 'startRouter', fields: [], fixed: byId, when: state('Stopped') },
      { label: 'Reboot', command: 'rebootRouter', fields: [], fixed: byId, when: state('Running'), confirm: 'Reboot this router?' },
      { label: 'Stop', command: 'stopRouter', fields: [], fixed: byId, when: state('Running'), confirm: 'Stop this router? Its networks lose their services.' },
    ],
  },
  {
    // Console proxies: one per management server and zone (Nimbo has no secondary storage VM).
    path: 'systemvms', title: 'System VMs', group: 'Infrastructure', command: 'listSystemVms', adminOnly: true,
    columns: [
      { key: 'name', title: 'Name' }, { key: 'systemvmtype', title: 'Type' }, { key: 'state', title: 'State', kind: 'state' },
      { key: 'activeviewersessions', title: 'Active sessions' }, { key: 'zonename', title: 'Zone' }, { key: 'publicip', title: 'Public address' },
      { key: 'hostname', title: 'Management server' }, { key: 'agentstate', title: 'Server state', kind: 'state' },
    ],
    actions: [
      { label: 'Stop', command: 'stopSystemVm', fields: [], fixed: byId, when: state('Running'), danger: true, confirm: 'Stop this console proxy? Its viewers are disconnected and it takes no new ones until started.' },
      { label: 'Start', command: 'startSystemVm', fields: [], fixed: byId, when: state('Stopped') },
      { label: 'Reboot', command: 'rebootSystemVm', fields: [], fixed: byId, when: state('Running'), confirm: 'Reboot this console proxy? Its viewers are disconnected.' },
    ],
  },
  {
    path: 'serviceofferings', title: 'Service offerings', group: 'Offerings', command: 'listServiceOfferings',
    columns: [{ key: 'name', title: 'Name' }, { key: 'displaytext', title: 'Description' }, { key: 'cpunumber', title: 'CPUs' }, { key: 'cpuspeed', title: 'MHz' }, { key: 'memory', title: 'Memory', kind: 'mb' }, { key: 'offerha', title: 'HA', kind: 'bool' }, { key: 'storagetype', title: 'Storage' }, { key: 'tags', title: 'Tags' }],
    create: { label: 'Add service offering', command: 'createServiceOffering', fields: ['name', 'displaytext', 'cpunumber', 'cpuspeed', 'memory', 'offerha', 'storagetype', 'tags', 'hosttags'] },
    actions: [{ label: 'Delete', command: 'deleteServiceOffering', fields: [], fixed: byId, danger: true, confirm: 'Delete this offering? Running instances keep it.' }],
  },
  {
    path: 'diskofferings', title: 'Disk offerings', group: 'Offerings', command: 'listDiskOfferings',
    columns: [{ key: 'name', title: 'Name' }, { key: 'displaytext', title: 'Description' }, { key: 'disksize', title: 'Size (GB)' }, { key: 'iscustomized', title: 'Custom size', kind: 'bool' }, { key: 'tags', title: 'Tags' }],
    create: { label: 'Add disk offering', command: 'createDiskOffering', fields: ['name', 'displaytext', 'disksize', 'customized', 'tags'] },
    actions: [{ label: 'Delete', command: 'deleteDiskOffering', fields: [], fixed: byId, danger: true, confirm: 'Delete this offering?' }],
  },
  {
    path: 'networkofferings', title: 'Network offerings', group: 'Offerings', command: 'listNetworkOfferings', adminOnly: true,
    columns: [{ key: 'name', title: 'Name' }, { key: 'displaytext', title: 'Description' }, { key: 'traffictype', title: 'Traffic' }, { key: 'guestiptype', title: 'Guest IP type' }, { key: 'state', title: 'State', kind: 'state' }, { key: 'isdefault', title: 'Default', kind: 'bool' }],
    create: { label: 'Add network offering', command: 'createNetworkOffering', fields: ['name', 'displaytext', 'guestiptype', 'traffictype', 'supportedservices', 'enable'], initial: () => ({ guestiptype: 'Isolated', traffictype: 'Guest', supportedservices: 'Dhcp,Dns,SourceNat,Firewall,PortForwarding,Lb,UserData' }) },
    actions: [
      // The built-in default offerings are system offerings here and keep their state.
      { label: 'Disable', command: 'updateNetworkOffering', fields: [], fixed: (r) => ({ id: r?.['id'], state: 'Disabled' }), when: (r) => r['state'] === 'Enabled' && r['isdefault'] !== true },
      { label: 'Enable', command: 'updateNetworkOffering', fields: [], fixed: (r) => ({ id: r?.['id'], state: 'Enabled' }), when: (r) => r['state'] === 'Disabled' && r['isdefault'] !== true },
      { label: 'Delete', command: 'deleteNetworkOffering', fields: [], fixed: byId, when: (r) => r['isdefault'] !== true, danger: true, confirm: 'Delete this network offering?' },
    ],
  },
  {
    path: 'domains', title: 'Domains', group: 'Accounts', command: 'listDomains', adminOnly: true,
    columns: [{ key: 'name', title: 'Name' }, { key: 'path', title: 'Path' }, { key: 'level', title: 'Level' }, { key: 'parentdomainname', title: 'Parent' }],
    create: { label: 'Add domain', command: 'createDomain', fields: ['name', 'parentdomainid'] },
    actions: [{ label: 'Delete', command: 'deleteDomain', fields: ['cleanup'], fixed: byId, danger: true, confirm: 'Delete this domain?' }],
  },
  {
    path: 'accounts', title: 'Accounts', group: 'Accounts', command: 'listAccounts', adminOnly: true,
    columns: [{ key: 'name', title: 'Name' }, { key: 'roletype', title: 'Role' }, { key: 'domain', title: 'Domain' }, { key: 'state', title: 'State', kind: 'state' }, { key: 'vmtotal', title: 'Instances' }, { key: 'iptotal', title: 'Public IPs' }],
    create: { label: 'Add account', command: 'createAccount', fields: ['username', 'password', 'email', 'firstname', 'lastname', 'accounttype', 'domainid'], initial: () => ({ accounttype: 0 }) },
    actions: [
      { label: 'Disable', command: 'disableAccount', fields: [], fixed: (r) => ({ id: r?.['id'], lock: false }), when: state('enabled'), confirm: 'Disable this account and stop its instances?' },
      { label: 'Lock', command: 'lockAccount', fields: [], fixed: (r) => ({ account: r?.['name'], domainid: r?.['domainid'] }), when: state('enabled') },
      { label: 'Enable', command: 'enableAccount', fields: [], fixed: byId, when: (r) => r['state'] !== 'enabled' },
      { label: 'Delete', command: 'deleteAccount', fields: [], fixed: byId, danger: true, confirm: 'Delete this account and everything it owns?' },
    ],
  },
  {
    path: 'users', title: 'Users', group: 'Accounts', command: 'listUsers', adminOnly: true,
    columns: [{ key: 'username', title: 'Username' }, { key: 'firstname', title: 'First name' }, { key: 'lastname', title: 'Last name' }, { key: 'email', title: 'E-mail' }, { key: 'account', title: 'Account' }, { key: 'domain', title: 'Domain' }, { key: 'state', title: 'State', kind: 'state' }],
    actions: [
      { label: 'View API keys', command: 'getUserKeys', fields: [], fixed: byId, showResult: (r) => [['API key', String(r['userkeys']?.['apikey'] ?? 'none')], ['Secret key', String(r['userkeys']?.['secretkey'] ?? 'none')]] },
      { label: 'Generate API keys', command: 'registerUserKeys', fields: [], fixed: byId, confirm: 'Replace this user\'s API keys?', showResult: (r) => [['API key', String(r['userkeys']?.['apikey'] ?? '')], ['Secret key', String(r['userkeys']?.['secretkey'] ?? '')]] },
      { label: 'Disable', command: 'disableUser', fields: [], fixed: byId, when: state('enabled') },
      { label: 'Enable', command: 'enableUser', fields: [], fixed: byId, when: (r) => r['state'] !== 'enabled' },
      { label: 'Delete', command: 'deleteUser', fields: [], fixed: byId, danger: true, confirm: 'Delete this user?' },
    ],
    create: { label: 'Add user', command: 'createUser', fields: ['account', 'domainid', 'username', 'password', 'email', 'firstname', 'lastname'] },
  },
  {
    path: 'events', title: 'Events', group: 'Administration', command: 'listEvents',
    columns: [{ key: 'created', title: 'Time', kind: 'date' }, { key: 'type', title: 'Type' }, { key: 'level', title: 'Level' }, { key: 'state', title: 'State' }, { key: 'description', title: 'Description' }, { key: 'username', title: 'User' }, { key: 'account', title: 'Account' }],
  },
  {
    // listUsageRecords needs a range: the last 30 days (records exist once the usage job has run).
    path: 'usage', title: 'Usage records', group: 'Administration', command: 'listUsageRecords',
    params: () => ({ startdate: day(-30), enddate: day(0) }),
    columns: [
      { key: 'account', title: 'Account' }, { key: 'description', title: 'Description' }, { key: 'usage', title: 'Usage' }, { key: 'usagetype', title: 'Type' },
      { key: 'startdate', title: 'From', kind: 'date' }, { key: 'enddate', title: 'To', kind: 'date' },
    ],
  },
  {
    path: 'alerts', title: 'Alerts', group: 'Administration', command: 'listAlerts', adminOnly: true,
    columns: [{ key: 'sent', title: 'Time', kind: 'date' }, { key: 'name', title: 'Type' }, { key: 'subject', title: 'Subject' }],
  },
  {
    path: 'settings', title: 'Global settings', group: 'Administration', command: 'listConfigurations', adminOnly: true,
    columns: [{ key: 'name', title: 'Name' }, { key: 'value', title: 'Value' }, { key: 'category', title: 'Category' }, { key: 'description', title: 'Description' }],
    actions: [{ label: 'Edit', command: 'updateConfiguration', fields: ['value'], fixed: (r) => ({ name: r?.['name'] }), initial: (r) => ({ value: r?.['value'] }) }],
  },
  {
    path: 'limits', title: 'Resource limits', group: 'Administration', command: 'listResourceLimits',
    columns: [{ key: 'resourcetypename', title: 'Resource' }, { key: 'max', title: 'Limit (-1 = unlimited)' }, { key: 'account', title: 'Account' }, { key: 'domain', title: 'Domain' }],
    actions: [{ label: 'Change limit', command: 'updateResourceLimit', fields: ['max'], fixed: (r) => ({ resourcetype: r?.['resourcetype'], account: r?.['account'], domainid: r?.['domainid'] }), initial: (r) => ({ max: r?.['max'] }) }],
  },
];

export function resourceByPath(path: string): Resource | undefined {
  return RESOURCES.find((r) => r.path === path);
}
