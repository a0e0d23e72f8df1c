import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { paramError } from '../../errors.js';
import { quotaCreditsResponse, toQuotaCredit } from '../../responses/quota.js';

export default defineCommand({
  name: 'quotaCredits',
  description: "Adds credit (a negative value withdraws) to an account's quota balance, which its priced usage then draws down.",
  since: '4.7.0',
  roles: ['Admin'],
  async: false,
  params: {
    account: p.string({ required: true, doc: 'The account' }),
    domainid: p.uuid({ entity: 'Domain', required: true, doc: "The account's domain" }),
    value: p.double({ required: true, doc: 'Credit to add (+) or subtract (-)' }),
    min_balance: p.double({ doc: 'Not supported: Nimbo does not enforce quota (no account is locked at a minimum balance); a value is refused' }),
    quota_enforce: p.boolean({ doc: 'Not supported: Nimbo does not lock accounts without credit; true is refused' }),
  },
  response: objectOf(quotaCreditsResponse),
  async handler(ctx, q) {
    // Nimbo has no quota enforcement (locking an account that runs out of credit): refuse its switches rather than ignore them.
    if (q.min_balance !== undefined) throw paramError('min_balance is not supported: Nimbo does not enforce quota balances');
    if (q.quota_enforce === true) throw paramError('quota_enforce is not supported: Nimbo does not lock accounts without credit');
    const a = await ctx.services.scoper.accountByName(ctx.caller, q.account, q.domainid);
    return toQuotaCredit(await ctx.services.quotaCredits.add(ctx.caller, a, q.value));
  },
});
