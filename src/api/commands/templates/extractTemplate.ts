import { extractCommand } from './template-commands.js';

export default extractCommand('extractTemplate', false);
