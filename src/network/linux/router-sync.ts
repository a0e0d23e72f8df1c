/**
 * Brings a router's nftables table and processes in line with its document. Each rendered
 * file is compared with the one on disk: equal and its process alive means nothing to do. A
 * file whose apply fails is removed, so the next apply of the same document tries again.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, must } from './exec.js';
import { renderDnsmasq } from './dnsmasq-config.js';
import { renderHaproxy } from './haproxy-config.js';
import type { MetadataFile } from './metadata-main.js';
import { NFT_TABLE } from './names.js';
import { renderNftRuleset } from './nft-ruleset.js';
import type { RouterDoc } from './router-doc.js';
import type { RouterDaemons } from './router-daemons.js';

/** Writes `content` (atomically) unless the file already holds it; true when written. */
export function writeIfChanged(path: string, content: string, mode = 0o644): boolean {
  try {
    if (readFileSync(path, 'utf8') === content) return false;
  } catch { /* absent */ }
  writeFileSync(`${path}.tmp`, content, { mode });
  renameSync(`${path}.tmp`, path);
  return true;
}

async function undoOnFailure(path: string, f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (err) {
    rmSync(path, { force: true });
    throw err;
  }
}

/** The router's table replaced atomically with `nft -f` when its text changed (or the table is gone). */
export async function syncNft(netns: string, path: string, d: RouterDoc, hasPublic: boolean): Promise<boolean> {
  const text = renderNftRuleset(d, hasPublic);
  if (!writeIfChanged(path, text) && (await exec('ip', ['netns', 'exec', netns, 'nft', 'list', 'table', 'ip', NFT_TABLE])).code === 0) return false;
  await undoOnFailure(path, () => must('ip', ['netns', 'exec', netns, 'nft', '-f', path]).then(() => undefined));
  return true;
}

async function syncDnsmasq(p: RouterDaemons, dnsDir: string, d: RouterDoc): Promise<boolean> {
  const f = renderDnsmasq(d, dnsDir);
  const conf = join(dnsDir, 'dnsmasq.conf');
  const confChanged = writeIfChanged(conf, f.conf);
  const listsChanged = [writeIfChanged(join(dnsDir, 'dhcp-hosts'), f.dhcpHosts), writeIfChanged(join(dnsDir, 'hosts'), f.hosts)].some(Boolean);
  if (confChanged || p.dnsmasqPids().length === 0) {
    await undoOnFailure(conf, () => p.startDnsmasq());
    return true;
  }
  if (listsChanged) p.reloadDnsmasq();
  return listsChanged;
}

async function syncMetadata(p: RouterDaemons, dir: string, d: RouterDoc): Promise<boolean> {
  const path = join(dir, 'metadata.json');
  let before: MetadataFile | null = null;
  try {
    before = JSON.parse(readFileSync(path, 'utf8')) as MetadataFile;
  } catch { /* first apply */ }
  const file: MetadataFile = { gateway: d.network.gateway, entries: d.metadata };
  // User data and passwords: readable by root only.
  const changed = writeIfChanged(path, JSON.stringify(file), 0o600);
  if (p.metadataPids().length === 0 || before?.gateway !== file.gateway) {
    await undoOnFailure(path, () => p.startMetadata());
    return true;
  }
  if (changed) p.reloadMetadata();
  return changed;
}

async function syncHaproxy(p: RouterDaemons, dir: string, d: RouterDoc): Promise<boolean> {
  const cfg = renderHaproxy(d, join(dir, 'haproxy.sock'));
  const path = join(dir, 'haproxy.cfg');
  if (cfg === null) {
    const had = p.haproxyPids().length > 0;
    await p.stopHaproxy();
    rmSync(path, { force: true });
    return had;
  }
  if (!writeIfChanged(path, cfg) && p.haproxyPids().length > 0) return false;
  await undoOnFailure(path, () => p.startHaproxy());
  return true;
}

/** dnsmasq, metadata and haproxy in line with the document; returns the names of those that changed. */
export async function syncDaemons(p: RouterDaemons, dir: string, d: RouterDoc): Promise<string[]> {
  // Independent processes: started side by side (the metadata server's Node start dominates).
  const done = await Promise.allSettled([syncDnsmasq(p, join(dir, 'dns'), d), syncMetadata(p, dir, d), syncHaproxy(p, dir, d)]);
  const failed = done.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return ['dnsmasq', 'metadata', 'haproxy'].filter((_, i) => (done[i] as PromiseFulfilledResult<boolean>).value);
}
