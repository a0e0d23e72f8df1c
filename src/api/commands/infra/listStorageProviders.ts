import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { defineResponse } from '../../responses/define.js';
import { paramError } from '../../errors.js';
import { listParams, pageOf } from '../common.js';

const storageProviderResponse = defineResponse({ objectName: 'dataStoreProvider', className: 'StorageProviderResponse', fields: { name: 'string', type: 'string' } });

/** The storage providers Nimbo implements, per kind (CloudStack's DataStoreProvider names). */
const PROVIDERS: Record<string, string[]> = { primary: ['DefaultPrimary'], image: ['NFS'] };

export default defineCommand({
  name: 'listStorageProviders',
  description: 'Lists the primary or image storage providers.',
  roles: ['Admin', 'ResourceAdmin'],
  async: false,
  params: {
    ...listParams,
    type: p.string({ required: true, doc: 'primary or image' }),
  },
  response: listOf(storageProviderResponse),
  async handler(ctx, q) {
    const type = q.type.toLowerCase();
    const names = PROVIDERS[type];
    if (!names) throw paramError(`Invalid storage provider type ${q.type}; use primary or image`);
    const r = pageOf(ctx, q).slice(names.filter((n) => !q.keyword || n.toLowerCase().includes(q.keyword.toLowerCase())));
    return { items: r.rows.map((name) => ({ name, type: type.toUpperCase() })), count: r.count };
  },
});
