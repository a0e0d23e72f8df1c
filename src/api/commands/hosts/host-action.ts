/** Async host actions that take a host id and answer with the host (maintenance, reconnect). */
import { defineCommand, objectOf, type CommandContext } from '../../define-command.js';
import { p } from '../../params.js';
import { hostResponse } from '../../responses/host.js';
import type { HostRow } from '../../../services/hosts/host.queries.js';
import { hostWires } from './host-common.js';

export function hostAction(o: { name: string; description: string; event: string; run: (ctx: CommandContext, hostId: number) => Promise<HostRow> }) {
  return defineCommand({
    name: o.name,
    description: o.description,
    roles: ['Admin'],
    async: true,
    event: o.event,
    instanceType: 'Host',
    params: { id: p.uuid({ entity: 'Host', required: true, doc: 'The host' }) },
    response: objectOf(hostResponse),
    async prepare(ctx, q) {
      const h = await ctx.services.hosts.get(q.id);
      return { instanceUuid: h.uuid };
    },
    async handler(ctx, q) {
      return (await hostWires(ctx, [await o.run(ctx, q.id)]))[0]!;
    },
  });
}
