import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readView, viewSearch } from '../src/lib/view-url.ts';

test("an alert's link names the project, the metric, the range and the rule's slice", () => {
  assert.deepEqual(
    readView('?project=demo&metric=LCP&range=24h&device=mobile&route=%2Fproducts%2F%3Aid'),
    {
      project: 'demo',
      metric: 'LCP',
      filters: { range: '24h', device: 'mobile', page: '/products/:id' },
    },
  );
});

test('every filter is read; unknown metrics, ranges and navigation types are left out', () => {
  assert.deepEqual(
    readView(
      '?metric=XYZ&range=5y&navigationType=teleport&page=/a&route=/b&browser=Chrome&country=FR&release=v1.2',
    ),
    {
      project: undefined,
      metric: undefined,
      filters: { range: '24h', page: '/a', browser: 'Chrome', country: 'FR', release: 'v1.2' },
    },
  );
  assert.deepEqual(readView('?navigationType=reload&range=7d').filters, {
    range: '7d',
    navigationType: 'reload',
  });
});

test('the view written to the address bar reads back the same', () => {
  const filters = {
    range: '7d',
    device: 'mobile',
    page: '/products/:id',
    release: 'v1.2',
    navigationType: 'reload',
  } as const;
  const search = viewSearch('demo', 'INP', filters);
  assert.equal(
    search,
    '?project=demo&metric=INP&range=7d&page=%2Fproducts%2F%3Aid&device=mobile&release=v1.2&navigationType=reload',
  );
  assert.deepEqual(readView(search), { project: 'demo', metric: 'INP', filters });
});
