import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { snapshotPolicyResponse } from '../../responses/snapshots.js';
import { USER_ROLES, policyWire } from './common.js';

export default defineCommand({
  name: 'createSnapshotPolicy',
  description: 'Creates a recurring snapshot policy for a volume; a volume has at most one per interval type (creating another updates it).',
  roles: [...USER_ROLES],
  async: false,
  params: {
    volumeid: p.uuid({ entity: 'Volume', required: true, doc: 'The volume' }),
    intervaltype: p.string({ required: true, doc: 'HOURLY, DAILY, WEEKLY or MONTHLY' }),
    schedule: p.string({ required: true, doc: 'HOURLY: MM; DAILY: MM:HH; WEEKLY: MM:HH:DD (1-7, 1 = Sunday); MONTHLY: MM:HH:DD (1-28)' }),
    timezone: p.string({ required: true, doc: 'Time zone of the schedule (tz database name, e.g. Europe/Berlin)' }),
    maxsnaps: p.integer({ required: true, doc: 'Snapshots to keep; older ones are deleted (at most snapshot.max.<interval>)' }),
    fordisplay: p.boolean({ roles: ['Admin'], doc: 'Whether the policy is shown to the end user (default true; root admin)' }),
  },
  response: objectOf(snapshotPolicyResponse),
  async handler(ctx, params) {
    return policyWire(ctx, await ctx.services.snapshotPolicies.create(ctx.caller, params));
  },
});
