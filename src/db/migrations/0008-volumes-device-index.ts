import { index, type Migration } from './helpers.js';

/**
 * One disk per device id of a VM, enforced by the database: two attaches racing for the
 * same free device id cannot both win (detached volumes have vm_id NULL, which unique
 * indexes never compare equal on SQLite, PostgreSQL or MariaDB).
 */
export const m0008VolumesDeviceIndex: Migration = {
  name: '0008-volumes-device-index',
  async up(db) {
    await index(db, 'volumes', ['vm_id', 'device_id'], true);
  },
};
