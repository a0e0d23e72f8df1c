import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloudError, ERROR_CODES, USER_ERROR_MESSAGE, bindError, toErrorResponse, type ErrorKind } from './errors.js';

/** FACTS §3.4: ApiErrorCode and CSExceptionErrorCode of each kind's Java exception. */
const EXPECTED: Record<ErrorKind, [errorcode: number, cserrorcode: number | undefined]> = {
  ParamError: [431, 4350],
  MalformedParameter: [430, 9999],
  Unauthorized: [401, undefined],
  PermissionDenied: [531, 4365],
  UnsupportedAction: [432, 4555],
  InvalidState: [431, 4350],
  AccountLimit: [532, 4280],
  InsufficientCapacity: [533, 4325],
  ResourceUnavailable: [534, 4380],
  ResourceAllocation: [535, 4370],
  ResourceInUse: [536, 4375],
  NetworkRuleConflict: [537, 4360],
  ApiLimitExceeded: [429, 4545],
  MethodNotAllowed: [405, undefined],
  Internal: [530, 4250],
};

describe('ERROR_CODES', () => {
  it('maps every kind to CloudStack\'s errorcode and cserrorcode', () => {
    assert.deepEqual(Object.keys(ERROR_CODES).sort(), Object.keys(EXPECTED).sort());
    for (const [kind, [code, cs]] of Object.entries(EXPECTED)) {
      assert.equal(ERROR_CODES[kind as ErrorKind].errorcode, code, kind);
      assert.equal(ERROR_CODES[kind as ErrorKind].cserrorcode, cs, kind);
      const r = toErrorResponse(new CloudError(kind as ErrorKind, 'detail'), true);
      assert.equal(r.status, code, kind);
      assert.equal(r.body.errorcode, code, kind);
      assert.equal(r.body.cserrorcode, cs, kind);
      assert.deepEqual(r.body.uuidList, []);
      assert.ok(r.known);
    }
  });

  it('hides 530/533/534 details from non-root callers (BaseCmd.USER_ERROR_MESSAGE)', () => {
    for (const kind of ['Internal', 'InsufficientCapacity', 'ResourceUnavailable'] as ErrorKind[]) {
      assert.equal(toErrorResponse(new CloudError(kind, 'host h1 down'), false).body.errortext, USER_ERROR_MESSAGE);
      assert.equal(toErrorResponse(new CloudError(kind, 'host h1 down'), true).body.errortext, 'host h1 down');
    }
    assert.equal(toErrorResponse(new CloudError('PermissionDenied', 'not yours'), false).body.errortext, 'not yours');
  });

  it('turns anything unknown into a generic 530, even for root admins', () => {
    const r = toErrorResponse(new Error('SQLITE_BUSY: secret detail'), true);
    assert.equal(r.status, 530);
    assert.equal(r.body.errortext, USER_ERROR_MESSAGE);
    assert.equal(r.body.cserrorcode, 4250);
    assert.equal(r.known, false);
  });

  it('keeps uuidList entries and lets parameter binding errors carry ServerApiException\'s 9999', () => {
    const e = new CloudError('ResourceInUse', 'in use', { uuidList: [{ uuid: 'u', description: 'vm' }] });
    assert.deepEqual(toErrorResponse(e, true).body.uuidList, [{ uuid: 'u', description: 'vm' }]);
    const b = toErrorResponse(bindError('missing'), true);
    assert.equal(b.status, 431);
    assert.equal(b.body.cserrorcode, 9999);
  });
});
