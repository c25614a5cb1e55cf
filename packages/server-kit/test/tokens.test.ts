import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signReadToken, verifyReadToken, InvalidTokenError } from '../src/index.ts';

const SECRET = 'a-secret-that-is-long-enough-1234';

test('a read token names its project, id and expiry, and verifies with the same secret only', () => {
  const expiresAt = Date.now() + 60_000;
  const token = signReadToken('demo', SECRET, { id: 'rt_1', expiresAt });
  assert.deepEqual(verifyReadToken(token, SECRET), {
    project: 'demo',
    scope: 'read',
    id: 'rt_1',
    expiresAt: Math.floor(expiresAt / 1000) * 1000,
  });
  assert.throws(() => verifyReadToken(token, `${SECRET}-other`), InvalidTokenError);
  assert.throws(() => verifyReadToken(`${token}x`, SECRET), InvalidTokenError);
  assert.throws(() => verifyReadToken('not.a.jwt', SECRET), InvalidTokenError);
});

test('an expired token is refused', async () => {
  const token = signReadToken('demo', SECRET, { expiresAt: Date.now() + 1 });
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.throws(() => verifyReadToken(token, SECRET), InvalidTokenError);
});

test('the same id and times sign the same token again; a token without id or expiry is refused', () => {
  const options = { id: 'rt_2', issuedAt: 1_700_000_000_000, expiresAt: Date.now() + 3_600_000 };
  assert.equal(signReadToken('demo', SECRET, options), signReadToken('demo', SECRET, options));
  assert.notEqual(signReadToken('demo', SECRET), signReadToken('demo', SECRET));
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ project: 'demo', scope: 'read', iss: 'rum' })}`;
  const legacy = `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
  assert.throws(() => verifyReadToken(legacy, SECRET), /no id or no expiry/);
});
