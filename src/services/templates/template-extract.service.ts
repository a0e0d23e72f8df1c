/**
 * extractTemplate/extractIso: an expiring, unguessable URL on the management server that
 * streams the ready file of one zone (CloudStack creates it on the SSVM's web server).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/dialect.js';
import { insertId } from '../../db/dialect.js';
import { paramError, permissionDenied } from '../../api/errors.js';
import type { Caller } from '../caller.js';
import { isAnyAdmin } from '../caller.js';
import type { ConfigService } from '../config/config.service.js';
import type { TemplateService } from './template.service.js';

export interface ExtractResult { templateUuid: string; name: string; extractUuid: string; accountUuid: string; created: number; zoneUuid: string; zoneName: string; url: string }

export class TemplateExtractService {
  /** Origin of this server's URLs, learnt when it listens. */
  baseUrl = 'http://127.0.0.1:8080';

  constructor(private readonly db: Db, private readonly config: ConfigService, private readonly templates: TemplateService) {}

  async extract(caller: Caller, id: number, iso: boolean, zoneId: number | undefined, mode: string): Promise<ExtractResult> {
    if (mode.toUpperCase() !== 'HTTP_DOWNLOAD') throw paramError('Please specify a valid extract Mode; only HTTP_DOWNLOAD is supported');
    const t = await this.templates.getOwned(caller, id, iso);
    if (t.extractable !== 1 && !isAnyAdmin(caller)) throw permissionDenied(`The ${iso ? 'ISO' : 'template'} ${t.name} is not extractable`);
    let q = this.db.kysely.selectFrom('template_store_refs as r').innerJoin('zones as z', 'z.id', 'r.zone_id').select(['r.id', 'r.image_store_id', 'z.uuid as zone_uuid', 'z.name as zone_name'])
      .where('r.template_id', '=', t.id).where('r.download_state', '=', 'DOWNLOADED').where('r.removed', 'is', null);
    if (zoneId !== undefined) q = q.where('r.zone_id', '=', zoneId);
    const ref = await q.orderBy('r.id').executeTakeFirst();
    if (!ref) throw paramError(`The ${iso ? 'ISO' : 'template'} is not ready in the specified zone`);
    await this.templates.storeAvailable(ref.image_store_id);
    const token = randomBytes(24).toString('hex');
    const now = Date.now();
    const ttl = (await this.config.getNumber('extract.url.expiration.interval')) || 14400;
    const uuid = randomUUID();
    await insertId(this.db.kysely, this.db.dialect, 'template_extracts', { uuid, template_id: t.id, ref_id: ref.id, token, expires: now + ttl * 1000, created: now });
    const file = `${t.uuid}.${t.format.toLowerCase()}`;
    return { templateUuid: t.uuid, name: t.name, extractUuid: uuid, accountUuid: t.account_uuid, created: now, zoneUuid: ref.zone_uuid, zoneName: ref.zone_name, url: `${this.baseUrl}/extract/${token}/${file}` };
  }

  /** GET /extract/:token/:file streams the file while the link is valid. */
  registerRoutes(http: FastifyInstance): void {
    http.addHook('onListen', async () => {
      const a = http.server.address();
      if (a && typeof a === 'object') this.baseUrl = `http://${a.address === '0.0.0.0' || a.address === '::' ? '127.0.0.1' : a.address}:${a.port}`;
    });
    http.get<{ Params: { token: string; file: string } }>('/extract/:token/:file', async (req, reply) => {
      const row = await this.db.kysely.selectFrom('template_extracts as e').innerJoin('template_store_refs as r', 'r.id', 'e.ref_id')
        .select(['e.expires', 'r.install_path', 'r.removed']).where('e.token', '=', req.params.token).executeTakeFirst();
      if (!row || row.expires < Date.now() || row.removed !== null || !row.install_path) return reply.code(404).send('Not found or expired');
      const size = (await stat(row.install_path)).size;
      return reply.header('content-type', 'application/octet-stream').header('content-length', size).send(createReadStream(row.install_path));
    });
  }
}
