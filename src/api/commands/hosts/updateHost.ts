import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { hostResponse } from '../../responses/host.js';
import { hostWires } from './host-common.js';

export default defineCommand({
  name: 'updateHost',
  description: 'Updates a host\'s tags, OS category preference, allocation state or name.',
  roles: ['Admin'],
  async: false,
  params: {
    id: p.uuid({ entity: 'Host', required: true, doc: 'The host' }),
    name: p.string({ roles: ['Admin'], doc: 'New name' }),
    hosttags: p.stringList({ doc: 'Host tags (replaces the current ones)' }),
    oscategoryid: p.uuid({ entity: 'OsCategory', doc: 'Preferred OS category' }),
    allocationstate: p.string({ doc: 'Enable or Disable' }),
  },
  response: objectOf(hostResponse),
  async handler(ctx, q) {
    const h = await ctx.services.hosts.update(ctx.caller, q.id, { name: q.name, hostTags: q.hosttags, osCategoryId: q.oscategoryid, allocationState: q.allocationstate });
    return (await hostWires(ctx, [h]))[0]!;
  },
});
