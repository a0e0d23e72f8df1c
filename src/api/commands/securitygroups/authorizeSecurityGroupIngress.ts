import { authorizeCommand } from './sg-rule-commands.js';

export default authorizeCommand('authorizeSecurityGroupIngress', 'ingress', 'SG.AUTH.INGRESS');
