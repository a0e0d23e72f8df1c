/** The scope a settings command addresses: global, or one zone/cluster/pool/account/domain. */
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import type { CommandContext } from '../../define-command.js';
import type { SettingScope } from '../../../config/settings.js';

export const scopeParams = {
  zoneid: p.uuid({ entity: 'Zone', doc: 'Zone scope' }),
  clusterid: p.uuid({ entity: 'Cluster', doc: 'Cluster scope' }),
  storageid: p.uuid({ entity: 'StoragePool', doc: 'Primary storage scope' }),
  accountid: p.uuid({ entity: 'Account', doc: 'Account scope' }),
  domainid: p.uuid({ entity: 'Domain', doc: 'Domain scope' }),
  imagestoreuuid: p.uuid({ entity: 'ImageStore', doc: 'Secondary storage scope' }),
};

type ScopeIds = { zoneid?: number | undefined; clusterid?: number | undefined; storageid?: number | undefined; accountid?: number | undefined; domainid?: number | undefined; imagestoreuuid?: number | undefined };

/**
 * The addressed scope, access-checked. With `listing`, a domain admin who names no scope
 * gets its own domain's values (ConfigurationListingServiceImpl.searchForConfigurations).
 */
export async function settingScope(ctx: CommandContext, s: ScopeIds, listing = false): Promise<{ kind: SettingScope; id: number } | undefined> {
  const given: Array<[SettingScope, number | undefined]> = [
    ['Zone', s.zoneid], ['Cluster', s.clusterid], ['StoragePool', s.storageid], ['Account', s.accountid], ['Domain', s.domainid], ['ImageStore', s.imagestoreuuid],
  ];
  const set = given.filter(([, id]) => id !== undefined);
  if (set.length > 1) throw paramError('Only one of zoneid, clusterid, storageid, accountid, domainid, imagestoreuuid may be given');
  if (set.length === 0) {
    if (listing && ctx.caller.roleType === 'DomainAdmin') return { kind: 'Domain', id: ctx.caller.domainId };
    if (ctx.caller.roleType !== 'Admin') throw paramError('Domain admins may only list or change settings of their accounts and domains');
    return undefined;
  }
  const [kind, id] = set[0] as [SettingScope, number];
  if (ctx.caller.roleType !== 'Admin') {
    if (kind === 'Account') await ctx.services.accounts.getForUpdate(ctx.caller, id);
    else if (kind === 'Domain') await ctx.services.scoper.checkDomainAccess(ctx.caller, id);
    else throw paramError('Domain admins may only list or change settings of their accounts and domains');
  }
  return { kind, id };
}
