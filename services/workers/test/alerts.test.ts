/**
 * Alert rules end to end on two real worker processes (the workers service, spawned twice, on a
 * real embedded TimescaleDB and real Redis), with a local HTTP receiver as the webhook: a
 * simulated regression fires exactly one signed notification, good traffic resolves it with
 * exactly one more, a receiver that is down gets the change once it is back, and a deleted
 * rule never notifies. The evaluation interval is shortened to half a second for the test.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Bull from 'bull';
import { type AlertNotification, type CollectJob, type DeviceType } from '@rum/contract';
import {
  createAlertRule,
  deleteAlertRule,
  listAlertEvents,
  listAlertRules,
  unpublishIngestKey,
  type AlertRuleInput,
  type Redis,
} from '@rum/server-kit';
import {
  connectTestRedis,
  createTestProject,
  startTestDatabase,
  uniqueName,
  type TestDatabase,
  type TestProject,
} from '@rum/testing';
import {
  accepted,
  addJob,
  beacon,
  dropQueue,
  event,
  connectProjectRoom,
  producerQueue,
  SAFARI_IPHONE_UA,
  startWorkerChild,
  waitFor,
  type WorkerChild,
} from './support.ts';

const INTERVAL_MS = 500;

let db: TestDatabase;
let redis: Redis;
let project: TestProject;
let queueName: string;
let producer: Bull.Queue<CollectJob>;
const children: WorkerChild[] = [];
const receivers: Receiver[] = [];

async function startWorkerProcess(): Promise<void> {
  const child = startWorkerChild(
    db.url,
    { queueName },
    { ALERT_INTERVAL_MS: String(INTERVAL_MS), DASHBOARD_URL: 'https://rum.example.com/' },
  );
  children.push(child);
  await child.line(/^ready$/);
}

before(async () => {
  db = await startTestDatabase();
  redis = connectTestRedis();
  project = await createTestProject(db.pool, redis);
  queueName = uniqueName('rum-collect-alerts');
  producer = producerQueue(queueName);
  // Two worker processes: every state change must still be notified exactly once.
  await Promise.all([startWorkerProcess(), startWorkerProcess()]);
});

after(async () => {
  for (const child of children) child.process.kill('SIGTERM');
  await Promise.all(children.map((c) => c.exited));
  for (const r of receivers) await r.close();
  await dropQueue(producer);
  for (const suffix of ['-alert-evaluation', '-alert-delivery'])
    await dropQueue(producerQueue(queueName + suffix));
  await unpublishIngestKey(redis, project.ingestKey);
  redis.disconnect();
  await db.stop();
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered. */
  status: number;
}

interface Receiver {
  url: string;
  /** Every request, answered or refused. */
  requests: Received[];
  /** The notifications it accepted (answered 2xx), parsed. */
  accepted(): AlertNotification[];
  setUp(up: boolean): void;
  close(): Promise<void>;
}

async function startReceiver(up = true): Promise<Receiver> {
  let answering = up;
  const requests: Received[] = [];
  const server: HttpServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = answering ? 204 : 503;
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString(), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests,
    accepted: () =>
      requests.filter((r) => r.status === 204).map((r) => JSON.parse(r.body) as AlertNotification),
    setUp: (value) => (answering = value),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  receivers.push(receiver);
  return receiver;
}

/** Beacons of `n` LCP samples of `value` ms from phones (or desktops), measured now. */
async function sendLcp(n: number, value: number, device: DeviceType = 'mobile'): Promise<void> {
  const now = Date.now();
  const job = await addJob(producer, {
    beacons: Array.from({ length: n }, (_, i) =>
      accepted(
        project,
        beacon({
          url: 'https://shop.example.com/products/42',
          events: [event({ name: 'LCP', value, ts: now - i })],
          device: { type: device },
        }),
        { receivedAt: now, userAgent: SAFARI_IPHONE_UA },
      ),
    ),
  });
  await job.finished();
}

/** Lets `n` evaluation intervals pass. */
const cycles = (n: number) => new Promise((resolve) => setTimeout(resolve, n * INTERVAL_MS));

function rule(receiver: Receiver, overrides: Partial<AlertRuleInput> = {}): AlertRuleInput {
  return {
    project: project.project,
    metric: 'LCP',
    stat: 'p75',
    above: 2500,
    window: '5m',
    device: 'mobile',
    minSamples: 20,
    webhook: receiver.url,
    ...overrides,
  };
}

test('a regression on mobile fires one signed notification; good traffic resolves it with one more', async () => {
  const receiver = await startReceiver();
  const created = await createAlertRule(db.pool, rule(receiver));
  const live = await connectProjectRoom(project.project);
  const heard: AlertNotification[] = [];
  live.client.on('alerts', (n: AlertNotification) => heard.push(n));

  // Fast phones and slow desktops: the rule watches phones only, so nothing fires.
  await sendLcp(30, 1200);
  await sendLcp(50, 9000, 'desktop');
  await cycles(4);
  assert.equal(receiver.requests.length, 0, 'slow desktops do not fire a mobile rule');
  const [watching] = await listAlertRules(db.pool, project.id);
  assert.equal(watching!.state, 'ok');
  assert.equal(watching!.last!.samples, 30, 'the rule reads phones only');

  // The regression: 40 phones at 6 s. p75 of 30 x 1200 and 40 x 6000 is 6000.
  await sendLcp(40, 6000);
  const firing = await waitFor('the firing notification', async () => receiver.accepted()[0]);
  assert.equal(firing.state, 'firing');
  assert.equal(firing.rule.id, created.id);
  assert.equal(firing.value, 6000, 'the p75 of what was sent');
  assert.equal(firing.samples, 70);
  assert.equal(firing.threshold, 2500);
  assert.deepEqual(firing.filters, { device: 'mobile' });
  assert.match(
    firing.text,
    /FIRING.*LCP p75 on mobile is 6,000 ms \(threshold 2,500 ms, last 5m, 70 samples\)/,
  );
  assert.equal(
    firing.dashboardUrl,
    `https://rum.example.com/?project=${project.project}&metric=LCP&range=24h&device=mobile`,
  );
  const request = receiver.requests[0]!;
  assert.equal(request.headers['idempotency-key'], firing.id);
  assert.equal(
    request.headers['x-rum-signature'],
    `sha256=${createHmac('sha256', created.secret).update(request.body).digest('hex')}`,
    'the signature is the HMAC-SHA256 of the body under the rule secret',
  );
  assert.deepEqual(
    await waitFor('an alerts event', async () => heard[0]),
    firing,
    'the dashboard hears the same notification',
  );

  // Still breaching: no second notification, from either process.
  await cycles(6);
  assert.equal(receiver.requests.length, 1, 'one notification per state change');

  // Fixed: 300 fast phones bring p75 back to 1200.
  await sendLcp(300, 1200);
  const resolved = await waitFor('the resolved notification', async () => receiver.accepted()[1]);
  assert.equal(resolved.state, 'resolved');
  assert.equal(resolved.value, 1200);
  assert.match(resolved.text, /RESOLVED/);
  await cycles(6);
  assert.equal(receiver.requests.length, 2, 'exactly one notification per state change');
  const events = await listAlertEvents(db.pool, project.id, 10);
  assert.deepEqual(
    events.filter((e) => e.rule === created.id).map((e) => [e.state, e.delivery.state]),
    [
      ['resolved', 'delivered'],
      ['firing', 'delivered'],
    ],
  );
  await live.close();
  await deleteAlertRule(db.pool, created.id);
});

test('a receiver that is down when the rule fires gets the notification once it is back', async () => {
  const receiver = await startReceiver(false);
  // Phones are at p75 1200 now: a 1000 ms budget is breached.
  const created = await createAlertRule(db.pool, rule(receiver, { above: 1000 }));
  await sendLcp(20, 1200);
  await waitFor('a refused attempt', async () => receiver.requests[0]);
  await waitFor('a retry', async () => receiver.requests[1]);
  assert.equal(receiver.accepted().length, 0);
  receiver.setUp(true);
  const delivered = await waitFor('the delivery', async () => receiver.accepted()[0]);
  assert.equal(delivered.state, 'firing');
  await cycles(6);
  assert.equal(receiver.accepted().length, 1, 'delivered once');
  assert.ok(
    receiver.requests.every((r) => r.headers['idempotency-key'] === delivered.id),
    'every attempt carries the same idempotency key',
  );
  const [event] = (await listAlertEvents(db.pool, project.id, 10)).filter(
    (e) => e.rule === created.id,
  );
  assert.equal(event!.delivery.state, 'delivered');
  assert.equal(event!.delivery.attempts, receiver.requests.length);
  await deleteAlertRule(db.pool, created.id);
});

test('a deleted rule never notifies, not even a change it had not delivered yet', async () => {
  const receiver = await startReceiver(false);
  const created = await createAlertRule(db.pool, rule(receiver, { above: 1000 }));
  await sendLcp(20, 1200);
  await waitFor('a refused attempt', async () => receiver.requests[0]);
  await deleteAlertRule(db.pool, created.id);
  const attempts = receiver.requests.length;
  receiver.setUp(true);
  await cycles(8);
  assert.equal(receiver.accepted().length, 0);
  assert.ok(receiver.requests.length <= attempts + 1, 'at most an attempt already under way');

  const never = await startReceiver();
  const gone = await createAlertRule(db.pool, rule(never, { above: 0, minSamples: 1 }));
  await deleteAlertRule(db.pool, gone.id);
  await sendLcp(5, 1200);
  await cycles(6);
  assert.equal(never.requests.length, 0);
});
