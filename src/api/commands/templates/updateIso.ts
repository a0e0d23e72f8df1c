import { updateCommand } from './template-commands.js';

export default updateCommand('updateIso', true);
