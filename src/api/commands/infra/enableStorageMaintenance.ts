import { maintenanceCommand } from './storage-maintenance.js';

export default maintenanceCommand({
  name: 'enableStorageMaintenance',
  description: 'Puts a primary storage pool into maintenance (no new volumes are placed on it).',
  event: 'MAINT.PREPARE.PS',
  // CloudStack answers under the name of its older command.
  responseName: 'prepareprimarystorageformaintenanceresponse',
  on: true,
});
