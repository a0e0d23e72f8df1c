/**
 * CloudStack's alert types (AlertService.AlertType) with their numeric ids, as listAlertTypes
 * shows them. Later CloudStack types that reuse a number (IPv6 subnet, VR MTU, backup and
 * object storage) are left out so that a number names one type.
 */
export const ALERT_TYPES = [
  [0, 'ALERT.MEMORY'], [1, 'ALERT.CPU'], [2, 'ALERT.STORAGE'], [3, 'ALERT.STORAGE.ALLOCATED'], [4, 'ALERT.NETWORK.PUBLICIP'],
  [5, 'ALERT.NETWORK.PRIVATEIP'], [6, 'ALERT.STORAGE.SECONDARY'], [7, 'ALERT.COMPUTE.HOST'], [8, 'ALERT.USERVM'],
  [9, 'ALERT.SERVICE.DOMAINROUTER'], [10, 'ALERT.SERVICE.CONSOLEPROXY'], [11, 'ALERT.NETWORK.ROUTING'], [12, 'ALERT.STORAGE.MISC'],
  [13, 'ALERT.USAGE'], [14, 'ALERT.MANAGEMENT'], [15, 'ALERT.NETWORK.DOMAINROUTERMIGRATE'], [16, 'ALERT.SERVICE.CONSOLEPROXYMIGRATE'],
  [17, 'ALERT.USERVM.MIGRATE'], [18, 'ALERT.NETWORK.VLAN'], [19, 'ALERT.SERVICE.SSVM'], [20, 'ALERT.USAGE.RESULT'],
  [21, 'ALERT.STORAGE.DELETE'], [22, 'ALERT.RESOURCE.COUNT'], [23, 'ALERT.USAGE.SANITY'], [24, 'ALERT.NETWORK.DIRECTPUBLICIP'],
  [25, 'ALERT.STORAGE.LOCAL'], [26, 'ALERT.RESOURCE.EXCEED'], [27, 'ALERT.TYPE.SYNC'], [28, 'ALERT.UPLOAD.FAILED'],
  [29, 'ALERT.OOBM.AUTHERROR'], [30, 'ALERT.HA.ACTION'], [31, 'ALERT.CA.CERT'], [32, 'ALERT.VM.SNAPSHOT'],
  [33, 'ALERT.TYPE.EXTENSION.PATH.NOT.READY'],
] as const satisfies ReadonlyArray<readonly [number, string]>;

export const ALERT = {
  MEMORY: 0, CPU: 1, STORAGE: 2, STORAGE_ALLOCATED: 3, PUBLIC_IP: 4, PRIVATE_IP: 5, SECONDARY_STORAGE: 6, HOST: 7, USERVM: 8,
  DOMAIN_ROUTER: 9, STORAGE_MISC: 12, MANAGEMENT_NODE: 14, USERVM_MIGRATE: 17, VLAN: 18, DIRECT_ATTACHED_PUBLIC_IP: 24, LOCAL_STORAGE: 25, HA_ACTION: 30,
} as const;

const NAMES = new Map<number, string>(ALERT_TYPES.map(([n, s]) => [n, s]));

export function alertTypeName(type: number): string {
  return NAMES.get(type) ?? `ALERT.TYPE.${type}`;
}

/** `type` in listAlerts/archiveAlerts may be the number or the name. */
export function alertTypeOf(s: string): number | undefined {
  if (/^\d+$/.test(s.trim())) return Number(s);
  for (const [n, name] of ALERT_TYPES) if (name.toLowerCase() === s.trim().toLowerCase()) return n;
  return undefined;
}
