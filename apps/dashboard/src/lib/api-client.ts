import type { ErrorResponse } from '@rum/contract';
import { env } from '../config/env.ts';
import type { Session } from './session.ts';

/** A query API answer other than 2xx, with the API's stable error code when it sent one. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export type QueryParams = Record<string, string | number | undefined>;

/** GET `/v1/projects/<project>/<path>` with the session's bearer token. */
export async function apiGet<T>(
  session: Session,
  path: string,
  params: QueryParams = {},
  signal?: AbortSignal,
): Promise<T> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const query = search.size > 0 ? `?${search.toString()}` : '';
  const url = `${env.queryApiUrl}/v1/projects/${encodeURIComponent(session.project)}/${path}${query}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${session.token}` },
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(`The query API at ${env.queryApiUrl} cannot be reached.`, 0, undefined);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as Partial<ErrorResponse> | null;
    const message =
      response.status === 401 || response.status === 403
        ? 'The read token was refused. Sign in again with a valid token.'
        : (body?.message ?? `The query API answered ${response.status}.`);
    throw new ApiError(message, response.status, body?.code);
  }
  return (await response.json()) as T;
}
