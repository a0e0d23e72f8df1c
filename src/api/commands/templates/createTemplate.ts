import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { templateResponse, toTemplate } from '../../responses/templates.js';
import { pageOf } from '../common.js';

export default defineCommand({
  name: 'createTemplate',
  description: 'Creates a private template from a volume snapshot or from a volume whose VM is stopped (the seed\'s way to recover a whole root disk).',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: 'create',
  event: 'TEMPLATE.CREATE',
  instanceType: 'Template',
  params: {
    name: p.string({ required: true, doc: 'Name of the template' }),
    displaytext: p.string({ length: 4096, doc: 'Display text (the name by default)' }),
    ostypeid: p.uuid({ entity: 'OsType', required: true, doc: 'OS type of the template' }),
    snapshotid: p.uuid({ entity: 'Snapshot', doc: 'The snapshot to make the template from (or volumeid)' }),
    volumeid: p.uuid({ entity: 'Volume', doc: 'The volume to make the template from; its VM must be stopped (or snapshotid)' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'With snapshotid: the snapshot\'s zone' }),
    ispublic: p.boolean({ doc: 'Public template (admins, or users when allow.public.user.templates)' }),
    isfeatured: p.boolean({ doc: 'Featured template (admins)' }),
    passwordenabled: p.boolean({ doc: 'The template supports the password reset feature' }),
  },
  response: objectOf(templateResponse),
  async create(ctx, params) {
    const t = await ctx.services.snapshotRestore.allocateTemplate(ctx.caller, params);
    return { uuid: t.uuid, ref: { templateId: t.id, ...t.source } };
  },
  async handler(ctx, _params, created) {
    const ref = created!.ref!;
    const id = Number(ref['templateId']);
    await ctx.services.snapshotRestore.fillTemplate(ctx.caller, id, ref['snapshotId'] !== undefined ? { snapshotId: Number(ref['snapshotId']) } : { volumeId: Number(ref['volumeId']) });
    const r = await ctx.services.templates.list(ctx.caller, { iso: false, filter: 'all', id }, pageOf(ctx, {}));
    return r.rows[0] ? toTemplate(r.rows[0]) : {};
  },
});
