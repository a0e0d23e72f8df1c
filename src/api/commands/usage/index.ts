/** Usage commands (issue #10). */
import type { AnyCommand } from '../../define-command.js';
import listUsageRecords from './listUsageRecords.js';
import generateUsageRecords from './generateUsageRecords.js';
import removeRawUsageRecords from './removeRawUsageRecords.js';
import listUsageTypes from './listUsageTypes.js';

export const USAGE_COMMANDS: AnyCommand[] = [listUsageRecords, generateUsageRecords, removeRawUsageRecords, listUsageTypes];
