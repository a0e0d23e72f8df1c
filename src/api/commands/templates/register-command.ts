/** registerTemplate / registerIso: the one builder both call. */
import { defineCommand, listOf } from '../../define-command.js';
import { p } from '../../params.js';
import { isoResponse, templateResponse, toTemplate } from '../../responses/templates.js';
import { pageOf } from '../common.js';

export const registerCommand = (name: string, iso: boolean) => defineCommand({
  name, description: `Registers a ${iso ? 'ISO' : 'template'} from an http(s) URL; it downloads into the zone's secondary storage (progress in list${iso ? 'Isos' : 'Templates'}).`,
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'], async: false, event: iso ? 'ISO.CREATE' : 'TEMPLATE.CREATE',
  params: {
    name: p.string({ required: true, doc: 'Name' }),
    displaytext: p.string({ length: 4096, doc: 'Display text (defaults to the name)' }),
    url: p.string({ required: true, length: 2048, doc: 'http or https URL of the image (may be gzip, bzip2 or zip compressed)' }),
    ...(iso ? { bootable: p.boolean({ doc: 'Bootable ISO (default true)' }), zoneid: p.uuid({ entity: 'Zone', required: true, since: '3.0.0', doc: 'Zone; -1 for all zones' }) }
      : { format: p.string({ required: true, doc: 'QCOW2, RAW, VHD or OVA' }), hypervisor: p.string({ required: true, doc: 'Hypervisor (KVM)' }), zoneid: p.uuid({ entity: 'Zone', since: '3.0.0', doc: 'Zone; -1 or omitted for all zones' }) }),
    ostypeid: p.uuid({ entity: 'OsType', doc: 'OS type' }),
    ispublic: p.boolean({ doc: 'Public to every account' }),
    isfeatured: p.boolean({ doc: 'Featured (admins)' }),
    isextractable: p.boolean({ doc: 'May be extracted' }),
    passwordenabled: p.boolean({ doc: 'Supports the password reset script' }),
    checksum: p.string({ doc: 'Checksum: {MD5}hex, {SHA-1}hex, {SHA-256}hex or bare hex' }),
    account: p.string({ doc: 'Owner account (with domainid)' }),
    domainid: p.uuid({ entity: 'Domain', doc: 'Domain of the owner account' }),
  },
  response: listOf(iso ? isoResponse : templateResponse),
  async handler(ctx, a: Record<string, any>) {
    const zoneRaw = ctx.raw['zoneid'];
    const zoneId = zoneRaw === '-1' ? undefined : a['zoneid'];
    const t = await ctx.services.templates.register(ctx.caller, {
      iso, name: a['name'], displayText: a['displaytext'], url: a['url'], format: a['format'], hypervisor: a['hypervisor'], osTypeId: a['ostypeid'], zoneId,
      isPublic: a['ispublic'], featured: a['isfeatured'], extractable: a['isextractable'], passwordEnabled: a['passwordenabled'], bootable: a['bootable'],
      checksum: a['checksum'], account: a['account'], domainId: a['domainid'],
    });
    const r = await ctx.services.templates.list(ctx.caller, { iso, filter: 'all', id: t.id, ...(a['account'] !== undefined ? { accountId: t.account_id } : {}) }, pageOf(ctx, {}));
    return { items: r.rows.map(toTemplate), count: r.count };
  },
});
