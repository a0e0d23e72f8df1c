import { deleteCommand } from './template-commands.js';

export default deleteCommand('deleteIso', true);
