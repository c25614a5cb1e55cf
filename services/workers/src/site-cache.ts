/**
 * Website and page ids, created on first sight (upsert) and cached in memory. The cache is
 * only filled from committed statements, so it never holds the id of a row that a rolled
 * back transaction created.
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
}

export interface PageIds {
  websiteId: number;
  pageId: number;
}

export class SiteCache {
  private readonly websites: LruMap<number>;
  private readonly pages: LruMap<number>;

  constructor(limit = SITE_CACHE_LIMIT) {
    this.websites = new LruMap(limit);
    this.pages = new LruMap(limit);
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
    return result;
  }

  get size(): { websites: number; pages: number } {
    return { websites: this.websites.size, pages: this.pages.size };
  }
}

export function pageKey(ref: PageRef): string {
  return ref.projectId + SEP + ref.domain + SEP + ref.path;
}
