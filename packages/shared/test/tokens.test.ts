import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signReadToken, verifyReadToken, InvalidTokenError } from '../src/index.ts';

const SECRET = 'a-secret-that-is-long-enough-1234';

test('a read token names its project and verifies with the same secret only', () => {
  const token = signReadToken('demo', SECRET);
  assert.deepEqual(verifyReadToken(token, SECRET), { project: 'demo', scope: 'read' });
  assert.throws(() => verifyReadToken(token, `${SECRET}-other`), InvalidTokenError);
  assert.throws(() => verifyReadToken(`${token}x`, SECRET), InvalidTokenError);
  assert.throws(() => verifyReadToken('not.a.jwt', SECRET), InvalidTokenError);
});

test('an expired token is refused', async () => {
  const token = signReadToken('demo', SECRET, 1);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.throws(() => verifyReadToken(token, SECRET), InvalidTokenError);
});
