/** OS categories and types (read-only, seeded by migration 0004). */
import type { Db } from '../../db/dialect.js';
import { likeInsensitive, likePattern } from '../../db/dialect.js';
import { paramError } from '../../api/errors.js';
import type { Page } from '../paging.js';

export interface OsTypeRow { id: number; uuid: string; display_name: string; category_id: number; category_uuid: string; category_name: string }

export class GuestOsService {
  constructor(private readonly db: Db) {}

  async get(id: number): Promise<OsTypeRow> {
    const r = await this.types().where('g.id', '=', id).executeTakeFirst();
    if (!r) throw paramError('Unable to find OS type by id');
    return r;
  }

  /** The type named exactly so (e.g. 'Other (64-bit)'), for built-in templates. */
  async byName(name: string): Promise<OsTypeRow | undefined> {
    return this.types().where('g.display_name', '=', name).executeTakeFirst();
  }

  async listTypes(f: { id?: number | undefined; categoryId?: number | undefined; description?: string | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: OsTypeRow[]; count: number }> {
    let q = this.types();
    if (f.id !== undefined) q = q.where('g.id', '=', f.id);
    if (f.categoryId !== undefined) q = q.where('g.category_id', '=', f.categoryId);
    if (f.description !== undefined) q = q.where('g.display_name', likeInsensitive(this.db.dialect), likePattern(f.description));
    if (f.keyword) q = q.where('g.display_name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('g.id'));
  }

  async listCategories(f: { id?: number | undefined; name?: string | undefined; keyword?: string | undefined }, page: Page): Promise<{ rows: Array<{ id: number; uuid: string; name: string }>; count: number }> {
    let q = this.db.kysely.selectFrom('guest_os_categories').select(['id', 'uuid', 'name']);
    if (f.id !== undefined) q = q.where('id', '=', f.id);
    if (f.name !== undefined) q = q.where('name', '=', f.name);
    if (f.keyword) q = q.where('name', likeInsensitive(this.db.dialect), likePattern(f.keyword));
    return page.run(q.orderBy('id'));
  }

  private types() {
    return this.db.kysely.selectFrom('guest_os as g').innerJoin('guest_os_categories as c', 'c.id', 'g.category_id')
      .select(['g.id', 'g.uuid', 'g.display_name', 'g.category_id', 'c.uuid as category_uuid', 'c.name as category_name']);
  }
}
