import { defineCommand, objectOf } from '../../define-command.js';
import { capabilityResponse } from '../../responses/system.js';
import { CLOUDSTACK_VERSION } from '../../envelope.js';

export default defineCommand({
  name: 'listCapabilities',
  description: 'Lists the capabilities of the cloud (version, feature flags) for the caller.',
  roles: ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'],
  async: false,
  params: {},
  response: objectOf(capabilityResponse),
  async handler(ctx) {
    const c = ctx.services.config;
    const maxVolume = c.numberSync('max.volume.size.gb');
    return {
      securitygroupsenabled: false, dynamicrolesenabled: true, cloudstackversion: CLOUDSTACK_VERSION, userpublictemplateenabled: c.peek('allow.public.user.templates') !== 'false',
      supportELB: 'false', projectinviterequired: false, allowusercreateprojects: false, customdiskofferingminsize: 1, customdiskofferingmaxsize: Number.isFinite(maxVolume) ? maxVolume : 1024,
      regionsecondaryenabled: false, apilimitinterval: c.numberSync('api.throttling.interval'), apilimitmax: c.numberSync('api.throttling.max'), kvmsnapshotenabled: true,
      allowuserviewdestroyedvm: true, allowuserexpungerecovervm: c.peek('allow.user.expunge.recover.vm') === 'true', defaultuipagesize: c.numberSync('default.page.size'),
    };
  },
});
