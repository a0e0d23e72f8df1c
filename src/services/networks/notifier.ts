/**
 * The hook every network-changing command calls after its transaction commits. Routers
 * subscribe once they exist (the router push re-renders `routerDocument(networkId)`);
 * until then it only counts changes, which the tests read.
 */
export type NetworkListener = (networkId: number) => void | Promise<void>;

export class NetworkNotifier {
  private readonly listeners: NetworkListener[] = [];
  /** Changes seen per network since start (tests and diagnostics). */
  readonly changes = new Map<number, number>();

  subscribe(l: NetworkListener): void {
    this.listeners.push(l);
  }

  /** Never throws: a failing listener must not fail the committed API call. */
  async changed(networkId: number): Promise<void> {
    this.changes.set(networkId, (this.changes.get(networkId) ?? 0) + 1);
    for (const l of this.listeners) {
      try {
        await l(networkId);
      } catch {
        // The listener logs its own failures; the change stays committed and is retried by restartNetwork.
      }
    }
  }
}
