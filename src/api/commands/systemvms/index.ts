/** System VMs: the console proxies (issues #11, #12). */
import type { AnyCommand } from '../../define-command.js';
import listSystemVms from './listSystemVms.js';
import startSystemVm from './startSystemVm.js';
import stopSystemVm from './stopSystemVm.js';
import rebootSystemVm from './rebootSystemVm.js';

export const SYSTEM_VM_COMMANDS: AnyCommand[] = [listSystemVms, startSystemVm, stopSystemVm, rebootSystemVm];
