import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { volumeResponse } from '../../responses/volume.js';
import { USER_ROLES, prepareVolume, volumeWire } from './volume-common.js';

export default defineCommand({
  name: 'resizeVolume',
  description: 'Grows a volume to a new size (custom offering or ROOT) or to a new disk offering\'s size; shrinking needs shrinkok.',
  roles: [...USER_ROLES],
  async: true,
  event: 'VOLUME.RESIZE',
  instanceType: 'Volume',
  params: {
    id: p.uuid({ entity: 'Volume', required: true, doc: 'The volume' }),
    size: p.long({ doc: 'New size in GB' }),
    shrinkok: p.boolean({ doc: 'Allow the new size to be smaller than the current one' }),
    diskofferingid: p.uuid({ entity: 'DiskOffering', doc: 'New disk offering (data volumes)' }),
  },
  response: objectOf(volumeResponse),
  async prepare(ctx, params) {
    return prepareVolume(ctx, params.id);
  },
  async handler(ctx, params) {
    const v = await ctx.services.volumes.ops.resize(ctx.caller, params.id, params);
    return volumeWire(ctx, v.id);
  },
});
