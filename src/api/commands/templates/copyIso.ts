import { copyCommand } from './template-commands.js';

export default copyCommand('copyIso', true);
