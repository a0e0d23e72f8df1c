import { alertSelectionCommand } from './alert-selection.js';

export default alertSelectionCommand('delete', 'Deletes alerts chosen by ids and/or type and date range (at least ids, type or enddate).');
