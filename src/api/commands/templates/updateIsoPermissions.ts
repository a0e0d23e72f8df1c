import { updatePermissionsCommand } from './template-commands.js';

export default updatePermissionsCommand('updateIsoPermissions', true);
