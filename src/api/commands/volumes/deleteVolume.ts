import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';
import { USER_ROLES } from './volume-common.js';

export default defineCommand({
  name: 'deleteVolume',
  description: 'Deletes a detached data disk: the disk leaves its pool and the account\'s volume and primary storage counts go down.',
  roles: [...USER_ROLES],
  async: false,
  event: 'VOLUME.DELETE',
  params: { id: p.uuid({ entity: 'Volume', required: true, doc: 'The volume' }) },
  response: success,
  async handler(ctx, params) {
    await ctx.services.volumes.delete(ctx.caller, params.id);
    return { success: true };
  },
});
