import { isUtf8 } from 'node:buffer';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { ERROR_CODES } from '@rum/contract';
import { ServiceError } from '@rum/server-kit/http';

const gunzipAsync = promisify(gunzip);

/**
 * The request body as text: gzip is inflated with a cap on the output, so a small gzip bomb
 * costs us at most `limit` bytes of memory before it is refused with a 413.
 */
export async function decodeBody(
  raw: Buffer,
  contentEncoding: string | undefined,
  limit: number,
): Promise<string> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return utf8(raw);
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new ServiceError(
      415,
      ERROR_CODES.unsupportedMediaType,
      `Content-Encoding "${encoding}" is not supported; send gzip or no encoding`,
    );
  }
  let inflated: Buffer;
  try {
    inflated = await gunzipAsync(raw, { maxOutputLength: limit });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ServiceError(
        413,
        ERROR_CODES.bodyTooLarge,
        `body is larger than ${limit} bytes once decompressed`,
      );
    }
    throw new ServiceError(400, ERROR_CODES.badBeacon, 'body is not valid gzip');
  }
  return utf8(inflated);
}

/**
 * The body as text, refused when it is not UTF-8: decoding would silently turn the bad bytes
 * into U+FFFD, and what is stored would differ from what was sent.
 */
function utf8(bytes: Buffer): string {
  if (!isUtf8(bytes)) {
    throw new ServiceError(400, ERROR_CODES.badBeacon, 'body is not valid UTF-8');
  }
  return bytes.toString('utf8');
}
