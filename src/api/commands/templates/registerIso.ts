import { registerCommand } from './register-command.js';

export default registerCommand('registerIso', true);
