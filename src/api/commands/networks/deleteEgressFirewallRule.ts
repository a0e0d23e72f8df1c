import { deleteFirewallRuleCommand } from './firewall-commands.js';

export default deleteFirewallRuleCommand('deleteEgressFirewallRule', 'Egress', 'FIREWALL.EGRESS.CLOSE');
