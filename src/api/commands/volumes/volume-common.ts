/** Shared pieces of the volume commands. */
import type { CommandContext } from '../../define-command.js';
import { toVolume } from '../../responses/volume.js';
import type { Wire } from '../../responses/define.js';
import { getVolumeView } from '../../../services/volumes/volume-query.js';

export const USER_ROLES = ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'] as const;

/** The volume's wire object as the caller may see it. */
export async function volumeWire(ctx: CommandContext, id: number): Promise<Wire> {
  return toVolume(await getVolumeView(ctx.services.volumes.db, id), ctx.caller);
}

/** Checks access in the request; the job's instance is the volume. */
export async function prepareVolume(ctx: CommandContext, id: number) {
  const v = await ctx.services.volumes.access(ctx.caller, id);
  return { instanceUuid: v.uuid };
}
