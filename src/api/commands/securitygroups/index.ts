/** Security groups (issue #7, basic zones and SG-enabled shared networks). */
import type { AnyCommand } from '../../define-command.js';
import createSecurityGroup from './createSecurityGroup.js';
import deleteSecurityGroup from './deleteSecurityGroup.js';
import listSecurityGroups from './listSecurityGroups.js';
import authorizeSecurityGroupIngress from './authorizeSecurityGroupIngress.js';
import authorizeSecurityGroupEgress from './authorizeSecurityGroupEgress.js';
import revokeSecurityGroupIngress from './revokeSecurityGroupIngress.js';
import revokeSecurityGroupEgress from './revokeSecurityGroupEgress.js';

export const SECURITY_GROUPS_COMMANDS: AnyCommand[] = [
  createSecurityGroup, deleteSecurityGroup, listSecurityGroups,
  authorizeSecurityGroupIngress, authorizeSecurityGroupEgress, revokeSecurityGroupIngress, revokeSecurityGroupEgress,
];
