import { listCommand } from './template-commands.js';

export default listCommand('listTemplates', false);
