import { listFirewallRulesCommand } from './firewall-commands.js';

export default listFirewallRulesCommand('listEgressFirewallRules', 'Egress');
