/** Offerings and OS types (issue #4). */
import type { AnyCommand } from '../../define-command.js';
import createServiceOffering from './createServiceOffering.js';
import updateServiceOffering from './updateServiceOffering.js';
import deleteServiceOffering from './deleteServiceOffering.js';
import listServiceOfferings from './listServiceOfferings.js';
import createDiskOffering from './createDiskOffering.js';
import updateDiskOffering from './updateDiskOffering.js';
import deleteDiskOffering from './deleteDiskOffering.js';
import listDiskOfferings from './listDiskOfferings.js';
import listOsTypes from './listOsTypes.js';
import listOsCategories from './listOsCategories.js';

export const OFFERINGS_COMMANDS: AnyCommand[] = [
  createServiceOffering, updateServiceOffering, deleteServiceOffering, listServiceOfferings,
  createDiskOffering, updateDiskOffering, deleteDiskOffering, listDiskOfferings,
  listOsTypes, listOsCategories,
];
