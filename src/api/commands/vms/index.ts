/** Guest VM lifecycle (issue #5). */
import type { AnyCommand } from '../../define-command.js';
import deployVirtualMachine from './deployVirtualMachine.js';
import startVirtualMachine from './startVirtualMachine.js';
import stopVirtualMachine from './stopVirtualMachine.js';
import rebootVirtualMachine from './rebootVirtualMachine.js';
import destroyVirtualMachine from './destroyVirtualMachine.js';
import recoverVirtualMachine from './recoverVirtualMachine.js';
import expungeVirtualMachine from './expungeVirtualMachine.js';
import updateVirtualMachine from './updateVirtualMachine.js';
import changeServiceForVirtualMachine from './changeServiceForVirtualMachine.js';
import resetPasswordForVirtualMachine from './resetPasswordForVirtualMachine.js';
import getVMPassword from './getVMPassword.js';
import migrateVirtualMachine from './migrateVirtualMachine.js';
import attachIso from './attachIso.js';
import detachIso from './detachIso.js';
import resetSSHKeyForVirtualMachine from './resetSSHKeyForVirtualMachine.js';
import listVirtualMachines from './listVirtualMachines.js';

export const VMS_COMMANDS: AnyCommand[] = [
  deployVirtualMachine, startVirtualMachine, stopVirtualMachine, rebootVirtualMachine, destroyVirtualMachine, recoverVirtualMachine,
  expungeVirtualMachine, updateVirtualMachine, changeServiceForVirtualMachine, resetPasswordForVirtualMachine, getVMPassword,
  migrateVirtualMachine, attachIso, detachIso, resetSSHKeyForVirtualMachine, listVirtualMachines,
];
