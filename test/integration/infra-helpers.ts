/** Assertions shared by the infra integration tests. */
import assert from 'node:assert/strict';
import type { ApiAnswer } from '../../src/cli/api-client.js';

/** Asserts a CloudStack error envelope: HTTP status = errorcode, and optionally the text. */
export function expectError(r: ApiAnswer, code: number, text?: RegExp): void {
  assert.equal(r.status, code, JSON.stringify(r.body));
  assert.equal(r.inner['errorcode'], code);
  if (text) assert.match(String(r.inner['errortext']), text);
}
