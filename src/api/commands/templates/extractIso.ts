import { extractCommand } from './template-commands.js';

export default extractCommand('extractIso', true);
