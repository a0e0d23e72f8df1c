import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

export default defineCommand({
  name: 'deleteImageStore',
  description: 'Deletes an image store that holds no templates or snapshots.',
  roles: ['Admin'],
  async: false,
  params: { id: p.uuid({ entity: 'ImageStore', required: true, doc: 'The image store' }) },
  response: success,
  async handler(ctx, q) {
    await ctx.services.imageStores.delete(ctx.caller, q.id);
    return { success: true };
  },
});
