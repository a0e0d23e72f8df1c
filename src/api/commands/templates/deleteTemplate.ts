import { deleteCommand } from './template-commands.js';

export default deleteCommand('deleteTemplate', false);
