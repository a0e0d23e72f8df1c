/** Data volumes (issue #6). */
import type { AnyCommand } from '../../define-command.js';
import createVolume from './createVolume.js';
import attachVolume from './attachVolume.js';
import detachVolume from './detachVolume.js';
import deleteVolume from './deleteVolume.js';
import resizeVolume from './resizeVolume.js';
import migrateVolume from './migrateVolume.js';
import extractVolume from './extractVolume.js';
import listVolumes from './listVolumes.js';

export const VOLUMES_COMMANDS: AnyCommand[] = [createVolume, attachVolume, detachVolume, deleteVolume, resizeVolume, migrateVolume, extractVolume, listVolumes];
