/** Virtual routers (issue #7). */
import type { AnyCommand } from '../../define-command.js';
import listRouters from './listRouters.js';
import startRouter from './startRouter.js';
import stopRouter from './stopRouter.js';
import rebootRouter from './rebootRouter.js';
import destroyRouter from './destroyRouter.js';

export const ROUTERS_COMMANDS: AnyCommand[] = [listRouters, startRouter, stopRouter, rebootRouter, destroyRouter];
