import type { CommandContext } from '../../define-command.js';
import type { UserRow } from '../../../services/identity/identity.queries.js';
import { toUser } from '../../responses/identity.js';
import type { Wire } from '../../responses/define.js';

export function userWire(ctx: CommandContext, u: UserRow): Wire {
  return toUser(u, { callerDomainPath: ctx.caller.domainPath });
}
