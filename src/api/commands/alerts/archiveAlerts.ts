import { alertSelectionCommand } from './alert-selection.js';

export default alertSelectionCommand('archive', 'Archives alerts chosen by ids and/or type and date range (at least ids, type or enddate); listAlerts no longer shows them.');
