import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { canonicalString, javaUrlEncode, sign, verifySignature } from './signature.js';

// The worked example of CloudStack's "Signing API Requests" guide.
const DOC_API_KEY = 'plgWJfZK4gyS3mOMTVmjUVg-X-jlWlnfaUJ9GAbBbf9EdM-kAYMmAiLqzzq1ElZLYq_u38zCm0bewzGUdP66mg';
const DOC_SECRET = 'VDaACYb0LV9eNjTetIOElcVQkvJck_J_QljX_FcHRj87ZKiy0z0ty0ZsYBkoXkY9b7eq1EhwJaw7FF3akA3KBQ';
const DOC_SIGNATURE = 'TTpdDq/7j/J58XCRHomKoQXEQds=';

const hmac = (secret: string, s: string) => createHmac('sha1', secret).update(s).digest('base64');

describe('request signatures', () => {
  it("reproduces the CloudStack guide's listUsers example", () => {
    const params = { apikey: DOC_API_KEY, command: 'listUsers', response: 'json' };
    assert.equal(canonicalString(params).toLowerCase(), `apikey=${DOC_API_KEY.toLowerCase()}&command=listusers&response=json`);
    assert.equal(sign(params, DOC_SECRET), DOC_SIGNATURE);
    assert.ok(verifySignature({ ...params, signature: DOC_SIGNATURE }, DOC_SECRET, DOC_SIGNATURE));
  });

  it('accepts the names in any case (apiKey as cs sends it) and ignores the signature parameter', () => {
    const params = { apiKey: DOC_API_KEY, command: 'listUsers', response: 'json', Signature: 'x' };
    assert.equal(sign(params, DOC_SECRET), DOC_SIGNATURE);
  });

  it('sorts names case-sensitively on their original case, as Java Collections.sort does', () => {
    assert.equal(canonicalString({ b: '1', A: '2', a: '3' }), 'A=2&a=3&b=1');
  });

  it("encodes values like java.net.URLEncoder with spaces as %20", () => {
    assert.equal(javaUrlEncode('a b'), 'a%20b');
    assert.equal(javaUrlEncode('a+b'), 'a%2Bb');
    assert.equal(javaUrlEncode('~'), '%7E');
    assert.equal(javaUrlEncode('*'), '*');
    assert.equal(javaUrlEncode('.-_'), '.-_');
    assert.equal(javaUrlEncode("!'()"), '%21%27%28%29');
    assert.equal(javaUrlEncode('ü€'), '%C3%BC%E2%82%AC');
    assert.equal(javaUrlEncode('a=b&c/d'), 'a%3Db%26c%2Fd');
    assert.equal(javaUrlEncode('[x]'), '%5Bx%5D');
  });

  it('signs the lower-cased canonical string, including encoded unicode and spaces', () => {
    const params = { command: 'createDomain', name: 'Ünï Cöde*~', apiKey: 'KEY' };
    const expected = 'apikey=key&command=createdomain&name=%c3%9cn%c3%af%20c%c3%b6de*%7e';
    assert.equal(canonicalString(params).toLowerCase(), expected);
    assert.equal(sign(params, 'secret'), hmac('secret', expected));
  });

  it('refuses a wrong signature, a wrong secret and a changed value', () => {
    const params = { apikey: DOC_API_KEY, command: 'listUsers', response: 'json' };
    assert.equal(verifySignature(params, DOC_SECRET, 'TTpdDq/7j/J58XCRHomKoQXEQdt='), false);
    assert.equal(verifySignature(params, DOC_SECRET, ''), false);
    assert.equal(verifySignature(params, DOC_SECRET.slice(1), DOC_SIGNATURE), false);
    assert.equal(verifySignature({ ...params, response: 'xml' }, DOC_SECRET, DOC_SIGNATURE), false);
  });

  it("also accepts Python clients' encoding of ~ (cs/Marvin) and [] (libcloud), but not other variants", () => {
    const params = { command: 'listUsers', keyword: 'a~b[1]', apikey: 'k' };
    const python = 'apikey=k&command=listusers&keyword=a~b[1]';
    assert.ok(verifySignature(params, 's', hmac('s', python)));
    const csStyle = 'apikey=k&command=listusers&keyword=a~b%5b1%5d';
    assert.ok(verifySignature(params, 's', hmac('s', csStyle)));
    const javaStyle = 'apikey=k&command=listusers&keyword=a%7eb%5b1%5d';
    assert.ok(verifySignature(params, 's', hmac('s', javaStyle)));
    // Without ~ or brackets only the Java form counts: '+' for a space is never accepted.
    const plus = { command: 'listUsers', keyword: 'a b', apikey: 'k' };
    assert.equal(verifySignature(plus, 's', hmac('s', 'apikey=k&command=listusers&keyword=a+b')), false);
    assert.ok(verifySignature(plus, 's', hmac('s', 'apikey=k&command=listusers&keyword=a%20b')));
  });
});
