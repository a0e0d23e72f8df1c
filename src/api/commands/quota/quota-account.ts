/** The account a quota statement or balance is about: `accountid`, else `account` in `domainid`, within the caller's scope. */
import type { CommandContext } from '../../define-command.js';
import { p } from '../../params.js';

/** The account parameters of quotaStatement and quotaBalance. */
export const quotaAccountParams = {
  account: p.string({ required: true, doc: 'The account' }),
  domainid: p.uuid({ entity: 'Domain', required: true, doc: "The account's domain" }),
  accountid: p.uuid({ entity: 'Account', doc: 'The account, by id (instead of account and domainid)' }),
};

export async function quotaAccount(ctx: CommandContext, q: { account: string; domainid: number; accountid?: number | undefined }): Promise<{ id: number; name: string; domainId: number }> {
  if (q.accountid !== undefined) {
    const a = await ctx.services.accounts.get(q.accountid);
    ctx.services.scoper.checkAccess(ctx.caller, { accountId: a.id, domainId: a.domain_id, domainPath: a.domain_path }, 'account');
    return { id: a.id, name: a.account_name, domainId: a.domain_id };
  }
  const a = await ctx.services.scoper.accountByName(ctx.caller, q.account, q.domainid);
  return { id: a.id, name: q.account, domainId: a.domainId };
}
