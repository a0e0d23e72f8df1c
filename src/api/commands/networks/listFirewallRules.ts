import { listFirewallRulesCommand } from './firewall-commands.js';

export default listFirewallRulesCommand('listFirewallRules', 'Ingress');
