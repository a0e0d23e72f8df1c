/** Commands grouped by area, in build order; COMMANDS is their concatenation. */
import type { AnyCommand } from './define-command.js';
import { CORE_COMMANDS } from './commands/core/index.js';
import { INFRA_COMMANDS } from './commands/infra/index.js';

export const COMMAND_AREAS: Array<[area: string, commands: AnyCommand[]]> = [['core', CORE_COMMANDS], ['infra', INFRA_COMMANDS]];
