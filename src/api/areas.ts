/** Commands grouped by area, in build order; COMMANDS is their concatenation. */
import type { AnyCommand } from './define-command.js';
import { CORE_COMMANDS } from './commands/core/index.js';

export const COMMAND_AREAS: Array<[area: string, commands: AnyCommand[]]> = [['core', CORE_COMMANDS]];
