import type { HostFilter } from '../types.js';

/** An offering with a host tag only goes to hosts carrying that tag (CloudStack: host_tag). */
export const hostTags: HostFilter = (h, { req }) => !req.hostTag || h.tags.includes(req.hostTag);
