import type { ExtendedError, Socket } from 'socket.io';
import { InvalidTokenError, verifyReadToken } from '@rum/server-kit';

/** Stable code carried by every refused handshake, in `connect_error`'s `data.code`. */
export const UNAUTHORIZED_CODE = 'RUM_ERR_UNAUTHORIZED';

/** What the handshake leaves on `socket.data`: the one project this socket may hear about, and its token. */
export interface LiveSocketData {
  project: string;
  tokenId: string;
  /** Epoch ms at which the token expires: the socket is disconnected then. */
  expiresAt: number;
}

/** The error a client receives as `connect_error`: `message` for people, `data.code` for code. */
export interface UnauthorizedError extends ExtendedError {
  data: { code: typeof UNAUTHORIZED_CODE };
}

function unauthorized(reason: string): UnauthorizedError {
  const err = new Error(`${UNAUTHORIZED_CODE}: ${reason}`) as UnauthorizedError;
  err.data = { code: UNAUTHORIZED_CODE };
  return err;
}

/**
 * Checks the read token sent as `auth: { token }` before the connection is accepted, so a
 * client without a valid token never joins any room. Only `auth` is read: a token in the
 * query string would end up in proxy access logs.
 */
export function checkHandshake(
  handshakeAuth: Socket['handshake']['auth'],
  jwtSecret: string,
  isRevoked: (tokenId: string) => boolean,
): { ok: true; data: LiveSocketData } | { ok: false; error: UnauthorizedError } {
  const token: unknown = handshakeAuth?.token;
  if (typeof token !== 'string' || token === '') {
    return {
      ok: false,
      error: unauthorized('a read token is required in the handshake (auth: { token })'),
    };
  }
  try {
    const claims = verifyReadToken(token, jwtSecret);
    if (isRevoked(claims.id)) {
      return { ok: false, error: unauthorized(`read token ${claims.id} was revoked`) };
    }
    return {
      ok: true,
      data: { project: claims.project, tokenId: claims.id, expiresAt: claims.expiresAt },
    };
  } catch (err) {
    const reason = err instanceof InvalidTokenError ? err.message : 'token could not be checked';
    return { ok: false, error: unauthorized(`invalid read token (${reason})`) };
  }
}
