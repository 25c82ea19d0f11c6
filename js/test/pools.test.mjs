import test from 'node:test';
import assert from 'node:assert/strict';
import { memory, pools } from 'memkit';
import { assertComponentError, withoutLeaks } from './helpers.mjs';

test('acquire/release reuses buffers and counts hits and misses', () => withoutLeaks(() => {
  const pool = new pools.BufferPool();
  const b = pool.acquire(100);
  assert.equal(b.len(), 0);
  assert.equal(b.capacity(), 256);
  b.append(new TextEncoder().encode('pooled'));
  assert.equal(new TextDecoder().decode(b.read(0, 6)), 'pooled');
  pool.release(b);
  assert.throws(() => b.len(), TypeError, 'release takes the handle');
  const again = pool.acquire(200);
  assert.equal(again.len(), 0);
  const stats = pool.stats();
  assert.deepEqual(stats.classes, new Uint32Array([64, 256, 1024, 4096, 16384, 65536]));
  assert.deepEqual([stats.hits, stats.misses, stats.released, stats.discarded], [1n, 1n, 1n, 0n]);
  again[Symbol.dispose]();
  pool[Symbol.dispose]();
}));

test('10 000 cycles miss only for the buffers live at once', () => withoutLeaks(() => {
  const pool = new pools.BufferPool();
  for (let i = 0; i < 5000; i++) {
    const a = pool.acquire(1000);
    const b = pool.acquire(1000);
    a.append(new Uint8Array(500));
    pool.release(a);
    pool.release(b);
  }
  const stats = pool.stats();
  assert.equal(stats.misses, 2n);
  assert.equal(stats.hits, 9998n);
  assert.equal(stats.retainedBytes, 2048n);
  pool[Symbol.dispose]();
}));

test('pool memory is exactly what retained-bytes says', () => withoutLeaks(() => {
  const pool = new pools.BufferPool();
  const empty = memory.info().usedBytes;
  for (let i = 0; i < 2000; i++) pool.release(pool.acquire(i * 37 % 70_000));
  assert.equal(memory.info().usedBytes, empty + pool.stats().retainedBytes);
  pool[Symbol.dispose]();
}));

test('with-classes validates its input', () => {
  for (const classes of [[], [0, 64], [64, 64], [128, 64], [0xffff_ffff]]) {
    assertComponentError(() => pools.BufferPool.withClasses(new Uint32Array(classes), 4), 'invalid');
  }
  assertComponentError(() => pools.BufferPool.withClasses(new Uint32Array([64]), 0xffff_ffff), 'too-large', { requested: 0xffff_ffff, limit: 4096 });
  assertComponentError(() => new pools.BufferPool().acquire(0xffff_ffff), 'out-of-memory', 0xffff_ffff);
});
