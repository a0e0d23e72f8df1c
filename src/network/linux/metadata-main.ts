/**
 * `node metadata-main.js <router-dir>`, run by the Linux router inside its namespace
 * (`ip netns exec`): serves the project's user-data/metadata service (port 80) and password
 * service (port 8080) on the gateway address from `<router-dir>/metadata.json`, re-reading it
 * on SIGHUP. A password a guest acknowledged (`saved_password`) is remembered by a hash in
 * `passwords-saved.json`, so a re-render of the same document never serves it again.
 * Writes `metadata.pid` once both ports listen; exits on SIGTERM.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:net';
import { createMetadataServer, createPasswordServer, type GuestMetadata } from '../metadata/servers.js';
import type { MetadataEntry } from './router-doc.js';

export interface MetadataFile { gateway: string; entries: MetadataEntry[] }

const dir = process.argv[2];
if (!dir) {
  console.error('usage: metadata-main.js <router-dir>');
  process.exit(2);
}
const savedPath = join(dir, 'passwords-saved.json');
const hashOf = (ip: string, pw: string) => createHash('sha256').update(`${ip}\0${pw}`).digest('hex');

let byIp = new Map<string, MetadataEntry>();
let saved = new Set<string>();
const load = () => {
  const f = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as MetadataFile;
  byIp = new Map(f.entries.map((e) => [e.ip, e]));
  try {
    saved = new Set(JSON.parse(readFileSync(savedPath, 'utf8')) as string[]);
  } catch {
    saved = new Set();
  }
  return f;
};
const file = load();

const lookup = (ip: string): GuestMetadata | undefined => {
  const e = byIp.get(ip);
  return e && {
    instanceId: e.instanceId, vmId: e.vmId, localHostname: e.localHostname, localIpv4: e.ip, publicIpv4: e.publicIp,
    availabilityZone: e.availabilityZone, serviceOffering: e.serviceOffering, userData: e.userData,
  };
};
const passwords = {
  get(ip: string) {
    const pw = byIp.get(ip)?.password;
    return pw !== undefined && !saved.has(hashOf(ip, pw)) ? pw : undefined;
  },
  markSaved(ip: string) {
    const pw = byIp.get(ip)?.password;
    if (pw === undefined) return;
    saved.add(hashOf(ip, pw));
    writeFileSync(`${savedPath}.tmp`, JSON.stringify([...saved]), { mode: 0o600 });
    renameSync(`${savedPath}.tmp`, savedPath);
  },
};

const listen = (s: Server, port: number) => new Promise<void>((ok, fail) => {
  s.once('error', fail);
  s.listen(port, file.gateway, () => ok());
});
const servers = [createMetadataServer(lookup), createPasswordServer(passwords)];
await Promise.all([listen(servers[0]!, 80), listen(servers[1]!, 8080)]);
writeFileSync(join(dir, 'metadata.pid'), `${process.pid}\n`);
process.on('SIGHUP', () => {
  try {
    load();
  } catch (err) {
    console.error(`metadata: reload failed: ${(err as Error).message}`);
  }
});
process.on('SIGTERM', () => {
  servers.forEach((s) => s.close());
  process.exit(0);
});
