/** VM console commands (issues #8, #11). */
import type { AnyCommand } from '../../define-command.js';
import createConsoleEndpoint from './createConsoleEndpoint.js';

export const CONSOLE_COMMANDS: AnyCommand[] = [createConsoleEndpoint];
