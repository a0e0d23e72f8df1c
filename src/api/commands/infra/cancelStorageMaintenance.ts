import { maintenanceCommand } from './storage-maintenance.js';

export default maintenanceCommand({
  name: 'cancelStorageMaintenance',
  description: 'Takes a primary storage pool out of maintenance.',
  event: 'MAINT.CANCEL.PS',
  responseName: 'cancelprimarystoragemaintenanceresponse',
  on: false,
});
