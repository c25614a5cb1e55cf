/**
 * The replacer makes every string one the ingest API can store exactly: the schema refuses
 * the whole beacon for one U+0000 or unpaired surrogate anywhere (keys included).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS, isStorableText, type BeaconError, type BeaconEvent } from '@rum/contract';
import { validateBeacon } from '@rum/contract/schema';
import { clipStrings } from '../src/lib/clipStrings.ts';
import { splitBatch } from '../src/lib/splitBatch.ts';

/** What the ingest API parses out of the SDK's JSON. */
const sent = <T>(value: T): T => JSON.parse(JSON.stringify(value, clipStrings)) as T;
const message = (text: string) => sent({ message: text }).message;

test('U+0000 becomes U+FFFD', () => {
  assert.equal(message('a\0b\0'), 'a\uFFFDb\uFFFD');
});

test('unpaired high and low surrogates become U+FFFD, one code unit for one; pairs stay', () => {
  assert.equal(message('a\uD800b'), 'a\uFFFDb', 'lone high');
  assert.equal(message('\uDC00a'), '\uFFFDa', 'lone low');
  assert.equal(message('a\uDBFF'), 'a\uFFFD', 'high at the end');
  assert.equal(message('\uDC00\uD800'), '\uFFFD\uFFFD', 'low then high is not a pair');
  assert.equal(message('ok 😀 \uD83D\uDE00'), 'ok 😀 😀', 'pairs are kept');
});

test('a pair cut in half by the cap becomes U+FFFD and the cap still holds', () => {
  const text = sent({
    message: 'x'.repeat(LIMITS.message - 1) + '😀',
    stack: '\0'.repeat(LIMITS.stack + 5),
    target: 'y'.repeat(LIMITS.attributionValue - 1) + '\uD83D\uDE00',
  });
  assert.equal(text.message.length, LIMITS.message);
  assert.equal(text.message.at(-1), '\uFFFD');
  assert.equal(text.stack, '\uFFFD'.repeat(LIMITS.stack));
  assert.equal(text.target.length, LIMITS.attributionValue);
  assert.ok([text.message, text.stack, text.target].every(isStorableText));
});

test('a property whose key is not storable is dropped (beforeSend output), the rest kept', () => {
  assert.deepEqual(
    sent({ attribution: { target: '#a', 'bad\0': 1, ['lone\uD800']: 'x', '😀': 2 }, v: 3 }),
    { attribution: { target: '#a', '😀': 2 }, v: 3 },
  );
  assert.deepEqual(sent({ ['\uDC00']: { deep: 'gone with its key' }, ok: true }), { ok: true });
});

test('a beacon carrying such text from the page is accepted once sent', () => {
  const selector = '#hero\0\uD800>img'; // an element id is any DOM string
  const text = 'boom\0 \uDC00 '.padEnd(LIMITS.message - 1, 'z') + '😀'; // cut inside the pair
  const event: BeaconEvent = {
    id: 'v6-1',
    name: 'LCP',
    value: 1200,
    ts: Date.now(),
    attribution: { element: selector, ['k\0']: 1 },
  };
  const error: BeaconError = { message: text, stack: 'Error: ' + text, ts: Date.now() };
  const base = { sid: 's1', url: 'https://example.com/p' };
  const unsent = JSON.parse(JSON.stringify({ ...base, events: [event], errors: [error] }));
  assert.match(validateBeacon(unsent).error!, /U\+0000 or an unpaired UTF-16 surrogate/);

  const [body, ...more] = splitBatch(base, [event, error]);
  assert.equal(more.length, 0);
  const received = JSON.parse(body!);
  assert.equal(validateBeacon(received).error, undefined);
  assert.deepEqual(received.events[0].attribution, { element: '#hero\uFFFD\uFFFD>img' });
  assert.equal(
    received.errors[0].message,
    'boom\uFFFD \uFFFD '.padEnd(LIMITS.message - 1, 'z') + '\uFFFD',
  );
  assert.equal(
    received.errors[0].stack,
    'Error: boom\uFFFD \uFFFD '.padEnd(LIMITS.message + 6, 'z') + '😀',
  );
});

test('the release is cut to its contract cap, which the schema accepts', () => {
  const release = 'v1.2.3+' + 'b'.repeat(LIMITS.release * 2);
  const [body] = splitBatch({ sid: 's1', url: 'https://example.com/p', release }, [
    { id: 'v6-1', name: 'LCP', value: 1200, ts: Date.now() },
  ]);
  const beacon = JSON.parse(body!);
  assert.equal(beacon.release, release.slice(0, LIMITS.release));
  assert.equal(validateBeacon(beacon).error, undefined);
});

test('an empty string is left out (an empty release is none), except an empty message', () => {
  assert.deepEqual(sent({ release: '', stack: '', source: 'a.js', message: '' }), {
    source: 'a.js',
    message: 'Error',
  });
  const event: BeaconEvent = { id: 'v6-1', name: 'LCP', value: 1200, ts: Date.now() };
  for (const release of ['', undefined]) {
    const beacon = JSON.parse(
      splitBatch({ sid: 's1', url: 'https://e.com/', release }, [event])[0]!,
    );
    assert.equal('release' in beacon, false, `release ${JSON.stringify(release)}: no field`);
    assert.equal(validateBeacon(beacon).error, undefined);
  }
});
