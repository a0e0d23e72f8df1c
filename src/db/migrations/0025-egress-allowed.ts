import type { Migration } from './helpers.js';

/**
 * The built-in isolated network offerings allow guests' outgoing traffic by default, as the
 * seed guide says ("All outgoing traffic from the guests is translated via NAT to the public
 * IP address and is allowed"); egress rules then list what is blocked. 0007 seeded them with
 * CloudStack's "deny", under which a guest reached nothing until a user added an egress rule.
 */
export const m0025EgressAllowed: Migration = {
  name: '0025-egress-allowed',
  async up(db) {
    await db.updateTable('network_offerings').set({ egress_default_policy: 1 })
      .where('is_system', '=', 1).where('is_default', '=', 1).where('guest_type', '=', 'Isolated').execute();
  },
};
