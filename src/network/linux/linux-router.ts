/**
 * Virtual routers on a Linux host: each router is a network namespace built from its start
 * NICs (guest leg on guestBridgeName()'s bridge, public leg with its address and default
 * route) and configured from the router document: addresses, `tc` shaping, one nftables
 * table, dnsmasq, the metadata/password server and haproxy. Applying the same document again
 * changes nothing; a changed one touches only the parts whose rendered form differs (a file
 * compared with what is on disk, kernel addresses with `ip -j`, processes by pid file).
 * Destroy removes the processes, the namespace, its veths, its unused bridges and its files.
 * Calls for one router are serialised.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NicSpec } from '../../protocol/messages.js';
import { documentVersion } from '../../drivers/router-version.js';
import { exec, must } from './exec.js';
import { HostLinks } from './host-links.js';
import { GUEST_IF, PUBLIC_IF, routerNames, type RouterNames } from './names.js';
import { netnsPids, terminate } from './processes.js';
import { parseRouterDoc, type RouterDoc } from './router-doc.js';
import { RouterDaemons } from './router-daemons.js';
import { legOf, setShaping, shapingInForce, syncAddresses, syncDefaultRoute, type Leg } from './router-legs.js';
import { syncDaemons, syncNft, writeIfChanged } from './router-sync.js';

export interface LinuxRouterOptions {
  /** Where each router keeps its files (`<stateDir>/<instance>/`); also scopes kernel names. */
  stateDir: string;
  /** Run the host side in this namespace instead of the host's own (tests). */
  hostNetns?: string | undefined;
  /** Host interface carrying tagged guest VLANs (`eth1` → `eth1.600` in `nbr600`). */
  guestInterface?: string | undefined;
  /** Host interface carrying tagged public VLANs (default: guestInterface). */
  publicInterface?: string | undefined;
  /** An existing bridge for every router's public leg (the operator's; never removed). */
  publicBridge?: string | undefined;
}

export interface RouterRecord { instanceName: string; nics: NicSpec[]; names: RouterNames; guest: Leg | null; public: Leg | null }
export interface RouterApplied { version: string; changed: boolean; changes: string[] }

const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');

/**
 * guest0 carries the network's gateway, pub0 the start NIC's address and every public IP of
 * the document; without a document (a first start) each leg carries its start NIC's address.
 */
function legAddresses(rec: RouterRecord, doc: RouterDoc | null): { guest: string[]; public: string[] } {
  const g = rec.guest, p = rec.public;
  const guest = doc ? [`${doc.network.gateway}/${doc.network.prefix}`] : g?.ip ? [`${g.ip}/${g.prefix}`] : [];
  const ips = [...new Set([p?.ip, ...(doc?.publicIps ?? []).map((x) => x.ip)].filter((x): x is string => !!x))];
  return { guest, public: p ? ips.map((ip) => `${ip}/${p.prefix}`) : [] };
}

export class LinuxRouters {
  private readonly host: HostLinks;
  private readonly queue = new Map<string, Promise<unknown>>();

  constructor(private readonly o: LinuxRouterOptions) {
    this.host = new HostLinks(o.hostNetns);
    mkdirSync(o.stateDir, { recursive: true });
  }

  private dirOf(name: string) { return join(this.o.stateDir, safe(name)); }
  private daemons(r: RouterRecord) { return new RouterDaemons(r.names.netns, this.dirOf(r.instanceName), join(this.dirOf(r.instanceName), 'dns')); }

  private serial<T>(name: string, f: () => Promise<T>): Promise<T> {
    const run = (this.queue.get(name) ?? Promise.resolve()).catch(() => undefined).then(f);
    this.queue.set(name, run);
    return run.finally(() => { if (this.queue.get(name) === run) this.queue.delete(name); });
  }

  record(name: string): RouterRecord | null {
    try {
      return JSON.parse(readFileSync(join(this.dirOf(name), 'router.json'), 'utf8')) as RouterRecord;
    } catch {
      return null;
    }
  }

  /** True while the router's namespace exists. */
  running(name: string): boolean {
    const r = this.record(name);
    return r !== null && existsSync(`/run/netns/${r.names.netns}`);
  }

  /** The routers this host holds (their instance names). */
  list(): string[] {
    return readdirSync(this.o.stateDir).map((d) => this.recordIn(d)).filter((n): n is string => n !== null);
  }

  private recordIn(dir: string): string | null {
    try {
      return (JSON.parse(readFileSync(join(this.o.stateDir, dir, 'router.json'), 'utf8')) as RouterRecord).instanceName;
    } catch {
      return null;
    }
  }

  /** Post: the namespace and its legs exist (idempotent); on failure nothing is left. */
  start(name: string, nics: NicSpec[]): Promise<void> {
    return this.serial(name, async () => {
      try {
        await this.build(name, nics);
      } catch (err) {
        await this.teardown(name).catch(() => undefined);
        throw err;
      }
    });
  }

  private async build(name: string, nics: NicSpec[]): Promise<void> {
    const dir = this.dirOf(name);
    mkdirSync(join(dir, 'dns'), { recursive: true, mode: 0o755 });
    const names = routerNames(this.o.stateDir, name);
    const g = nics.find((n) => n.trafficType === 'Guest');
    const p = nics.find((n) => n.trafficType === 'Public');
    const rec: RouterRecord = {
      instanceName: name, nics, names, guest: g ? legOf(g, this.o.guestInterface) : null,
      public: p ? legOf(p, this.o.publicInterface ?? this.o.guestInterface, this.o.publicBridge) : null,
    };
    // Written first, so a failed start still knows what to tear down.
    writeIfChanged(join(dir, 'router.json'), JSON.stringify(rec, null, 2));
    if (!existsSync(`/run/netns/${names.netns}`)) await must('ip', ['netns', 'add', names.netns]);
    await must('ip', ['-n', names.netns, 'link', 'set', 'lo', 'up']);
    await must('ip', ['netns', 'exec', names.netns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.promote_secondaries=1', 'net.ipv4.conf.default.promote_secondaries=1']);
    // StartVm may come again for a running router: its legs keep what its document added.
    const last = this.lastDocument(name);
    const want = legAddresses(rec, last ? parseRouterDoc(last) : null);
    for (const [leg, hostEnd, nsEnd, addrs] of [[rec.guest, names.hostGuest, GUEST_IF, want.guest], [rec.public, names.hostPublic, PUBLIC_IF, want.public]] as const) {
      if (!leg) continue;
      await this.host.ensureBridge(leg.bridge);
      if (leg.trunk && leg.vlan !== null) await this.host.ensureVlan(leg.trunk, leg.vlan, leg.bridge);
      await this.host.ensureVeth({ hostEnd, bridge: leg.bridge, netns: names.netns, nsEnd, mac: leg.mac });
      await must('ip', ['netns', 'exec', names.netns, 'sysctl', '-qw', `net.ipv4.conf.${nsEnd}.promote_secondaries=1`]);
      if (addrs.length) await syncAddresses(names.netns, nsEnd, addrs);
    }
    if (rec.public?.gateway) await syncDefaultRoute(names.netns, PUBLIC_IF, rec.public.gateway);
  }

  /**
   * Post: the router runs exactly this document; `changes` names the parts that had to change
   * (none when it was already in force). Throws when the router is not running here.
   */
  apply(name: string, raw: Record<string, unknown>): Promise<RouterApplied> {
    return this.serial(name, () => this.applyNow(name, raw));
  }

  /** Post: the router is rebuilt from its start NICs and runs its last document again (a reboot). */
  restart(name: string): Promise<void> {
    return this.serial(name, async () => {
      const rec = this.record(name);
      if (!rec) throw new Error(`Router ${name} is not running on this host`);
      const doc = this.lastDocument(name);
      await this.teardown(name);
      await this.build(name, rec.nics);
      if (doc) await this.applyNow(name, doc);
    });
  }

  private async applyNow(name: string, raw: Record<string, unknown>): Promise<RouterApplied> {
    const rec = this.record(name);
    if (!rec || !existsSync(`/run/netns/${rec.names.netns}`)) throw new Error(`Router ${name} is not running on this host`);
    const doc = parseRouterDoc(raw);
    const dir = this.dirOf(name);
    const ns = rec.names.netns;
    const changes: string[] = [];
    const step = async (what: string, f: () => Promise<boolean>) => { if (await f()) changes.push(what); };
    await step('addresses', () => this.syncLegs(rec, doc));
    await step('shaping', async () => {
      const devs = [rec.guest ? GUEST_IF : null, rec.public ? PUBLIC_IF : null].filter((d): d is string => d !== null);
      if (!writeIfChanged(join(dir, 'shaping'), JSON.stringify(doc.throttleMbps)) && (await shapingInForce(ns, devs, doc.throttleMbps))) return false;
      await setShaping(ns, devs, doc.throttleMbps);
      return true;
    });
    await step('nftables', () => syncNft(ns, join(dir, 'ruleset.nft'), doc, rec.public !== null));
    for (const c of await syncDaemons(this.daemons(rec), dir, doc)) changes.push(c);
    writeIfChanged(join(dir, 'document.json'), JSON.stringify(raw), 0o600);
    return { version: documentVersion(raw), changed: changes.length > 0, changes };
  }

  /** The legs' addresses (legAddresses) and the default route. */
  private async syncLegs(rec: RouterRecord, doc: RouterDoc): Promise<boolean> {
    const ns = rec.names.netns;
    const want = legAddresses(rec, doc);
    const a = rec.guest ? await syncAddresses(ns, GUEST_IF, want.guest) : false;
    const pub = rec.public;
    if (!pub) return a;
    const b = await syncAddresses(ns, PUBLIC_IF, want.public);
    const c = pub.gateway ? await syncDefaultRoute(ns, PUBLIC_IF, pub.gateway) : false;
    return a || b || c;
  }

  /** Current sessions per load-balancer member (`lb_<rule>/m<i>`), for diagnostics and tests. */
  lbSessions(name: string): Promise<Record<string, number>> {
    const r = this.record(name);
    if (!r) return Promise.reject(new Error(`Router ${name} is not running on this host`));
    return this.daemons(r).haproxySessions();
  }

  /** The last document applied (for a restart of the router), or null. */
  lastDocument(name: string): Record<string, unknown> | null {
    try {
      return JSON.parse(readFileSync(join(this.dirOf(name), 'document.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
  }

  /** Post: no process, namespace, veth, unused bridge or file of the router is left; idempotent. */
  destroy(name: string): Promise<void> {
    return this.serial(name, () => this.teardown(name));
  }

  private async teardown(name: string): Promise<void> {
    const rec = this.record(name);
    const names = rec?.names ?? routerNames(this.o.stateDir, name);
    if (existsSync(`/run/netns/${names.netns}`)) await terminate(await netnsPids(names.netns));
    await this.host.deleteLink(names.hostGuest);
    await this.host.deleteLink(names.hostPublic);
    const del = await exec('ip', ['netns', 'del', names.netns]);
    if (del.code !== 0 && existsSync(`/run/netns/${names.netns}`)) throw new Error(`ip netns del ${names.netns}: ${del.stderr.trim()}`);
    for (const leg of [rec?.guest, rec?.public]) {
      if (leg && leg.bridge !== this.o.publicBridge) await this.host.removeBridgeIfUnused(leg.bridge, leg.vlanSub);
    }
    rmSync(this.dirOf(name), { recursive: true, force: true });
  }
}
