import { listCommand } from './template-commands.js';

export default listCommand('listIsos', true);
