/**
 * From a CrUX request to what is read: the record's key (origin or url, normalised as CrUX
 * does, form factor and connection type), the filters selecting its samples, and the
 * collection periods.
 */
import {
  CRUX_PERIOD_DAYS,
  CRUX_HISTORY_STEP_DAYS,
  DAY_MS,
  ERROR_CODES,
  type CruxCollectionPeriod,
  type CruxDate,
  type CruxEffectiveConnectionType,
  type CruxFormFactor,
  type CruxKey,
  type CruxRecordRequest,
  type CruxUrlNormalization,
} from '@rum/contract';
import type { Pool } from '@rum/server-kit';
import type { Filters, TimeWindow } from '@rum/server-kit/aggregates';
import { ServiceError, badParameter } from '@rum/server-kit/http';

/** Our device types per CrUX form factor (none: every form factor). */
const DEVICE_OF: Readonly<Record<CruxFormFactor, string | undefined>> = {
  ALL_FORM_FACTORS: undefined,
  PHONE: 'mobile',
  TABLET: 'tablet',
  DESKTOP: 'desktop',
};

/**
 * What the workers store per CrUX connection type: navigator.connection.effectiveType as the
 * browser reports it, lower-case ('unknown' when the browser has no Network Information API).
 * `offline` is never stored (a beacon is sent online): its record is a 404, as in CrUX.
 */
const CONNECTION_OF: Readonly<Record<CruxEffectiveConnectionType, string>> = {
  '4G': '4g',
  '3G': '3g',
  '2G': '2g',
  'slow-2G': 'slow-2g',
  offline: 'offline',
};

export interface ResolvedKey {
  key: CruxKey;
  /** The samples of the record (no metric chosen yet). */
  filters: Filters;
  urlNormalizationDetails?: CruxUrlNormalization;
}

/** The answer to a key nothing was recorded for, in the words CrUX uses. */
export function noRecord(): ServiceError {
  return new ServiceError(404, ERROR_CODES.notFound, 'chrome ux report data not found');
}

/**
 * Why the project has no website at `host`: another project's website (403, the token is the
 * wrong one; the installation is one operator's, so naming no project leaks nothing new) or none.
 */
async function missingWebsite(db: Pool, projectId: number, host: string): Promise<ServiceError> {
  const { rows } = await db.query(
    'SELECT 1 FROM websites WHERE domain = $1 AND project_id <> $2 LIMIT 1',
    [host, projectId],
  );
  if (rows.length === 0) return noRecord();
  return new ServiceError(
    403,
    ERROR_CODES.forbidden,
    `${host} is recorded by another project: use that project's read token`,
  );
}

function parseUrl(field: 'origin' | 'url', value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  throw badParameter(field, `must be an absolute http(s) URL, got "${value}"`);
}

/**
 * Resolves `origin` (a website of the project: every page of it) or `url` (one page), with
 * CrUX's URL normalisation (query and fragment dropped: pages are stored by path). Websites are
 * stored by host, so the scheme is not compared. Unknown website or page: 404.
 */
export async function resolveKey(
  db: Pool,
  projectId: number,
  req: CruxRecordRequest,
): Promise<ResolvedKey> {
  if ((req.origin === undefined) === (req.url === undefined))
    throw badParameter(
      req.origin === undefined ? 'origin' : 'url',
      'exactly one of origin and url is required',
    );
  const device = req.formFactor === undefined ? undefined : DEVICE_OF[req.formFactor];
  const connection = req.effectiveConnectionType;
  const base = {
    projectId,
    ...(device !== undefined ? { device } : {}),
    ...(connection !== undefined ? { connection: CONNECTION_OF[connection] } : {}),
  };
  // The key echoes what was asked, in CrUX's order (origin or url, formFactor, connection type).
  const keyParts = {
    ...(req.formFactor !== undefined ? { formFactor: req.formFactor } : {}),
    ...(connection !== undefined ? { effectiveConnectionType: connection } : {}),
  };
  if (req.origin !== undefined) {
    const url = parseUrl('origin', req.origin);
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '')
      throw badParameter('origin', `must be an origin (scheme and host only), got "${req.origin}"`);
    const pageIds = await originPageIds(db, projectId, url.host);
    return {
      key: { origin: url.origin, ...keyParts },
      filters: { ...base, ...(pageIds ? { pageIds } : {}) },
    };
  }
  const url = parseUrl('url', req.url!);
  const normalizedUrl = url.origin + url.pathname;
  const { rows } = await db.query<{ id: number | null }>(
    `SELECT p.id FROM websites w LEFT JOIN pages p ON p.website_id = w.id AND p.path = $3
      WHERE w.project_id = $1 AND w.domain = $2`,
    [projectId, url.host, url.pathname],
  );
  if (rows.length === 0) throw await missingWebsite(db, projectId, url.host);
  if (rows[0]!.id === null) throw noRecord();
  return {
    key: { url: normalizedUrl, ...keyParts },
    filters: { ...base, pageIds: [rows[0]!.id] },
    ...(normalizedUrl !== req.url
      ? { urlNormalizationDetails: { originalUrl: req.url!, normalizedUrl } }
      : {}),
  };
}

/**
 * The page ids of the website at `host`; undefined when it is the project's only website (no
 * page filter: the overall rollups answer, not those by page). 404 when there is none.
 */
async function originPageIds(
  db: Pool,
  projectId: number,
  host: string,
): Promise<number[] | undefined> {
  const { rows } = await db.query<{ id: number; domain: string; pages: number[] }>(
    `SELECT w.id, w.domain, coalesce(array_agg(p.id) FILTER (WHERE p.id IS NOT NULL), '{}') AS pages
       FROM websites w LEFT JOIN pages p ON p.website_id = w.id AND w.domain = $2
      WHERE w.project_id = $1 GROUP BY w.id, w.domain`,
    [projectId, host],
  );
  const site = rows.find((r) => r.domain === host);
  if (!site) throw await missingWebsite(db, projectId, host);
  return rows.length === 1 ? undefined : site.pages;
}

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function cruxDate(ms: number): CruxDate {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** One collection period: the window read (whole UTC days, the last one up to now) and its dates. */
export interface Period {
  window: TimeWindow;
  period: CruxCollectionPeriod;
}

/**
 * `count` periods of 28 days, `CRUX_HISTORY_STEP_DAYS` apart, oldest first; the last ends
 * today (its window up to `now`), so the data is never late as CrUX's is.
 */
export function collectionPeriods(count: number, now: number = Date.now()): Period[] {
  const today = startOfUtcDay(now);
  return Array.from({ length: count }, (_, i) => {
    const lastDay = today - (count - 1 - i) * CRUX_HISTORY_STEP_DAYS * DAY_MS;
    const firstDay = lastDay - (CRUX_PERIOD_DAYS - 1) * DAY_MS;
    return {
      window: {
        from: new Date(firstDay),
        to: new Date(Math.min(lastDay + DAY_MS, now)),
        source: 'rollup',
      },
      period: { firstDate: cruxDate(firstDay), lastDate: cruxDate(lastDay) },
    };
  });
}
