/** Templates and ISOs on secondary storage, with the download worker (issue #4). */
import type { Area } from '../../area.js';
import { TemplateService } from './template.service.js';
import { TemplateSharingService } from './template-sharing.service.js';
import { DownloadWorker } from './download.worker.js';

export interface TemplatesServices {
  /** Templates/ISOs; `readyPathInZone(templateId, zoneId)` and `getVisible(caller, id)` for the VM area. */
  templates: TemplateService;
  /** Launch permissions, per-zone delete, copies. */
  templateSharing: TemplateSharingService;
}

export const TEMPLATES_AREA: Area = {
  name: 'templates',
  async create({ db, services, logger, options }) {
    const templates = new TemplateService(db, services.config, services.events, services);
    const templateSharing = new TemplateSharingService(db, templates, services);
    const worker = new DownloadWorker(db, services, logger, Number(options['templatePollMs'] ?? 1000));
    templates.onQueued = () => worker.kick();
    return { services: { templates, templateSharing }, lifecycle: { start: () => worker.start(), stop: () => worker.stop() } };
  },
};
