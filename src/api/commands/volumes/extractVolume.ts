import { defineCommand, objectOf } from '../../define-command.js';
import { paramError } from '../../errors.js';
import { p } from '../../params.js';
import { defineResponse, wireDate } from '../../responses/define.js';
import { USER_ROLES, prepareVolume } from './volume-common.js';

const extractResponse = defineResponse({
  objectName: 'volume', className: 'ExtractResponse',
  fields: { id: 'string', name: 'string', extractId: 'string', uploadpercentage: 'integer', status: 'string', accountid: 'string', created: 'date', state: 'string', storagetype: 'string', zoneid: 'string', zonename: 'string', extractMode: 'string', url: 'string' },
});

export default defineCommand({
  name: 'extractVolume',
  description: 'Copies a volume (detached, or of a stopped VM) to secondary storage and returns an expiring download URL.',
  roles: [...USER_ROLES],
  async: true,
  event: 'VOLUME.EXTRACT',
  instanceType: 'Volume',
  params: {
    id: p.uuid({ entity: 'Volume', required: true, doc: 'The volume' }),
    zoneid: p.uuid({ entity: 'Zone', required: true, doc: 'Zone of the volume' }),
    mode: p.string({ required: true, doc: 'HTTP_DOWNLOAD' }),
    url: p.string({ length: 2048, doc: 'Not supported (FTP upload)' }),
  },
  response: objectOf(extractResponse),
  async prepare(ctx, params) {
    if (params.url !== undefined) throw paramError('Uploading to a URL (FTP_UPLOAD) is not supported; use mode HTTP_DOWNLOAD');
    return prepareVolume(ctx, params.id);
  },
  async handler(ctx, params) {
    const e = await ctx.services.volumes.ops.extract(ctx.caller, params.id, params.zoneid, params.mode);
    return {
      id: e.volume.uuid, name: e.volume.name, extractId: e.extractUuid, uploadpercentage: 100, status: 'DOWNLOAD_URL_CREATED', accountid: e.accountUuid,
      created: wireDate(e.created), state: 'DOWNLOAD_URL_CREATED', storagetype: 'Primary', zoneid: e.zoneUuid, zonename: e.zoneName, extractMode: 'HTTP_DOWNLOAD', url: e.url,
    };
  },
});
