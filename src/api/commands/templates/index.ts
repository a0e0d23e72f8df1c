/** Templates and ISOs (issue #4). */
import type { AnyCommand } from '../../define-command.js';
import registerTemplate from './registerTemplate.js';
import listTemplates from './listTemplates.js';
import updateTemplate from './updateTemplate.js';
import deleteTemplate from './deleteTemplate.js';
import updateTemplatePermissions from './updateTemplatePermissions.js';
import listTemplatePermissions from './listTemplatePermissions.js';
import copyTemplate from './copyTemplate.js';
import registerIso from './registerIso.js';
import listIsos from './listIsos.js';
import updateIso from './updateIso.js';
import deleteIso from './deleteIso.js';
import updateIsoPermissions from './updateIsoPermissions.js';
import listIsoPermissions from './listIsoPermissions.js';
import copyIso from './copyIso.js';
import extractTemplate from './extractTemplate.js';
import extractIso from './extractIso.js';
import createTemplate from './createTemplate.js';

export const TEMPLATES_COMMANDS: AnyCommand[] = [
  registerTemplate, listTemplates, updateTemplate, deleteTemplate, updateTemplatePermissions, listTemplatePermissions, copyTemplate, extractTemplate,
  createTemplate, registerIso, listIsos, updateIso, deleteIso, updateIsoPermissions, listIsoPermissions, copyIso, extractIso,
];
