/**
 * The virtual router's user-data/metadata service (port 80) and password service (port
 * 8080), as HTTP server factories keyed by the caller's guest IP. The lookup is a function
 * over the router document's `metadata` entries; nothing here logs user data or passwords.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface GuestMetadata {
  instanceId: string;
  vmId: string;
  localHostname: string;
  localIpv4: string;
  publicIpv4: string | null;
  availabilityZone: string;
  serviceOffering: string;
  /** Base64 as stored by CloudStack; served decoded. */
  userData: string | null;
}

export type MetadataLookup = (guestIp: string) => GuestMetadata | undefined;

const META_KEYS = ['service-offering', 'availability-zone', 'local-ipv4', 'local-hostname', 'public-ipv4', 'public-hostname', 'instance-id', 'vm-id'] as const;

function callerIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function metaValue(m: GuestMetadata, key: (typeof META_KEYS)[number]): string {
  switch (key) {
    case 'service-offering': return m.serviceOffering;
    case 'availability-zone': return m.availabilityZone;
    case 'local-ipv4': return m.localIpv4;
    case 'local-hostname': return m.localHostname;
    case 'public-ipv4': return m.publicIpv4 ?? '';
    case 'public-hostname': return m.publicIpv4 ?? '';
    case 'instance-id': return m.instanceId;
    case 'vm-id': return m.vmId;
  }
}

/** GET /latest/user-data, /latest/meta-data/ and /latest/meta-data/{key} for the calling guest. */
export function createMetadataServer(lookup: MetadataLookup, ipOf: (req: IncomingMessage) => string = callerIp): Server {
  return createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    const m = lookup(ipOf(req));
    if (!m) return send(res, 404, 'not found');
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/{2,}/g, '/');
    if (path === '/latest/user-data' || path === '/latest/user-data/') {
      if (!m.userData) return send(res, 404, 'not found');
      return send(res, 200, Buffer.from(m.userData, 'base64').toString('utf8'));
    }
    if (path === '/latest/meta-data' || path === '/latest/meta-data/') return send(res, 200, META_KEYS.join('\n'));
    if (path === '/latest' || path === '/latest/') return send(res, 200, 'meta-data/\nuser-data');
    const key = /^\/latest\/meta-data\/([a-z0-9-]+)\/?$/.exec(path)?.[1] as (typeof META_KEYS)[number] | undefined;
    if (key && (META_KEYS as readonly string[]).includes(key)) return send(res, 200, metaValue(m, key));
    return send(res, 404, 'not found');
  });
}

/** Pending passwords by guest IP; `take` gives it once saved is acknowledged. */
export interface PasswordStore {
  get(guestIp: string): string | undefined;
  markSaved(guestIp: string): void | Promise<void>;
}

/**
 * The protocol of CloudStack's cloud-set-guest-password: header `DomU_Request: send_my_password`
 * answers the pending password (or `saved_password` when there is none); `DomU_Request:
 * saved_password` acknowledges it, so it is never served again; anything else is `bad_request`.
 */
export function createPasswordServer(store: PasswordStore, ipOf: (req: IncomingMessage) => string = callerIp): Server {
  return createServer((req, res) => {
    void (async () => {
      const ip = ipOf(req);
      const what = String(req.headers['domu_request'] ?? '').trim();
      if (what === 'send_my_password') {
        const pw = store.get(ip);
        return send(res, 200, pw ?? 'saved_password');
      }
      if (what === 'saved_password') {
        await store.markSaved(ip);
        return send(res, 200, 'saved_password');
      }
      return send(res, 400, 'bad_request');
    })().catch(() => send(res, 500, 'error'));
  });
}

/** A PasswordStore over the router document's metadata entries (passwords kept in memory only). */
export function memoryPasswordStore(initial: Record<string, string>): PasswordStore & { pending(): string[] } {
  const m = new Map(Object.entries(initial));
  return {
    get: (ip) => m.get(ip),
    markSaved: (ip) => void m.delete(ip),
    pending: () => [...m.keys()],
  };
}
