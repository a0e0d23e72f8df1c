/** Resource limits and counts (issue #5). */
import type { AnyCommand } from '../../define-command.js';
import listResourceLimits from './listResourceLimits.js';
import updateResourceLimit from './updateResourceLimit.js';
import updateResourceCount from './updateResourceCount.js';

export const LIMITS_COMMANDS: AnyCommand[] = [listResourceLimits, updateResourceLimit, updateResourceCount];
