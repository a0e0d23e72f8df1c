import { copyCommand } from './template-commands.js';

export default copyCommand('copyTemplate', false);
