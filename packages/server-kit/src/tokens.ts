import { randomBytes } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';

/**
 * Claims of a read token: it grants read access to exactly one project, until it expires or
 * is revoked (`rum token revoke <id>`). Every token has an id and an expiry; a token without
 * them could never be taken back, so it is refused.
 */
export interface ReadTokenClaims {
  project: string;
  scope: 'read';
  /** The token's id (JWT `jti`): what `rum token list` shows and `rum token revoke` takes. */
  id: string;
  /** Epoch ms (JWT `exp`, whole seconds). */
  expiresAt: number;
}

const ISSUER = 'rum';

/** Lifetime of a read token when none is asked for. */
export const DEFAULT_READ_TOKEN_TTL_MS = 90 * 24 * 60 * 60 * 1000;

export function newTokenId(): string {
  return `rt_${randomBytes(9).toString('base64url')}`;
}

export interface SignOptions {
  /** Default: a new random id. */
  id?: string;
  /** Epoch ms; default now. With the same id, issue and expiry times the same token is signed again. */
  issuedAt?: number;
  /** Epoch ms; default `issuedAt` + {@link DEFAULT_READ_TOKEN_TTL_MS}. */
  expiresAt?: number;
}

/** Signs a read token (HS256) for one project. */
export function signReadToken(project: string, secret: string, options: SignOptions = {}): string {
  const issuedAt = options.issuedAt ?? Date.now();
  const expiresAt = options.expiresAt ?? issuedAt + DEFAULT_READ_TOKEN_TTL_MS;
  const sign = createSigner({ key: secret, algorithm: 'HS256', iss: ISSUER, noTimestamp: true });
  return sign({
    project,
    scope: 'read',
    jti: options.id ?? newTokenId(),
    iat: Math.floor(issuedAt / 1000),
    exp: Math.floor(expiresAt / 1000),
  });
}

// One verifier per secret, so fast-jwt's cache of verified tokens is kept between calls.
const verifiers = new Map<string, (token: string) => unknown>();

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

/**
 * Verifies signature, issuer and expiry; returns the claims or throws {@link InvalidTokenError}.
 * Revocation is checked by the caller (see `RevokedTokens`).
 */
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
  const { project, scope, jti, exp } = claims as {
    project?: unknown;
    scope?: unknown;
    jti?: unknown;
    exp?: unknown;
  };
  if (typeof project !== 'string' || scope !== 'read') {
    throw new InvalidTokenError('token does not grant read access to a project');
  }
  if (typeof jti !== 'string' || typeof exp !== 'number') {
    throw new InvalidTokenError(
      'token has no id or no expiry, so it could not be revoked; create one with `rum token create`',
    );
  }
  return { project, scope, id: jti, expiresAt: exp * 1000 };
}
