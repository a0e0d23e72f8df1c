import { defineCommand, objectOf } from '../../define-command.js';
import { p } from '../../params.js';
import { defineResponse } from '../../responses/define.js';
import { USER_ROLES } from '../vms/vm-common.js';

const consoleEndpointResponse = defineResponse({
  objectName: 'consoleendpoint', className: 'CreateConsoleEndpointResponse',
  fields: { success: 'boolean', details: 'string', url: 'string', websocket: 'object' },
  docs: {
    success: 'true when a console token was issued',
    details: 'why no console was issued (the VM is not Running, or no console proxy of its zone is Running with room)',
    url: 'the console page for this token on the chosen console proxy (its management server\'s public URL, or https on consoleproxy.url.domain when set)',
    websocket: 'where a noVNC viewer connects: token, host (the chosen proxy\'s host and port) and path; the token works once, within consoleproxy.token.timeout ms',
  },
});

export default defineCommand({
  name: 'createConsoleEndpoint',
  description: 'Issues a one-time token that opens a VNC session to a running VM\'s display through a console proxy (WebSocket, for noVNC): the one already serving the VM, else the least-loaded Running proxy of its zone with room.',
  since: '4.18.0',
  roles: [...USER_ROLES],
  async: false,
  params: {
    virtualmachineid: p.uuid({ entity: 'VirtualMachine', required: true, doc: 'the VM whose console to open' }),
    token: p.string({ doc: 'extra security token; accepted and not needed (console tokens here are already single-use and short-lived)' }),
  },
  response: objectOf(consoleEndpointResponse),
  async handler(ctx, params) {
    const e = await ctx.services.consoles.createEndpoint(ctx.caller, params.virtualmachineid);
    return { success: e.success, ...(e.details ? { details: e.details } : {}), ...(e.url ? { url: e.url } : {}), ...(e.websocket ? { websocket: e.websocket } : {}) };
  },
});
