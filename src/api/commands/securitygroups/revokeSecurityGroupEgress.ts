import { revokeCommand } from './sg-rule-commands.js';

export default revokeCommand('revokeSecurityGroupEgress', 'egress', 'SG.REVOKE.EGRESS');
