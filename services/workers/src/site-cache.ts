/**
 * Website and page ids, created on first sight (upsert) and cached in memory, and the first
 * and last sighting of each release. The cache is only filled from committed statements, so it
 * never holds the id of a row that a rolled back transaction created.
 */
import type { PoolClient } from '@rum/server-kit';

/** Entries kept per map before the oldest are evicted, so memory stays flat on sites with endless paths. */
export const SITE_CACHE_LIMIT = 50_000;

const SEP = '\u0000';

/** A map that forgets its least recently used entry past `limit` (Map keeps insertion order). */
class LruMap<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

export interface PageRef {
  projectId: number;
  domain: string;
  path: string;
  /** The release the rows ran, and their times (ISO): a sighting of it. */
  release?: string | null;
  metrics?: readonly { time: string }[];
  errors?: readonly { time: string }[];
}

/**
 * How far behind a release's stored `last_seen` may fall before a sighting moves it forward:
 * a busy release's row is written about once a minute per process, not once per transaction.
 */
export const RELEASE_LAST_SEEN_SLACK_MS = 60_000;

interface Sighting {
  projectId: number;
  release: string;
  first: number;
  last: number;
}

export interface PageIds {
  websiteId: number;
  pageId: number;
}

export class SiteCache {
  private readonly websites: LruMap<number>;
  private readonly pages: LruMap<number>;
  /** The stored first and last sighting of each release (epoch ms), as last written or read. */
  private readonly releases: LruMap<{ first: number; last: number }>;

  constructor(limit = SITE_CACHE_LIMIT) {
    this.websites = new LruMap(limit);
    this.pages = new LruMap(limit);
    this.releases = new LruMap(limit);
  }

  /**
   * Ids for every page referenced, creating the missing websites and pages with one statement
   * each. Run outside the rows' transaction (autocommit), see the module comment.
   * Returns a lookup by {@link pageKey}.
   */
  resolve(client: PoolClient, refs: readonly PageRef[]): Promise<Map<string, PageIds>> {
    // One resolution at a time per process: concurrent jobs would otherwise race to upsert the
    // same new page, which only adds row-lock waits. Cache hits make this instant in the
    // steady state.
    const run = this.tail.then(() => this.resolveNow(client, refs));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private tail: Promise<unknown> = Promise.resolve();

  private async resolveNow(
    client: PoolClient,
    refs: readonly PageRef[],
  ): Promise<Map<string, PageIds>> {
    const missingSites = new Map<string, { projectId: number; domain: string }>();
    for (const { projectId, domain } of refs) {
      const key = projectId + SEP + domain;
      if (this.websites.get(key) === undefined) missingSites.set(key, { projectId, domain });
    }
    if (missingSites.size > 0) {
      const sites = [...missingSites.values()];
      // DO UPDATE (a no-op write) rather than DO NOTHING so RETURNING also yields existing rows.
      const { rows } = await client.query<{ id: number; project_id: number; domain: string }>(
        `INSERT INTO websites (project_id, domain)
         SELECT * FROM unnest($1::int[], $2::text[])
         ON CONFLICT (project_id, domain) DO UPDATE SET domain = EXCLUDED.domain
         RETURNING id, project_id, domain`,
        [sites.map((s) => s.projectId), sites.map((s) => s.domain)],
      );
      for (const row of rows) this.websites.set(row.project_id + SEP + row.domain, row.id);
    }

    const result = new Map<string, PageIds>();
    const missingPages = new Map<string, { websiteId: number; path: string }>();
    for (const ref of refs) {
      const websiteId = this.websites.get(ref.projectId + SEP + ref.domain);
      if (websiteId === undefined)
        throw new Error(`website ${ref.domain} of project ${ref.projectId} was not created`);
      const pageId = this.pages.get(websiteId + SEP + ref.path);
      if (pageId === undefined)
        missingPages.set(websiteId + SEP + ref.path, { websiteId, path: ref.path });
      else result.set(pageKey(ref), { websiteId, pageId });
    }
    if (missingPages.size > 0) {
      const pages = [...missingPages.values()];
      const { rows } = await client.query<{ id: number; website_id: number; path: string }>(
        `INSERT INTO pages (website_id, path)
         SELECT * FROM unnest($1::int[], $2::text[])
         ON CONFLICT (website_id, path) DO UPDATE SET path = EXCLUDED.path
         RETURNING id, website_id, path`,
        [pages.map((p) => p.websiteId), pages.map((p) => p.path)],
      );
      for (const row of rows) this.pages.set(row.website_id + SEP + row.path, row.id);
      for (const ref of refs) {
        const websiteId = this.websites.get(ref.projectId + SEP + ref.domain)!;
        const pageId = this.pages.get(websiteId + SEP + ref.path);
        if (pageId === undefined)
          throw new Error(`page ${ref.path} of ${ref.domain} was not created`);
        result.set(pageKey(ref), { websiteId, pageId });
      }
    }
    await this.recordReleases(client, refs);
    return result;
  }

  /**
   * Moves each release's `first_seen` back and `last_seen` forward to cover the rows of `refs`,
   * skipping what the stored sighting already covers (within {@link RELEASE_LAST_SEEN_SLACK_MS}
   * for the last one). Rows are written in key order, so concurrent processes never deadlock.
   */
  private async recordReleases(client: PoolClient, refs: readonly PageRef[]): Promise<void> {
    const sightings = new Map<string, Sighting>();
    for (const ref of refs) {
      if (!ref.release) continue;
      const times = [...(ref.metrics ?? []), ...(ref.errors ?? [])].map((r) => Date.parse(r.time));
      if (times.length === 0) continue;
      const key = ref.projectId + SEP + ref.release;
      const seen = sightings.get(key) ?? {
        projectId: ref.projectId,
        release: ref.release,
        first: Infinity,
        last: -Infinity,
      };
      seen.first = Math.min(seen.first, ...times);
      seen.last = Math.max(seen.last, ...times);
      sightings.set(key, seen);
    }
    const stale = [...sightings.entries()]
      .filter(([key, seen]) => {
        const stored = this.releases.get(key);
        return (
          !stored ||
          seen.first < stored.first ||
          seen.last > stored.last + RELEASE_LAST_SEEN_SLACK_MS
        );
      })
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, seen]) => seen);
    if (stale.length === 0) return;
    const { rows } = await client.query<{
      project_id: number;
      release: string;
      first: string;
      last: string;
    }>(
      `INSERT INTO releases AS r (project_id, release, first_seen, last_seen)
       SELECT * FROM unnest($1::int[], $2::text[], $3::timestamptz[], $4::timestamptz[])
       ON CONFLICT (project_id, release) DO UPDATE
         SET first_seen = least(r.first_seen, EXCLUDED.first_seen),
             last_seen = greatest(r.last_seen, EXCLUDED.last_seen)
       RETURNING project_id, release, (extract(epoch FROM first_seen) * 1000)::float8::text AS first,
         (extract(epoch FROM last_seen) * 1000)::float8::text AS last`,
      [
        stale.map((s) => s.projectId),
        stale.map((s) => s.release),
        stale.map((s) => new Date(s.first)),
        stale.map((s) => new Date(s.last)),
      ],
    );
    for (const row of rows)
      this.releases.set(row.project_id + SEP + row.release, {
        first: Number(row.first),
        last: Number(row.last),
      });
  }

  get size(): { websites: number; pages: number } {
    return { websites: this.websites.size, pages: this.pages.size };
  }
}

export function pageKey(ref: PageRef): string {
  return ref.projectId + SEP + ref.domain + SEP + ref.path;
}
