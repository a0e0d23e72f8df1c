/**
 * A minimal QMP client over a unix socket (JSON lines): greeting, `qmp_capabilities`, then
 * `execute` calls answered in order, events buffered for `waitEvent`. One connection per
 * call site; QEMU accepts one QMP client per socket at a time, so callers close promptly.
 */
import { createConnection, type Socket } from 'node:net';

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
}

export class QmpError extends Error {
  constructor(readonly cls: string, message: string) {
    super(message);
  }
}

type Waiter = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class Qmp {
  private buf = '';
  private readonly pending: Waiter[] = [];
  private readonly events: QmpEvent[] = [];
  private eventWaiters: Array<{ name: string; match: (e: QmpEvent) => boolean; resolve: (e: QmpEvent) => void }> = [];
  private closedErr: Error | undefined;

  private constructor(private readonly sock: Socket) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => this.onData(d));
    const fail = (e?: Error) => {
      this.closedErr ??= e ?? new Error('QMP connection closed');
      for (const w of this.pending.splice(0)) w.reject(this.closedErr);
    };
    sock.on('error', fail);
    sock.on('close', () => fail());
  }

  /** Connects, reads the greeting and negotiates capabilities. */
  static async connect(path: string, timeoutMs = 10_000): Promise<Qmp> {
    const sock = await new Promise<Socket>((resolve, reject) => {
      const s = createConnection(path);
      const t = setTimeout(() => { s.destroy(); reject(new Error(`QMP ${path}: connect timed out`)); }, timeoutMs);
      s.once('connect', () => { clearTimeout(t); resolve(s); });
      s.once('error', (e) => { clearTimeout(t); reject(e); });
    });
    const q = new Qmp(sock);
    // The greeting is the first line; the first pending waiter takes it. qmp_capabilities goes
    // at once, without waiting for the greeting: QEMU reads it after sending the greeting, and
    // the answers come in order, so a connection costs one round trip instead of two.
    const greeting = q.next(timeoutMs);
    const ready = q.execute('qmp_capabilities', undefined, timeoutMs);
    try {
      await greeting;
      await ready;
    } catch (e) {
      ready.catch(() => undefined);
      q.close();
      throw e;
    }
    return q;
  }

  /** Runs one command on a fresh connection. */
  static async once<T = unknown>(path: string, cmd: string, args?: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
    const q = await Qmp.connect(path, timeoutMs);
    try {
      return await q.execute<T>(cmd, args, timeoutMs);
    } finally {
      q.close();
    }
  }

  private onData(d: string): void {
    this.buf += d;
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i).trim();
      this.buf = this.buf.slice(i + 1);
      if (!line) continue;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (typeof msg['event'] === 'string') {
        const ev = msg as unknown as QmpEvent;
        const w = this.eventWaiters.find((x) => x.name === ev.event && x.match(ev));
        if (w) {
          this.eventWaiters = this.eventWaiters.filter((x) => x !== w);
          w.resolve(ev);
        } else this.events.push(ev);
        continue;
      }
      const w = this.pending.shift();
      if (!w) continue;
      if (msg['error']) {
        const e = msg['error'] as { class?: string; desc?: string };
        w.reject(new QmpError(e.class ?? 'GenericError', e.desc ?? 'QMP error'));
      } else w.resolve(msg['return'] ?? msg);
    }
  }

  private next(timeoutMs: number): Promise<unknown> {
    if (this.closedErr) return Promise.reject(this.closedErr);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('QMP answer timed out')), timeoutMs);
      this.pending.push({ resolve: (v) => { clearTimeout(t); resolve(v); }, reject: (e) => { clearTimeout(t); reject(e); } });
    });
  }

  execute<T = unknown>(cmd: string, args?: Record<string, unknown>, timeoutMs = 30_000): Promise<T> {
    const p = this.next(timeoutMs) as Promise<T>;
    this.sock.write(`${JSON.stringify(args ? { execute: cmd, arguments: args } : { execute: cmd })}\n`);
    return p;
  }

  /** Resolves with the first (buffered or future) event of that name matching `match`. */
  waitEvent(name: string, timeoutMs: number, match: (e: QmpEvent) => boolean = () => true): Promise<QmpEvent> {
    const i = this.events.findIndex((e) => e.event === name && match(e));
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const w = { name, match, resolve: (e: QmpEvent) => { clearTimeout(t); resolve(e); } };
      const t = setTimeout(() => {
        this.eventWaiters = this.eventWaiters.filter((x) => x !== w);
        reject(new Error(`QMP event ${name} did not come within ${timeoutMs} ms`));
      }, timeoutMs);
      this.eventWaiters.push(w);
    });
  }

  close(): void {
    this.sock.destroy();
  }
}
