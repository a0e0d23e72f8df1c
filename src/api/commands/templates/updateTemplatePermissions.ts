import { updatePermissionsCommand } from './template-commands.js';

export default updatePermissionsCommand('updateTemplatePermissions', false);
