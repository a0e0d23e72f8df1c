import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GIB, limitFromSetting, limitFromWire, limitToWire, limitWireFields, RESOURCE_TYPES, resourceType, resourceTypeById } from './resource-types.js';
import { ancestorPaths } from './limit.service.js';

describe('resource types', () => {
  it('numbers the types as CloudStack does', () => {
    assert.deepEqual(RESOURCE_TYPES.map((t) => `${t.id}:${t.name}`), [
      '0:user_vm', '1:public_ip', '2:volume', '3:snapshot', '4:template', '5:project', '6:network', '7:vpc', '8:cpu', '9:memory', '10:primary_storage', '11:secondary_storage',
    ]);
    assert.equal(resourceTypeById(12), undefined);
  });

  it('keeps storage in bytes and shows GiB; -1 stays unlimited', () => {
    const ps = resourceType('primary_storage');
    assert.equal(limitFromWire(ps, 200), 200 * GIB);
    assert.equal(limitToWire(ps, 200 * GIB), 200);
    assert.equal(limitFromWire(ps, -1), -1);
    assert.equal(limitFromSetting(ps, '400'), 400 * GIB);
    assert.equal(limitFromSetting(resourceType('cpu'), '40'), 40);
    assert.equal(limitFromSetting(resourceType('cpu'), null), -1);
  });

  it('renders account/domain fields as CloudStack types them', () => {
    assert.deepEqual(limitWireFields(resourceType('user_vm'), 20, 3), { vmlimit: '20', vmtotal: 3, vmavailable: '17' });
    assert.deepEqual(limitWireFields(resourceType('public_ip'), -1, 2), { iplimit: 'Unlimited', iptotal: 2, ipavailable: 'Unlimited' });
    assert.deepEqual(limitWireFields(resourceType('primary_storage'), 10 * GIB, 3 * GIB), { primarystoragelimit: '10', primarystoragetotal: 3, primarystorageavailable: '7' });
    for (const t of RESOURCE_TYPES) assert.deepEqual(Object.keys(limitWireFields(t, 5, 1)), [`${t.field}limit`, `${t.field}total`, `${t.field}available`], t.name);
  });

  it('walks a domain path up to ROOT', () => {
    assert.deepEqual(ancestorPaths('/a/b/'), ['/a/b/', '/a/', '/']);
    assert.deepEqual(ancestorPaths('/'), ['/']);
  });
});
