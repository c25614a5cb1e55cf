/**
 * Website and page ids, created on first sight (upsert) and cached in memory. The upserts run
 * in the job's transaction (the embedded engine serialises whole transactions, not loose
 * statements racing on the same rows), and the cache learns new ids only after COMMIT, so it
 * never holds the id of a row that a rolled back transaction created.
 */
import type { PoolClient } from '@rum/shared';

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

export interface ResolvedPages {
  /** Ids by {@link pageKey}. */
  ids: Map<string, PageIds>;
  /** Adds the ids created by this call to the cache; call it once their transaction committed. */
  remember(): void;
}

function sortedValues<V>(map: Map<string, V>): V[] {
  return [...map.keys()].sort().map((key) => map.get(key)!);
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
   * each, on `client` inside the caller's transaction. New ids enter the cache only when the
   * caller calls `remember()` after COMMIT. Keys are upserted in sorted order, so two jobs
   * never lock the same rows in opposite orders (no deadlock on a real server).
   */
  async resolve(client: PoolClient, refs: readonly PageRef[]): Promise<ResolvedPages> {
    const newSites = new Map<string, number>();
    const newPages = new Map<string, number>();
    const websiteOf = (ref: PageRef) => {
      const key = ref.projectId + SEP + ref.domain;
      return this.websites.get(key) ?? newSites.get(key);
    };
    const missingSites = new Map<string, { projectId: number; domain: string }>();
    for (const { projectId, domain } of refs) {
      if (websiteOf({ projectId, domain, path: '' }) === undefined) {
        missingSites.set(projectId + SEP + domain, { projectId, domain });
      }
    }
    if (missingSites.size > 0) {
      const sites = sortedValues(missingSites);
      // DO UPDATE (a no-op write) rather than DO NOTHING so RETURNING also yields existing rows.
      const { rows } = await client.query<{ id: number; project_id: number; domain: string }>(
        `INSERT INTO websites (project_id, domain)
         SELECT * FROM unnest($1::int[], $2::text[])
         ON CONFLICT (project_id, domain) DO UPDATE SET domain = EXCLUDED.domain
         RETURNING id, project_id, domain`,
        [sites.map((s) => s.projectId), sites.map((s) => s.domain)],
      );
      for (const row of rows) newSites.set(row.project_id + SEP + row.domain, row.id);
    }

    const pageOf = (websiteId: number, path: string) =>
      this.pages.get(websiteId + SEP + path) ?? newPages.get(websiteId + SEP + path);
    const missingPages = new Map<string, { websiteId: number; path: string }>();
    for (const ref of refs) {
      const websiteId = websiteOf(ref);
      if (websiteId === undefined) throw new Error(`website ${ref.domain} of project ${ref.projectId} was not created`);
      if (pageOf(websiteId, ref.path) === undefined) missingPages.set(websiteId + SEP + ref.path, { websiteId, path: ref.path });
    }
    if (missingPages.size > 0) {
      const pages = sortedValues(missingPages);
      const { rows } = await client.query<{ id: number; website_id: number; path: string }>(
        `INSERT INTO pages (website_id, path)
         SELECT * FROM unnest($1::int[], $2::text[])
         ON CONFLICT (website_id, path) DO UPDATE SET path = EXCLUDED.path
         RETURNING id, website_id, path`,
        [pages.map((p) => p.websiteId), pages.map((p) => p.path)],
      );
      for (const row of rows) newPages.set(row.website_id + SEP + row.path, row.id);
    }

    const ids = new Map<string, PageIds>();
    for (const ref of refs) {
      const websiteId = websiteOf(ref)!;
      const pageId = pageOf(websiteId, ref.path);
      if (pageId === undefined) throw new Error(`page ${ref.path} of ${ref.domain} was not created`);
      ids.set(pageKey(ref), { websiteId, pageId });
    }
    const remember = () => {
      for (const [key, id] of newSites) this.websites.set(key, id);
      for (const [key, id] of newPages) this.pages.set(key, id);
    };
    return { ids, remember };
  }

  get size(): { websites: number; pages: number } {
    return { websites: this.websites.size, pages: this.pages.size };
  }
}

export function pageKey(ref: PageRef): string {
  return ref.projectId + SEP + ref.domain + SEP + ref.path;
}
