import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeCommand } from './listApis.js';
import { defineCommand, success } from '../../define-command.js';
import { p } from '../../params.js';

const cmd = defineCommand({
  name: 'startThing',
  description: 'Starts a thing.',
  since: '4.0',
  roles: ['Admin', 'User'],
  async: true,
  params: {
    id: p.uuid({ entity: 'VirtualMachine', required: true, doc: 'The thing' }),
    considerlasthost: p.boolean({ roles: ['Admin'], doc: 'Admin only' }),
    name: p.string({ length: 64, doc: 'A name' }),
  },
  response: success,
  async handler() {
    return { success: true };
  },
});

describe('listApis entries', () => {
  it('hide parameters the role may not set (CloudStack authorized)', () => {
    const forUser = describeCommand(cmd, 'User');
    const forAdmin = describeCommand(cmd, 'Admin');
    assert.deepEqual((forUser['params'] as any[]).map((x) => x.name), ['id', 'name']);
    assert.deepEqual((forAdmin['params'] as any[]).map((x) => x.name), ['id', 'considerlasthost', 'name']);
  });

  it('describe params with type, length and required, and async commands with jobid/jobstatus', () => {
    const d = describeCommand(cmd, 'Admin');
    assert.equal(d['isasync'], true);
    assert.equal(d['since'], '4.0');
    assert.deepEqual((d['params'] as any[])[0], { name: 'id', description: 'The thing', type: 'uuid', length: 255, required: true, since: undefined });
    assert.equal((d['params'] as any[])[2].length, 64);
    const response = (d['response'] as any[]).map((x) => x.name);
    assert.deepEqual(response, ['success', 'displaytext', 'jobid', 'jobstatus']);
  });
});
