/**
 * Property-based hostile input against the real ingest API and the real workers, on real Redis
 * and the embedded TimescaleDB. fast-check generates at least 10,000 POSTs (see
 * hostile-beacons.ts for the mix); all are sent, the queue drained, then four properties are
 * checked over everything at once:
 *  1. every answer is a 202 or a 4xx, in bounded time (and as the contract says where it says);
 *  2. every event and error of every 202 is in the database exactly once, as sent after the
 *     workers' documented normalisation (path without query, rating from the thresholds when
 *     absent, attribution as JSON; a re-reported metric keeps its largest value);
 *  3. a refused beacon writes nothing: each has a session id of its own, and no row carries one
 *     that was not accepted;
 *  4. the workers fail no job and dead-letter no accepted beacon.
 *
 * Replay a run with `HOSTILE_SEED=<seed printed by the run>`; `HOSTILE_BEACONS` sets the count.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { rate, type Beacon, type BeaconError, type BeaconEvent } from '@rum/contract';
import { startPipeline, type Pipeline } from '../src/pipeline.ts';
import {
  hostileCase,
  MAX_RUN_MS,
  reReport,
  toWire,
  type HostileCase,
  type OnTheWire,
} from './hostile-beacons.ts';

const SEED = process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : Date.now() % 2 ** 31;
const GENERATED = Number(process.env.HOSTILE_BEACONS ?? 10_000);
/** Beacons sent a second time as they are (the browser retried), per generated beacon. */
const RESEND_SHARE = 0.02;
/** Accepted beacons reported again with other values (CLS and INP grow), per generated beacon. */
const REREPORT_SHARE = 0.01;
const IN_FLIGHT = 24;
const REQUEST_TIMEOUT_MS = 15_000;
/** Each project takes 10,000 requests a minute; three keep every send far from the limit. */
const PROJECTS = 3;

let pipeline: Pipeline;

before(async () => {
  pipeline = await startPipeline({ projects: PROJECTS });
});

after(async () => {
  await pipeline.stop();
});

/** One POST: a generated case, or a resend / re-report of one (same token, same project). */
interface Shot {
  index: number;
  case: HostileCase;
  /** The case whose session token (and project) it uses. */
  token: number;
  role: 'generated' | 'resend' | 'rereport';
  wire: OnTheWire;
}

interface Answer {
  status: number;
  body: string;
}

function preview(text: string, max = 600): string {
  const shown = JSON.stringify(text);
  return shown.length > max ? `${shown.slice(0, max)}… (${text.length} chars)` : shown;
}

function describe(shot: Shot, answer: Answer | undefined): string {
  const c = shot.case;
  return (
    `#${shot.index} [${c.kind}] ${shot.role} expect=${c.expect} key=${c.key} ` +
    `content-type=${JSON.stringify(c.contentType)} encoding=${c.encoding}` +
    `${c.padTo ? ` padTo=${c.padTo}` : ''} → ${answer ? `${answer.status} ${preview(answer.body, 300)}` : 'no answer'}\n` +
    `    body (decoded): ${preview(shot.wire.decoded.toString('utf8'))}`
  );
}

async function post(shot: Shot): Promise<Answer> {
  const project = pipeline.projects[shot.token % PROJECTS]!;
  const headers = { ...shot.wire.headers };
  let query = `?key=${encodeURIComponent(project.ingestKey)}`;
  if (shot.case.key === 'header') {
    headers['x-api-key'] = project.ingestKey;
    query = '';
  } else if (shot.case.key === 'none') query = '';
  else if (shot.case.key === 'unknown') query = '?key=pk_not_a_key_of_anyone';
  const res = await fetch(`${pipeline.ingestUrl}/v1/collect${query}`, {
    method: 'POST',
    headers,
    // A Buffer: fetch adds no Content-Type of its own.
    body: shot.wire.body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: res.status, body: await res.text() };
}

/** Runs `work` over `items`, `limit` at a time. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** What ingest parsed, as it parses it (UTF-8, a leading BOM ignored). */
function parsedBeacon(wire: OnTheWire): Beacon {
  return JSON.parse(wire.decoded.toString('utf8').replace(/^\ufeff/, '')) as Beacon;
}

interface ExpectedMetric {
  shot: Shot;
  event: BeaconEvent;
  domain: string;
  path: string;
}

interface MetricDbRow {
  project_id: number;
  session_id: string;
  metric_id: string;
  time: Date;
  name: string;
  value: number;
  delta: number | null;
  rating: string;
  navigation_type: string | null;
  attribution: unknown;
  domain: string;
  path: string;
}

interface ErrorDbRow {
  project_id: number;
  session_id: string;
  time: Date;
  message: string;
  stack: string | null;
  source: string | null;
  line: number | null;
  col: number | null;
}

const keyOf = (...parts: unknown[]) => JSON.stringify(parts);

/** The documented normalisation: the stored form of an event's fields. */
function storedMetric(e: BeaconEvent) {
  return {
    value: e.value,
    delta: e.delta ?? null,
    rating: e.rating ?? rate(e.name, e.value),
    attribution: e.attribution === undefined ? null : JSON.parse(JSON.stringify(e.attribution)),
  };
}

function storedError(e: BeaconError) {
  return {
    message: e.message,
    stack: e.stack || null,
    source: e.source || null,
    line: e.line ?? null,
    col: e.col ?? null,
  };
}

test(
  `hostile input: ${GENERATED} generated beacons through ingest and workers`,
  { timeout: 15 * 60_000 },
  async (t) => {
    t.diagnostic(`seed ${SEED} (replay with HOSTILE_SEED=${SEED})`);
    const started = Date.now();
    // Times in the cases are relative to T; every send must end within MAX_RUN_MS of it.
    const T = Date.now();
    const cases = fc.sample(hostileCase(T), { seed: SEED, numRuns: GENERATED });
    const shots: Shot[] = cases.map((c, index) => ({
      index,
      case: c,
      token: index,
      role: 'generated',
      wire: toWire(c, index),
    }));

    // Resends and re-reports of valid beacons, sent later in the same stream.
    const validIndices = shots.filter((s) => s.case.kind.startsWith('valid/')).map((s) => s.index);
    const extras = fc.sample(
      fc.record({
        pick: fc.nat(),
        rereport: fc.integer({ min: 0, max: 999 }),
        factor: fc.constantFrom(0.5, 1.25, 3, 1e-9, 1e9),
      }),
      {
        seed: SEED + 1,
        numRuns: Math.round(GENERATED * (RESEND_SHARE + REREPORT_SHARE)),
      },
    );
    const later: Shot[] = extras.map(({ pick, rereport, factor }) => {
      const original = shots[validIndices[pick % validIndices.length]!]!;
      const isReReport = rereport < (1000 * REREPORT_SHARE) / (RESEND_SHARE + REREPORT_SHARE);
      const c: HostileCase = isReReport
        ? {
            ...original.case,
            kind: `${original.case.kind}+rereport`,
            encoding: 'identity',
            text: reReport(original.wire.decoded.toString('utf8'), factor),
          }
        : original.case;
      return {
        index: 0,
        case: c,
        token: original.token,
        role: isReReport ? 'rereport' : 'resend',
        wire: isReReport ? toWire(c, original.token) : original.wire,
      };
    });
    // Spread them over the second half of the stream, so some meet their original in flight.
    const all = [...shots];
    later.forEach((shot, i) => {
      all.splice(all.length - Math.floor((i * all.length) / (2 * later.length)) - 1, 0, shot);
    });
    all.forEach((shot, i) => (shot.index = i));
    t.diagnostic(
      `${all.length} POSTs: ${cases.length} generated, ${later.filter((s) => s.role === 'resend').length} resent, ` +
        `${later.filter((s) => s.role === 'rereport').length} re-reported`,
    );

    // --- send ---
    const answers = new Map<Shot, Answer>();
    const problems: { what: string; kind: string; text: string }[] = [];
    /** A finding; `what` (up to a colon) names its kind in the summary. */
    const problem = (shot: Shot, what: string, answer = answers.get(shot)) =>
      problems.push({ what, kind: shot.case.kind, text: `${what}\n  ${describe(shot, answer)}` });
    const sendStarted = Date.now();
    await inPool(all, IN_FLIGHT, async (shot) => {
      try {
        answers.set(shot, await post(shot));
      } catch (err) {
        problem(shot, `property 1: no answer (${(err as Error).message})`);
      }
    });
    const sendMs = Date.now() - sendStarted;
    assert.ok(
      Date.now() - T < MAX_RUN_MS,
      `the sends took over ${MAX_RUN_MS} ms, so the time-window cases are not sure (seed ${SEED})`,
    );

    // --- property 1, and the expectations of the contract ---
    const accepted: Shot[] = [];
    const statuses = new Map<number, number>();
    const byKind = new Map<string, { sent: number; accepted: number }>();
    for (const shot of all) {
      const answer = answers.get(shot);
      if (!answer) continue;
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const family = shot.case.kind.split('/')[0]!;
      const kind = byKind.get(family) ?? { sent: 0, accepted: 0 };
      kind.sent++;
      byKind.set(family, kind);
      if (answer.status === 202) {
        kind.accepted++;
        accepted.push(shot);
        if (shot.case.expect === 'reject')
          problem(shot, 'contract: accepted a beacon it must refuse');
      } else if (answer.status >= 400 && answer.status < 500) {
        if (shot.case.expect === 'accept') problem(shot, 'contract: refused a valid beacon');
      } else {
        problem(shot, `property 1: answered ${answer.status}, neither 202 nor 4xx`);
      }
    }
    t.diagnostic(`sent in ${sendMs} ms; answers ${JSON.stringify(Object.fromEntries(statuses))}`);
    t.diagnostic(
      `accepted ${accepted.length}/${all.length} (${((100 * accepted.length) / all.length).toFixed(1)}%); by family ` +
        JSON.stringify(
          Object.fromEntries([...byKind].map(([k, v]) => [k, `${v.accepted}/${v.sent}`])),
        ),
    );

    // --- what the 202s must have stored ---
    const metricsByKey = new Map<string, ExpectedMetric[]>();
    const errorsByKey = new Map<string, { shot: Shot; stored: ReturnType<typeof storedError> }>();
    const acceptedSessions = new Map<string, Shot>();
    let expectedErrors = 0;
    for (const shot of accepted) {
      let beacon: Beacon;
      let where: URL;
      try {
        beacon = parsedBeacon(shot.wire);
      } catch {
        problem(shot, 'contract: a 202 for a body that is not JSON');
        continue;
      }
      const project = pipeline.projects[shot.token % PROJECTS]!.id;
      const count = beacon.events.length + (beacon.errors?.length ?? 0);
      if (answers.get(shot)!.body !== JSON.stringify({ accepted: count }))
        problem(shot, `the 202 does not count the ${count} events and errors sent`);
      try {
        where = new URL(beacon.url);
      } catch {
        problem(shot, 'property 2: a 202 for a URL the workers cannot parse (the beacon is lost)');
        continue;
      }
      acceptedSessions.set(keyOf(project, beacon.sid), shot);
      const domain = where.host;
      const path = where.pathname || '/';
      for (const event of beacon.events) {
        const key = keyOf(project, beacon.sid, event.id, event.ts);
        const group = metricsByKey.get(key) ?? [];
        group.push({ shot, event, domain, path });
        metricsByKey.set(key, group);
      }
      for (const error of beacon.errors ?? []) {
        const stored = storedError(error);
        const key = keyOf(project, beacon.sid, error.ts);
        const seen = errorsByKey.get(key);
        // The generator gives the errors of a beacon distinct times, unless it copies one whole.
        if (seen && !isDeepStrictEqual(seen.stored, stored))
          throw new Error(`generator: two different errors share ${key} (seed ${SEED})`);
        if (!seen) {
          errorsByKey.set(key, { shot, stored });
          expectedErrors++;
        }
      }
    }

    // --- drain, then read everything back ---
    await pipeline.drained(5 * 60_000);
    const projectIds = pipeline.projects.map((p) => p.id);
    const { rows: metricRows } = await pipeline.db.pool.query<MetricDbRow>(
      `SELECT m.project_id, m.session_id, m.metric_id, m.time, m.name, m.value, m.delta, m.rating,
              m.navigation_type, m.attribution, w.domain, p.path
         FROM metrics m JOIN pages p ON p.id = m.page_id JOIN websites w ON w.id = m.website_id
        WHERE m.project_id = ANY($1)`,
      [projectIds],
    );
    const { rows: errorRows } = await pipeline.db.pool.query<ErrorDbRow>(
      `SELECT project_id, session_id, time, message, stack, source, line, col
         FROM js_errors WHERE project_id = ANY($1)`,
      [projectIds],
    );
    const { rows: deadLetters } = await pipeline.db.pool.query<{ reason: string; payload: string }>(
      'SELECT reason, payload FROM dead_letters ORDER BY id',
    );
    const failed = await pipeline.queue.getFailed();
    t.diagnostic(
      `stored ${metricRows.length} metrics (expected ${metricsByKey.size}), ${errorRows.length} errors ` +
        `(expected ${expectedErrors}); ${deadLetters.length} dead letters; ${failed.length} failed jobs`,
    );

    /** The accepted shot a stored session belongs to, else a finding naming the beacon it came from. */
    const owner = (project: number, sid: string, what: string): boolean => {
      if (acceptedSessions.has(keyOf(project, sid))) return true;
      const token = /~[0-9a-z]{5}/.exec(sid)?.[0];
      const from = all.find((s) => token && s.wire.decoded.toString('utf8').includes(token));
      const text = `property 3: a ${what} row of session ${preview(sid, 120)}, which no 202 sent`;
      if (from) problem(from, text);
      else problems.push({ what: text, kind: '?', text });
      return false;
    };

    // --- property 2 and 3: metrics ---
    const seenMetrics = new Set<string>();
    for (const row of metricRows) {
      if (!owner(row.project_id, row.session_id, 'metrics')) continue;
      const key = keyOf(row.project_id, row.session_id, row.metric_id, row.time.getTime());
      const group = metricsByKey.get(key);
      if (!group) {
        const shot = acceptedSessions.get(keyOf(row.project_id, row.session_id))!;
        problem(shot, `property 2: a metrics row that was not sent: ${JSON.stringify(row)}`);
        continue;
      }
      if (seenMetrics.has(key)) {
        problem(group[0]!.shot, `property 2: metric stored twice: ${key}`);
        continue;
      }
      seenMetrics.add(key);
      // The idempotency rule: the largest value of the reports of one key wins, with its fields.
      const largest = Math.max(...group.map((g) => g.event.value));
      const winners = group
        .filter((g) => g.event.value === largest)
        .map((g) => storedMetric(g.event));
      const stored = {
        value: row.value,
        delta: row.delta,
        rating: row.rating,
        attribution: row.attribution,
      };
      // value === compares -0 and 0 equal (JSON keeps -0, the float8 column does not).
      const valueMatches = winners.some(
        (w) =>
          w.value === stored.value &&
          isDeepStrictEqual({ ...w, value: 0 }, { ...stored, value: 0 }),
      );
      // Name, navigation type and page are those of the first report (an upsert does not change them).
      const firstMatches = group.some(
        (g) =>
          g.event.name === row.name &&
          (g.event.navigationType ?? null) === row.navigation_type &&
          g.domain === row.domain &&
          g.path === row.path,
      );
      if (!valueMatches || !firstMatches) {
        problem(
          group[0]!.shot,
          `property 2: metric stored differently from what was sent\n    stored:   ${JSON.stringify({ ...stored, name: row.name, navigationType: row.navigation_type, domain: row.domain, path: row.path })}` +
            `\n    expected: ${JSON.stringify(group.map((g) => ({ ...storedMetric(g.event), name: g.event.name, navigationType: g.event.navigationType ?? null, domain: g.domain, path: g.path })))}`,
        );
      }
    }
    for (const [key, group] of metricsByKey) {
      if (!seenMetrics.has(key)) problem(group[0]!.shot, `property 2: metric not stored: ${key}`);
    }

    // --- property 2 and 3: errors ---
    const seenErrors = new Set<string>();
    for (const row of errorRows) {
      if (!owner(row.project_id, row.session_id, 'js_errors')) continue;
      const key = keyOf(row.project_id, row.session_id, row.time.getTime());
      const sent = errorsByKey.get(key);
      const shot = sent?.shot ?? acceptedSessions.get(keyOf(row.project_id, row.session_id))!;
      const stored = {
        message: row.message,
        stack: row.stack,
        source: row.source,
        line: row.line,
        col: row.col,
      };
      if (!sent)
        problem(shot, `property 2: a js_errors row that was not sent: ${JSON.stringify(row)}`);
      else if (seenErrors.has(key)) problem(shot, `property 2: error stored twice: ${key}`);
      else if (!isDeepStrictEqual(stored, sent.stored))
        problem(
          shot,
          `property 2: error stored differently\n    stored:   ${JSON.stringify(stored)}\n    expected: ${JSON.stringify(sent.stored)}`,
        );
      seenErrors.add(key);
    }
    for (const [key, { shot }] of errorsByKey) {
      if (!seenErrors.has(key)) problem(shot, `property 2: error not stored: ${key}`);
    }

    // --- property 4 ---
    for (const job of failed.slice(0, 5)) {
      const text = `property 4: failed job ${job.id}: ${job.failedReason}`;
      problems.push({ what: 'property 4: failed job', kind: '-', text });
    }
    for (const letter of deadLetters) {
      const text = `property 4: dead letter: ${letter.reason.slice(0, 300)}\n    payload: ${preview(letter.payload)}`;
      problems.push({ what: 'property 4: dead letter', kind: '-', text });
    }

    t.diagnostic(`wall time ${Date.now() - started} ms`);
    if (problems.length > 0) {
      const summary = new Map<string, number>();
      for (const { what, kind } of problems) {
        const line = `${what.split('\n')[0]!.slice(0, 120)} [${kind.split('/')[0]}]`;
        summary.set(line, (summary.get(line) ?? 0) + 1);
      }
      // One example of each kind of finding first, then the rest in order.
      const firsts = new Map<string, string>();
      for (const { what, text } of problems) if (!firsts.has(what)) firsts.set(what, text);
      assert.fail(
        `${problems.length} findings (seed ${SEED}, replay with HOSTILE_SEED=${SEED}):\n` +
          [...summary].map(([line, n]) => `  ${n} × ${line}`).join('\n') +
          '\nExamples:\n' +
          [...firsts.values()].slice(0, 12).join('\n'),
      );
    }
  },
);
