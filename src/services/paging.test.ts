import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Page } from './paging.js';
import { CloudError } from '../api/errors.js';

const err431 = (text: string) => (e: unknown) => e instanceof CloudError && e.kind === 'ParamError' && e.message === text;

describe('Page (BaseListCmd paging)', () => {
  it('without page/pagesize returns the first default.page.size rows', () => {
    const p = Page.from({}, 500);
    assert.equal(p.offset, 0);
    assert.equal(p.limit, 500);
    assert.equal(Page.from({}, -1).limit, undefined);
  });

  it('pages are 1-based', () => {
    const p = Page.from({ page: 3, pagesize: 20 }, 500);
    assert.equal(p.offset, 40);
    assert.equal(p.limit, 20);
  });

  it('requires page and pagesize together with CloudStack texts', () => {
    assert.throws(() => Page.from({ pagesize: 10 }, 500), err431('"page" parameter is required when "pagesize" is specified'));
    assert.throws(() => Page.from({ page: 1 }, 500), err431('"pagesize" parameter is required when "page" is specified'));
  });

  it('pagesize=-1 means unlimited and forbids page', () => {
    const p = Page.from({ pagesize: -1 }, 500);
    assert.equal(p.limit, undefined);
    assert.equal(p.offset, 0);
    assert.throws(() => Page.from({ page: 1, pagesize: -1 }, 500), (e: unknown) => e instanceof CloudError && e.kind === 'ParamError');
  });

  it('refuses a page size above default.page.size', () => {
    assert.throws(() => Page.from({ page: 1, pagesize: 501 }, 500), err431("Page size can't exceed max allowed page size value: 500"));
    assert.equal(Page.from({ page: 1, pagesize: 500 }, 500).limit, 500);
    assert.equal(Page.from({ page: 1, pagesize: 5000 }, -1).limit, 5000);
  });

  it('refuses zero and negative pages', () => {
    assert.throws(() => Page.from({ page: 0, pagesize: 10 }, 500), (e: unknown) => e instanceof CloudError && e.kind === 'ParamError');
    assert.throws(() => Page.from({ page: 1, pagesize: 0 }, 500), (e: unknown) => e instanceof CloudError && e.kind === 'ParamError');
  });

  it('slices in-memory lists and counts the total', () => {
    const all = [1, 2, 3, 4, 5];
    assert.deepEqual(Page.from({ page: 2, pagesize: 2 }, 500).slice(all), { rows: [3, 4], count: 5 });
    assert.deepEqual(Page.from({ page: 4, pagesize: 2 }, 500).slice(all), { rows: [], count: 5 });
    assert.deepEqual(Page.all().slice(all), { rows: all, count: 5 });
  });
});
