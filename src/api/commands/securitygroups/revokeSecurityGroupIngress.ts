import { revokeCommand } from './sg-rule-commands.js';

export default revokeCommand('revokeSecurityGroupIngress', 'ingress', 'SG.REVOKE.INGRESS');
