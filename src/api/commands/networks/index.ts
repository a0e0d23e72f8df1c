/** Guest networking (issue #7): network offerings, guest networks, public IPs, rules. */
import type { AnyCommand } from '../../define-command.js';
import listNetworkOfferings from './listNetworkOfferings.js';
import createNetworkOffering from './createNetworkOffering.js';
import updateNetworkOffering from './updateNetworkOffering.js';
import deleteNetworkOffering from './deleteNetworkOffering.js';
import createNetwork from './createNetwork.js';
import listNetworks from './listNetworks.js';
import updateNetwork from './updateNetwork.js';
import restartNetwork from './restartNetwork.js';
import deleteNetwork from './deleteNetwork.js';
import associateIpAddress from './associateIpAddress.js';
import disassociateIpAddress from './disassociateIpAddress.js';
import listPublicIpAddresses from './listPublicIpAddresses.js';
import createFirewallRule from './createFirewallRule.js';
import deleteFirewallRule from './deleteFirewallRule.js';
import listFirewallRules from './listFirewallRules.js';
import createEgressFirewallRule from './createEgressFirewallRule.js';
import deleteEgressFirewallRule from './deleteEgressFirewallRule.js';
import listEgressFirewallRules from './listEgressFirewallRules.js';
import createPortForwardingRule from './createPortForwardingRule.js';
import deletePortForwardingRule from './deletePortForwardingRule.js';
import listPortForwardingRules from './listPortForwardingRules.js';
import listIpForwardingRules from './listIpForwardingRules.js';
import createLoadBalancerRule from './createLoadBalancerRule.js';
import listLoadBalancerRules from './listLoadBalancerRules.js';
import deleteLoadBalancerRule from './deleteLoadBalancerRule.js';
import assignToLoadBalancerRule from './assignToLoadBalancerRule.js';
import removeFromLoadBalancerRule from './removeFromLoadBalancerRule.js';
import updatePortForwardingRule from './updatePortForwardingRule.js';
import updateLoadBalancerRule from './updateLoadBalancerRule.js';
import listLoadBalancerRuleInstances from './listLoadBalancerRuleInstances.js';
import createLBStickinessPolicy from './createLBStickinessPolicy.js';
import deleteLBStickinessPolicy from './deleteLBStickinessPolicy.js';
import listLBStickinessPolicies from './listLBStickinessPolicies.js';
import enableStaticNat from './enableStaticNat.js';
import disableStaticNat from './disableStaticNat.js';
import createIpForwardingRule from './createIpForwardingRule.js';
import deleteIpForwardingRule from './deleteIpForwardingRule.js';
import addIpToNic from './addIpToNic.js';
import removeIpFromNic from './removeIpFromNic.js';
import listNics from './listNics.js';

export const NETWORKS_COMMANDS: AnyCommand[] = [
  listNetworkOfferings, createNetworkOffering, updateNetworkOffering, deleteNetworkOffering,
  createNetwork, listNetworks, updateNetwork, restartNetwork, deleteNetwork,
  associateIpAddress, disassociateIpAddress, listPublicIpAddresses,
  createFirewallRule, deleteFirewallRule, listFirewallRules,
  createEgressFirewallRule, deleteEgressFirewallRule, listEgressFirewallRules,
  createPortForwardingRule, deletePortForwardingRule, listPortForwardingRules, listIpForwardingRules,
  createLoadBalancerRule, listLoadBalancerRules, deleteLoadBalancerRule, assignToLoadBalancerRule, removeFromLoadBalancerRule,
  updatePortForwardingRule, updateLoadBalancerRule, listLoadBalancerRuleInstances,
  createLBStickinessPolicy, deleteLBStickinessPolicy, listLBStickinessPolicies,
  enableStaticNat, disableStaticNat, createIpForwardingRule, deleteIpForwardingRule,
  addIpToNic, removeIpFromNic, listNics,
];
