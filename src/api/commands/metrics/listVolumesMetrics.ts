import { defineCommand, listOf, type ListResult } from '../../define-command.js';
import { mergeWire } from '../../responses/define.js';
import { volumeMetricsResponse } from '../../responses/metrics.js';
import listVolumes from '../volumes/listVolumes.js';
import { USER_ROLES } from '../volumes/volume-common.js';

export default defineCommand({
  name: 'listVolumesMetrics',
  description: 'Lists volumes as listVolumes does, with their size in GiB.',
  roles: [...USER_ROLES],
  async: false,
  params: listVolumes.params,
  // CloudStack's ListVolumesMetricsCmd answers under listVolumes' key.
  responseName: 'listvolumesresponse',
  response: listOf(volumeMetricsResponse),
  async handler(ctx, params) {
    const r = (await listVolumes.handler(ctx, params)) as ListResult;
    return { items: r.items.map((v) => mergeWire(v, typeof v['size'] === 'number' ? { sizegb: `${(v['size'] / 1024 ** 3).toFixed(2)} GB` } : {})), count: r.count };
  },
});
