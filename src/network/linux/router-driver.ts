/**
 * Gives any HypervisorDriver namespace routers: a router VM (CloudStack's `r-<id>-VM`) is not
 * the hypervisor's guest on a Linux host but a LinuxRouters namespace, so its start, stop,
 * reboot, destroy, state and `ApplyRouterConfig` go there; every other call reaches the
 * wrapped driver unchanged. A Proxy rather than a subclass keeps the driver's own optional
 * capabilities (live migration, VNC) visible exactly as the driver declares them.
 */
import type { HypervisorDriver, StartSpec } from '../../drivers/driver.js';
import type { VmState } from '../../protocol/messages.js';
import type { LinuxRouters } from './linux-router.js';

/** CloudStack names a network's virtual router `r-<id>-VM` (router.service.ts does the same). */
export const isRouterName = (instanceName: string) => /^r-\d+-VM$/.test(instanceName);

/** The routers' part of the driver contract, as LinuxRouters fulfils it. */
function routerMethods(routers: LinuxRouters, inner: HypervisorDriver): Partial<HypervisorDriver> {
  const mine = (name: string) => isRouterName(name) && routers.record(name) !== null;
  return {
    async startVm(spec: StartSpec) {
      if (!isRouterName(spec.instanceName)) return inner.startVm(spec);
      await routers.start(spec.instanceName, spec.nics ?? []);
    },
    async stopVm(name: string, force: boolean) {
      if (!mine(name)) return inner.stopVm(name, force);
      await routers.destroy(name);
    },
    async destroyVm(name: string) {
      if (!isRouterName(name)) return inner.destroyVm(name);
      await routers.destroy(name);
    },
    async rebootVm(name: string) {
      if (!mine(name)) return inner.rebootVm(name);
      if (!routers.running(name)) throw new Error(`Router ${name} is not running`);
      await routers.restart(name);
    },
    async applyRouterConfig(name: string, document: Record<string, unknown>) {
      const r = await routers.apply(name, document);
      return { version: r.version, changed: r.changed };
    },
    async vmStates(): Promise<VmState[]> {
      const own = routers.list().filter((n) => routers.running(n)).map((n): VmState => ({ instanceName: n, state: 'Running' }));
      return [...(await inner.vmStates()).filter((v) => !own.some((o) => o.instanceName === v.instanceName)), ...own];
    },
    async migrateOut(name: string, target?: Parameters<HypervisorDriver['migrateOut']>[1], onProgress?: (percent: number) => void) {
      if (mine(name)) throw new Error(`Router ${name} is a network namespace of this host and does not migrate; restart its network to move it`);
      return inner.migrateOut(name, target, onProgress);
    },
  };
}

export function withNamespaceRouters<D extends HypervisorDriver>(inner: D, routers: LinuxRouters): D {
  const own = routerMethods(routers, inner) as Record<string | symbol, unknown>;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop in own) return own[prop];
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
