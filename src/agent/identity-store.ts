/** The host uuids and secrets an agent was issued, one JSON file (mode 0600) in its data dir. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface HostIdentity {
  hostUuid: string;
  secret: string;
}

export class IdentityStore {
  private writing: Promise<void> = Promise.resolve();
  private dirtyTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly file: string, private readonly ids: Record<string, HostIdentity>) {}

  static async open(dataDir: string): Promise<IdentityStore> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, 'agent-hosts.json');
    let ids: Record<string, HostIdentity> = {};
    try {
      ids = JSON.parse(await readFile(file, 'utf8')) as Record<string, HostIdentity>;
    } catch {
      /* first start */
    }
    return new IdentityStore(file, ids);
  }

  get(index: number): HostIdentity | undefined {
    return this.ids[String(index)];
  }

  /** Records a new identity; writes are coalesced (10,000 hosts register at once). */
  set(index: number, id: HostIdentity): Promise<void> {
    this.ids[String(index)] = id;
    if (!this.dirtyTimer) {
      this.dirtyTimer = setTimeout(() => {
        this.dirtyTimer = undefined;
        this.writing = this.writing.then(() => this.write());
      }, 50);
    }
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    if (this.dirtyTimer) {
      clearTimeout(this.dirtyTimer);
      this.dirtyTimer = undefined;
      this.writing = this.writing.then(() => this.write());
    }
    await this.writing;
  }

  private async write(): Promise<void> {
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, JSON.stringify(this.ids), { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
