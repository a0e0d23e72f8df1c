/** Instance groups (issue #5). */
import type { AnyCommand } from '../../define-command.js';
import createInstanceGroup from './createInstanceGroup.js';
import updateInstanceGroup from './updateInstanceGroup.js';
import deleteInstanceGroup from './deleteInstanceGroup.js';
import listInstanceGroups from './listInstanceGroups.js';

export const GROUPS_COMMANDS: AnyCommand[] = [createInstanceGroup, updateInstanceGroup, deleteInstanceGroup, listInstanceGroups];
