import { listPermissionsCommand } from './template-commands.js';

export default listPermissionsCommand('listTemplatePermissions', false);
