/** Templates and ISOs on secondary storage, with the download worker (issue #4). */
import type { Area } from '../../area.js';
import { TemplateService } from './template.service.js';
import { TemplateSharingService } from './template-sharing.service.js';
import { DownloadWorker } from './download.worker.js';
import { TemplateExtractService } from './template-extract.service.js';

export interface TemplatesServices {
  /** Templates/ISOs; `readyPathInZone(templateId, zoneId)` and `getVisible(caller, id)` for the VM area. */
  templates: TemplateService;
  /** Launch permissions, per-zone delete, copies. */
  templateSharing: TemplateSharingService;
  /** extractTemplate/extractIso links served by this server. */
  templateExtracts: TemplateExtractService;
}

export const TEMPLATES_AREA: Area = {
  name: 'templates',
  async create({ db, services, logger, options }) {
    const templates = new TemplateService(db, services.config, services.events, services);
    const templateSharing = new TemplateSharingService(db, templates, services);
    const worker = new DownloadWorker(db, services, logger, Number(options['templatePollMs'] ?? 1000));
    const templateExtracts = new TemplateExtractService(db, services.config, templates);
    templates.onQueued = () => worker.kick();
    return {
      services: { templates, templateSharing, templateExtracts },
      lifecycle: { start: () => worker.start(), stop: () => worker.stop() },
      registerRoutes: (http) => templateExtracts.registerRoutes(http),
    };
  },
};
