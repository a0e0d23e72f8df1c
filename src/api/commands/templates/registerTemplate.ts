import { registerCommand } from './register-command.js';

export default registerCommand('registerTemplate', false);
