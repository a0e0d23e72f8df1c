/** Service and disk offerings and guest OS types (issue #4). No background work. */
import type { Area } from '../../area.js';
import { ServiceOfferingService } from './service-offering.service.js';
import { DiskOfferingService } from './disk-offering.service.js';
import { GuestOsService } from './guest-os.service.js';

export interface OfferingsServices {
  /** Compute offerings; `getForDeploy(caller, id)`, `systemOffering(vmType)` for the VM area. */
  serviceOfferings: ServiceOfferingService;
  /** Disk offerings; `getForDeploy(caller, id)`, `volumeSize(offering, sizeGb)`. */
  diskOfferings: DiskOfferingService;
  /** OS categories and types; `get(id)`, `byName(name)`. */
  guestOs: GuestOsService;
}

export const OFFERINGS_AREA: Area = {
  name: 'offerings',
  async create({ db, services }) {
    const s: OfferingsServices = {
      serviceOfferings: new ServiceOfferingService(db, services.events),
      diskOfferings: new DiskOfferingService(db, services.config, services.events),
      guestOs: new GuestOsService(db),
    };
    return { services: s };
  },
};
