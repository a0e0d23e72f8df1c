/** Shared by the account commands: selectors and the response with the account's users. */
import { p } from '../../params.js';
import type { CommandContext } from '../../define-command.js';
import type { AccountRow } from '../../../services/identity/identity.queries.js';
import { toAccount } from '../../responses/identity.js';
import type { Wire } from '../../responses/define.js';

export const accountSelector = {
  id: p.uuid({ entity: 'Account', doc: 'The account' }),
  account: p.string({ doc: 'Account name (with domainid)' }),
  domainid: p.uuid({ entity: 'Domain', doc: 'Domain of the named account' }),
};

export async function accountWire(ctx: CommandContext, a: AccountRow): Promise<Wire> {
  const users = await ctx.services.users.byAccounts([a]);
  return toAccount(a, users.get(a.id) ?? []);
}
