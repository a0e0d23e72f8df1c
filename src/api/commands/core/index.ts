/** Core commands: discovery, jobs, identity, events, settings. */
import type { AnyCommand } from '../../define-command.js';
import listApis from './listApis.js';
import listCapabilities from './listCapabilities.js';
import queryAsyncJobResult from './queryAsyncJobResult.js';
import listAsyncJobs from './listAsyncJobs.js';
import createDomain from './createDomain.js';
import updateDomain from './updateDomain.js';
import deleteDomain from './deleteDomain.js';
import listDomains from './listDomains.js';
import listDomainChildren from './listDomainChildren.js';
import createAccount from './createAccount.js';
import updateAccount from './updateAccount.js';
import deleteAccount from './deleteAccount.js';
import disableAccount from './disableAccount.js';
import enableAccount from './enableAccount.js';
import lockAccount from './lockAccount.js';
import listAccounts from './listAccounts.js';
import createUser from './createUser.js';
import updateUser from './updateUser.js';
import deleteUser from './deleteUser.js';
import disableUser from './disableUser.js';
import enableUser from './enableUser.js';
import lockUser from './lockUser.js';
import listUsers from './listUsers.js';
import getUser from './getUser.js';
import registerUserKeys from './registerUserKeys.js';
import getUserKeys from './getUserKeys.js';
import listRoles from './listRoles.js';
import listEvents from './listEvents.js';
import listManagementServers from './listManagementServers.js';
import listEventTypes from './listEventTypes.js';
import archiveEvents from './archiveEvents.js';
import deleteEvents from './deleteEvents.js';
import listConfigurations from './listConfigurations.js';
import updateConfiguration from './updateConfiguration.js';

export const CORE_COMMANDS: AnyCommand[] = [
  listApis, listCapabilities, queryAsyncJobResult, listAsyncJobs,
  createDomain, updateDomain, deleteDomain, listDomains, listDomainChildren,
  createAccount, updateAccount, deleteAccount, disableAccount, enableAccount, lockAccount, listAccounts,
  createUser, updateUser, deleteUser, disableUser, enableUser, lockUser, listUsers, getUser, registerUserKeys, getUserKeys,
  listRoles,
  listEvents, listEventTypes, listManagementServers, archiveEvents, deleteEvents,
  listConfigurations, updateConfiguration,
];
