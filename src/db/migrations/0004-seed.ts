/** What a fresh install has (CloudStack's create-schema-premium/templates.sql, trimmed). */
export const SERVICE_OFFERING_SEED: Array<{ name: string; displayText: string; cpu: number; mhz: number; ram: number; vmType?: 'domainrouter' | 'consoleproxy' | 'secondarystoragevm'; networkRate?: number }> = [
  { name: 'Small Instance', displayText: 'Small Instance', cpu: 1, mhz: 500, ram: 512 },
  { name: 'Medium Instance', displayText: 'Medium Instance', cpu: 1, mhz: 1000, ram: 1024 },
  { name: 'System Offering For Software Router', displayText: 'System Offering For Software Router', cpu: 1, mhz: 500, ram: 256, vmType: 'domainrouter' },
  { name: 'System Offering For Console Proxy', displayText: 'System Offering For Console Proxy', cpu: 1, mhz: 500, ram: 1024, vmType: 'consoleproxy' },
  { name: 'System Offering For Secondary Storage VM', displayText: 'System Offering For Secondary Storage VM', cpu: 1, mhz: 500, ram: 512, vmType: 'secondarystoragevm' },
];

/** gb 0 = customized. */
export const DISK_OFFERING_SEED: Array<{ name: string; displayText: string; gb: number }> = [
  { name: 'Small', displayText: 'Small Disk, 5 GB', gb: 5 },
  { name: 'Medium', displayText: 'Medium Disk, 20 GB', gb: 20 },
  { name: 'Large', displayText: 'Large Disk, 100 GB', gb: 100 },
  { name: 'Custom', displayText: 'Custom Disk', gb: 0 },
];

/** Categories in CloudStack's id order, with the OS types of each. */
export const GUEST_OS_SEED: Array<[category: string, types: string[]]> = [
  ['CentOS', ['CentOS 4.5 (32-bit)', 'CentOS 5.0 (32-bit)', 'CentOS 5.0 (64-bit)', 'CentOS 5.3 (32-bit)', 'CentOS 5.3 (64-bit)', 'CentOS 5.5 (32-bit)', 'CentOS 5.5 (64-bit)', 'CentOS 6.0 (64-bit)', 'CentOS 7', 'CentOS 8']],
  ['Debian', ['Debian GNU/Linux 5.0 (32-bit)', 'Debian GNU/Linux 5.0 (64-bit)', 'Debian GNU/Linux 6 (64-bit)', 'Debian GNU/Linux 10 (64-bit)', 'Debian GNU/Linux 11 (64-bit)', 'Debian GNU/Linux 12 (64-bit)']],
  ['Oracle', ['Oracle Enterprise Linux 5.5 (64-bit)', 'Oracle Linux 8']],
  ['RedHat', ['Red Hat Enterprise Linux 5.0 (32-bit)', 'Red Hat Enterprise Linux 5.0 (64-bit)', 'Red Hat Enterprise Linux 5.5 (64-bit)', 'Red Hat Enterprise Linux 6.0 (64-bit)', 'Red Hat Enterprise Linux 7', 'Red Hat Enterprise Linux 8', 'Fedora 13', 'Fedora Linux (64 bit)']],
  ['SUSE', ['SUSE Linux Enterprise Server 10 SP2 (32-bit)', 'SUSE Linux Enterprise Server 11 (64-bit)', 'SUSE Linux Enterprise Server 15 (64-bit)', 'openSUSE Leap 15 (64-bit)']],
  ['Windows', ['Windows XP SP3 (32-bit)', 'Windows Server 2003 Enterprise Edition(32-bit)', 'Windows Server 2003 Enterprise Edition(64-bit)', 'Windows Server 2008 (32-bit)', 'Windows Server 2008 (64-bit)', 'Windows Server 2008 R2 (64-bit)', 'Windows 7 (32-bit)', 'Windows 7 (64-bit)', 'Windows 10 (64-bit)', 'Windows Server 2019 (64-bit)']],
  ['Other', ['Other (32-bit)', 'Other (64-bit)', 'Other PV (32-bit)', 'Other PV (64-bit)']],
  ['Novel', ['Novell Netware 6.5']],
  ['Unix', ['FreeBSD (32-bit)', 'FreeBSD (64-bit)', 'Sun Solaris 10(32-bit)', 'Sun Solaris 10(64-bit)']],
  ['Ubuntu', ['Ubuntu 10.04 (32-bit)', 'Ubuntu 10.04 (64-bit)', 'Ubuntu 18.04 LTS', 'Ubuntu 20.04 LTS', 'Ubuntu 22.04 LTS', 'Ubuntu 24.04 LTS']],
  ['Linux', ['Other Linux (32-bit)', 'Other Linux (64-bit)', 'Other 2.6x Linux (32-bit)', 'Other 2.6x Linux (64-bit)']],
];
