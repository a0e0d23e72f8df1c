import { authorizeCommand } from './sg-rule-commands.js';

export default authorizeCommand('authorizeSecurityGroupEgress', 'egress', 'SG.AUTH.EGRESS');
