import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS } from '@rum/contract';
import { stripUrl } from '../src/lib/stripUrl.ts';

test('drops the query string and the fragment', () => {
  assert.equal(
    stripUrl('https://shop.example/cart?email=a@b.c&token=1#pay'),
    'https://shop.example/cart',
  );
  assert.equal(stripUrl('https://shop.example/#/route'), 'https://shop.example/');
});

test('keeps them with keepQuery', () => {
  assert.equal(
    stripUrl('https://shop.example/s?q=shoes#top', true),
    'https://shop.example/s?q=shoes#top',
  );
});

test('caps the length without leaving a cut percent-escape', () => {
  const long = 'https://example.com/' + '%20'.repeat(1000);
  const out = stripUrl(long);
  assert.ok(out.length <= LIMITS.url);
  assert.match(out, /(%20)+$/);
});
