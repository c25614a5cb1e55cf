import { createSigner, createVerifier } from 'fast-jwt';

/** Claims of a read token: it grants read access to exactly one project. */
export interface ReadTokenClaims {
  project: string;
  scope: 'read';
}

const ISSUER = 'rum';

/** Signs a read token (HS256) for one project. `expiresInMs` omitted: no expiry. */
export function signReadToken(project: string, secret: string, expiresInMs?: number): string {
  const sign = createSigner({
    key: secret,
    algorithm: 'HS256',
    iss: ISSUER,
    ...(expiresInMs ? { expiresIn: expiresInMs } : {}),
  });
  return sign({ project, scope: 'read' } satisfies ReadTokenClaims);
}

// One verifier per secret, so fast-jwt's cache of verified tokens is kept between calls.
const verifiers = new Map<string, (token: string) => unknown>();

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

/** Verifies signature, issuer and expiry; returns the claims or throws {@link InvalidTokenError}. */
export function verifyReadToken(token: string, secret: string): ReadTokenClaims {
  let verify = verifiers.get(secret);
  if (!verify) {
    verify = createVerifier({
      key: secret,
      algorithms: ['HS256'],
      allowedIss: ISSUER,
      cache: true,
    });
    verifiers.set(secret, verify);
  }
  let claims: unknown;
  try {
    claims = verify(token);
  } catch (err) {
    throw new InvalidTokenError((err as Error).message);
  }
  const { project, scope } = claims as Partial<ReadTokenClaims>;
  if (typeof project !== 'string' || scope !== 'read') {
    throw new InvalidTokenError('token does not grant read access to a project');
  }
  return { project, scope };
}
