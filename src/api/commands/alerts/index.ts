/** Administrator alerts (issue #9). */
import type { AnyCommand } from '../../define-command.js';
import listAlerts from './listAlerts.js';
import listAlertTypes from './listAlertTypes.js';
import archiveAlerts from './archiveAlerts.js';
import deleteAlerts from './deleteAlerts.js';
import generateAlert from './generateAlert.js';

export const ALERTS_COMMANDS: AnyCommand[] = [listAlerts, listAlertTypes, archiveAlerts, deleteAlerts, generateAlert] as AnyCommand[];
