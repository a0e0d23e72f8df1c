import { updateCommand } from './template-commands.js';

export default updateCommand('updateTemplate', false);
