/**
 * Template and ISO commands are the same operations on the same table (CloudStack shares
 * TemplateManagerImpl for both); each API command file calls one of these builders.
 */
import { defineCommand, listOf, objectOf, success } from '../../define-command.js';
import { p } from '../../params.js';
import { isoResponse, templatePermissionsResponse, templateResponse, toTemplate, toTemplatePermissions } from '../../responses/templates.js';
import { accountListParams, listResult, pageOf } from '../common.js';
import type { CommandContext } from '../../define-command.js';
import { paramError } from '../../errors.js';
import { defineResponse, wireDate } from '../../responses/define.js';

const extractResponse = (iso: boolean) => defineResponse({
  objectName: iso ? 'iso' : 'template', className: 'ExtractResponse',
  fields: { id: 'string', name: 'string', extractId: 'string', uploadpercentage: 'integer', status: 'string', accountid: 'string', created: 'date', state: 'string', storagetype: 'string', zoneid: 'string', zonename: 'string', extractMode: 'string', url: 'string' },
});

const kind = (iso: boolean) => (iso ? 'ISO' : 'template');
const entity = (iso: boolean) => (iso ? 'Iso' : 'Template') as 'Iso' | 'Template';
const shape = (iso: boolean) => (iso ? isoResponse : templateResponse);

async function listOne(ctx: CommandContext, iso: boolean, id: number, zoneId?: number) {
  const r = await ctx.services.templates.list(ctx.caller, { iso, filter: 'all', id, zoneId }, pageOf(ctx, {}));
  // Admin 'all' shows everything; others need visibility, already checked by the caller.
  return r;
}

export const updateCommand = (name: string, iso: boolean) => defineCommand({
  name, description: `Updates the name, text, OS type or flags of a ${kind(iso)}.`,
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'], async: false, event: iso ? 'ISO.UPDATE' : 'TEMPLATE.UPDATE',
  params: {
    id: p.uuid({ entity: entity(iso), required: true, doc: `The ${kind(iso)}` }),
    name: p.string({ doc: 'New name' }),
    displaytext: p.string({ length: 4096, doc: 'New display text' }),
    ostypeid: p.uuid({ entity: 'OsType', doc: 'New OS type' }),
    passwordenabled: p.boolean({ doc: 'Supports the password reset script' }),
    bootable: p.boolean({ doc: 'Bootable' }),
    format: p.string({ doc: 'Corrected format' }),
  },
  response: objectOf(shape(iso)),
  async handler(ctx, a) {
    await ctx.services.templates.update(ctx.caller, a.id, iso, { name: a.name, displayText: a.displaytext, osTypeId: a.ostypeid, passwordEnabled: a.passwordenabled, bootable: a.bootable, format: a.format });
    const r = await listOne(ctx, iso, a.id);
    return r.rows[0] ? toTemplate(r.rows[0]) : {};
  },
});

export const deleteCommand = (name: string, iso: boolean) => defineCommand({
  name, description: `Deletes a ${kind(iso)} from one zone, or from every zone; VMs made from it keep running.`,
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'], async: true, event: iso ? 'ISO.DELETE' : 'TEMPLATE.DELETE', instanceType: iso ? 'Iso' : 'Template', resumable: true,
  params: {
    id: p.uuid({ entity: entity(iso), required: true, doc: `The ${kind(iso)}` }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Only the copy in this zone' }),
  },
  response: success,
  async prepare(ctx, a) {
    const t = await ctx.services.templates.getOwned(ctx.caller, a.id, iso);
    return { instanceUuid: t.uuid };
  },
  async handler(ctx, a) {
    await ctx.services.templateSharing.delete(ctx.caller, a.id, iso, a.zoneid);
    return { success: true };
  },
});

export const updatePermissionsCommand = (name: string, iso: boolean) => defineCommand({
  name, description: `Makes a ${kind(iso)} public or private, or shares it with accounts (op add/remove/reset).`,
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'], async: false,
  params: {
    id: p.uuid({ entity: entity(iso), required: true, doc: `The ${kind(iso)}` }),
    accounts: p.stringList({ doc: 'Account names (in the owner\'s domain) to add or remove' }),
    projectids: p.uuidList({ entity: 'Account', doc: 'Projects to add or remove (accepted; Nimbo has no projects yet)' }),
    op: p.string({ doc: 'add, remove or reset' }),
    ispublic: p.boolean({ doc: 'Public to every account' }),
    isfeatured: p.boolean({ doc: 'Featured (admins)' }),
    isextractable: p.boolean({ doc: 'May be extracted' }),
  },
  response: success,
  async handler(ctx, a) {
    await ctx.services.templateSharing.updatePermissions(ctx.caller, a.id, iso, { op: a.op, accounts: a.accounts, projectIds: a.projectids, isPublic: a.ispublic, featured: a.isfeatured, extractable: a.isextractable });
    return { success: true };
  },
});

export const listPermissionsCommand = (name: string, iso: boolean) => defineCommand({
  name, description: `Lists the accounts a ${kind(iso)} is shared with.`, responseName: 'listtemplatepermissionsresponse',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'], async: false,
  params: { id: p.uuid({ entity: entity(iso), required: true, doc: `The ${kind(iso)}` }) },
  response: objectOf(templatePermissionsResponse),
  async handler(ctx, a) {
    return toTemplatePermissions(await ctx.services.templateSharing.listPermissions(ctx.caller, a.id, iso));
  },
});

export const copyCommand = (name: string, iso: boolean) => defineCommand({
  name, description: `Copies a ${kind(iso)} to another zone's secondary storage.`, responseName: 'copytemplateresponse',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'], async: true, event: 'TEMPLATE.COPY', instanceType: iso ? 'Iso' : 'Template', resumable: true,
  params: {
    id: p.uuid({ entity: entity(iso), required: true, doc: `The ${kind(iso)}` }),
    sourcezoneid: p.uuid({ entity: 'Zone', doc: 'Zone to copy from (any ready copy by default)' }),
    destzoneid: p.uuid({ entity: 'Zone', doc: 'Zone to copy to' }),
    destzoneids: p.uuidList({ entity: 'Zone', doc: 'Zones to copy to (instead of destzoneid)', since: '4.19.0' }),
  },
  response: objectOf(shape(iso)),
  async prepare(ctx, a) {
    if (a.destzoneid === undefined && !a.destzoneids?.length) throw paramError('Either destzoneid or destzoneids is required');
    if (a.destzoneid !== undefined && a.destzoneids?.length) throw paramError('destzoneid and destzoneids cannot both be given');
    const t = await ctx.services.templates.getVisible(ctx.caller, a.id, iso);
    return { instanceUuid: t.uuid };
  },
  async handler(ctx, a) {
    const zones = a.destzoneid !== undefined ? [a.destzoneid] : [...new Set(a.destzoneids)];
    // Copies run one zone at a time; the answer shows the copy in the first destination, as CloudStack's does.
    for (const zone of zones) await ctx.services.templateSharing.waitForRef(await ctx.services.templateSharing.copy(ctx.caller, a.id, iso, a.sourcezoneid, zone));
    const r = await listOne(ctx, iso, a.id, zones[0]);
    return r.rows[0] ? toTemplate(r.rows[0]) : {};
  },
});

export const listCommand = (name: string, iso: boolean) => defineCommand({
  name, description: `Lists ${kind(iso)}s by ${iso ? 'isofilter' : 'templatefilter'}, one entry per zone copy, honouring privacy.`,
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'], async: false,
  params: {
    ...accountListParams,
    ...(iso ? { isofilter: p.string({ doc: 'featured, self, selfexecutable, sharedexecutable, executable, community or all (default)' }), bootable: p.boolean({ doc: 'Only bootable ISOs' }), ispublic: p.boolean({ doc: 'Only public ISOs' }) }
      : { templatefilter: p.string({ required: true, doc: 'featured, self, selfexecutable, sharedexecutable, executable, community or all' }) }),
    id: p.uuid({ entity: entity(iso), doc: `Only this ${kind(iso)}` }),
    name: p.string({ doc: 'Only this name' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Only copies in this zone' }),
    hypervisor: p.string({ doc: 'Only this hypervisor' }),
    isready: p.boolean({ doc: 'Only ready copies' }),
  },
  response: listOf(shape(iso)),
  async handler(ctx, a: Record<string, any>) {
    const filter = (iso ? a['isofilter'] : a['templatefilter']) ?? 'all';
    if (a['id'] !== undefined) await ctx.services.templates.getVisible(ctx.caller, a['id'], iso);
    let accountId: number | undefined;
    if (a['account'] !== undefined) accountId = (await ctx.services.scoper.accountByName(ctx.caller, a['account'], a['domainid'])).id;
    const r = await ctx.services.templates.list(ctx.caller, {
      iso, filter, id: a['id'], name: a['name'], keyword: a['keyword'], zoneId: a['zoneid'], hypervisor: a['hypervisor'], isReady: a['isready'],
      bootable: a['bootable'], isPublic: a['ispublic'], accountId,
    }, pageOf(ctx, a));
    return listResult(r, toTemplate);
  },
});

export const extractCommand = (name: string, iso: boolean) => defineCommand({
  name, description: `Creates an expiring HTTP download URL for a ready ${kind(iso)}.`,
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'], async: true, event: iso ? 'ISO.EXTRACT' : 'TEMPLATE.EXTRACT', instanceType: iso ? 'Iso' : 'Template',
  params: {
    id: p.uuid({ entity: entity(iso), required: true, doc: `The ${kind(iso)}` }),
    mode: p.string({ required: true, doc: 'HTTP_DOWNLOAD' }),
    zoneid: p.uuid({ entity: 'Zone', doc: 'Zone whose copy to extract' }),
    url: p.string({ length: 2048, doc: 'Not supported (FTP upload)' }),
  },
  response: objectOf(extractResponse(iso)),
  async prepare(ctx, a) {
    const t = await ctx.services.templates.getOwned(ctx.caller, a.id, iso);
    return { instanceUuid: t.uuid };
  },
  async handler(ctx, a) {
    const e = await ctx.services.templateExtracts.extract(ctx.caller, a.id, iso, a.zoneid, a.mode);
    return {
      id: e.templateUuid, name: e.name, extractId: e.extractUuid, uploadpercentage: 100, status: 'DOWNLOAD_URL_CREATED', accountid: e.accountUuid,
      created: wireDate(e.created), state: 'DOWNLOAD_URL_CREATED', storagetype: 'Image', zoneid: e.zoneUuid, zonename: e.zoneName, extractMode: 'HTTP_DOWNLOAD', url: e.url,
    };
  },
});
