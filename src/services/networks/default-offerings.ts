/**
 * CloudStack's default network offerings (ConfigurationManagerImpl.createDefaultNetworkOfferings),
 * seeded by migration 0007. Providers are VirtualRouter except SecurityGroup.
 */
export interface DefaultOffering {
  name: string;
  displayText: string;
  guestType: 'Isolated' | 'Shared';
  availability: 'Required' | 'Optional';
  specifyVlan: boolean;
  specifyIpRanges: boolean;
  services: string[];
}

const VR = ['Dhcp', 'Dns', 'UserData'];

export const DEFAULT_OFFERINGS: DefaultOffering[] = [
  {
    name: 'DefaultIsolatedNetworkOfferingWithSourceNatService',
    displayText: 'Offering for Isolated networks with Source Nat service enabled',
    guestType: 'Isolated', availability: 'Required', specifyVlan: false, specifyIpRanges: false,
    services: [...VR, 'SourceNat', 'StaticNat', 'PortForwarding', 'Lb', 'Firewall', 'Vpn'],
  },
  {
    name: 'DefaultIsolatedNetworkOffering',
    displayText: 'Offering for Isolated networks with no Source Nat service',
    guestType: 'Isolated', availability: 'Optional', specifyVlan: true, specifyIpRanges: true,
    services: [...VR],
  },
  {
    name: 'DefaultSharedNetworkOffering',
    displayText: 'Offering for Shared networks',
    guestType: 'Shared', availability: 'Optional', specifyVlan: true, specifyIpRanges: true,
    services: [...VR],
  },
  {
    name: 'DefaultSharedNetworkOfferingWithSGService',
    displayText: 'Offering for Shared Security group enabled networks',
    guestType: 'Shared', availability: 'Optional', specifyVlan: true, specifyIpRanges: true,
    services: [...VR, 'SecurityGroup'],
  },
];

export const providerFor = (service: string): string => (service === 'SecurityGroup' ? 'SecurityGroupProvider' : 'VirtualRouter');

/** Services an offering may list (CloudStack Network.Service). */
export const KNOWN_SERVICES = ['Vpn', 'Dhcp', 'Dns', 'SourceNat', 'PortForwarding', 'Lb', 'UserData', 'StaticNat', 'NetworkACL', 'Firewall', 'Gateway', 'SecurityGroup', 'Connectivity'];

/** The capabilities CloudStack shows per service for the VirtualRouter provider. */
export function capabilitiesOf(service: string): Array<{ name: string; value: string; canchooseservicecapability: boolean }> {
  switch (service) {
    case 'SourceNat':
      return [{ name: 'SupportedSourceNatTypes', value: 'peraccount', canchooseservicecapability: true }, { name: 'RedundantRouter', value: 'false', canchooseservicecapability: true }];
    case 'Lb':
      return [
        { name: 'SupportedLBAlgorithms', value: 'roundrobin,leastconn,source', canchooseservicecapability: false },
        { name: 'SupportedLBIsolation', value: 'dedicated', canchooseservicecapability: true },
        { name: 'SupportedProtocols', value: 'tcp, udp, tcp-proxy', canchooseservicecapability: false },
        { name: 'SupportedStickinessMethods', value: 'LbCookie,AppCookie,SourceBased', canchooseservicecapability: false },
        { name: 'LbSchemes', value: 'Public', canchooseservicecapability: false },
      ];
    case 'Firewall':
      return [
        { name: 'SupportedProtocols', value: 'tcp,udp,icmp', canchooseservicecapability: false },
        { name: 'SupportedEgressProtocols', value: 'tcp,udp,icmp, all', canchooseservicecapability: false },
        { name: 'SupportedTrafficDirection', value: 'ingress, egress', canchooseservicecapability: false },
        { name: 'MultipleIps', value: 'true', canchooseservicecapability: false },
      ];
    case 'StaticNat':
      return [{ name: 'ElasticIp', value: 'false', canchooseservicecapability: true }];
    case 'Dns':
      return [{ name: 'AllowDnsSuffixModification', value: 'true', canchooseservicecapability: false }];
    default:
      return [];
  }
}
