import { deleteFirewallRuleCommand } from './firewall-commands.js';

export default deleteFirewallRuleCommand('deleteFirewallRule', 'Ingress', 'FIREWALL.CLOSE');
