/**
 * SystemVmResponse (`systemvm`) for console proxies. A Nimbo proxy runs inside a management
 * server rather than on a hypervisor host, so there is no hostid, pod, template or NIC: hostname
 * names the management server's machine, privateip the address peers reach it at, publicip the
 * host viewers connect to, agentstate whether that server heartbeats.
 */
import type { ProxyView } from '../../services/console/proxy.service.js';
import { defineResponse, wireDate, type Wire } from './define.js';

export const systemVmResponse = defineResponse({
  objectName: 'systemvm',
  className: 'SystemVmResponse',
  fields: {
    id: 'string', name: 'string', systemvmtype: 'string', zoneid: 'string', zonename: 'string', state: 'string', agentstate: 'string',
    activeviewersessions: 'integer', publicip: 'string', privateip: 'string', hostname: 'string', created: 'date',
  },
  docs: {
    state: 'Running, or Stopped (by an administrator, or while its management server is down)',
    agentstate: 'Up while the management server running the proxy heartbeats, Disconnected after',
    activeviewersessions: 'viewer sessions the proxy reported at its last load scan (consoleproxy.loadscan.interval) or session change',
    publicip: 'the host browsers connect to for this proxy\'s consoles',
    privateip: 'the address of the management server running the proxy',
    hostname: 'the management server running the proxy',
  },
});

export function toSystemVm(p: ProxyView): Wire {
  return {
    id: p.uuid, name: p.name, systemvmtype: 'consoleproxy', zoneid: p.zoneUuid, zonename: p.zoneName, state: p.effectiveState, agentstate: p.agentState,
    activeviewersessions: Number(p.active_sessions), publicip: new URL(p.public_url).hostname,
    ...(p.serverIp ? { privateip: p.serverIp } : {}), ...(p.serverName ? { hostname: p.serverName } : {}), created: wireDate(Number(p.created)),
  };
}
