import test from 'node:test';
import assert from 'node:assert/strict';
import { bytes, memory } from 'memkit';

test('memory.info counts allocations in u64 (BigInt) fields', () => {
  const info = memory.info();
  assert.equal(typeof info.pages, 'number');
  assert.equal(info.totalBytes, BigInt(info.pages) * 65536n);
  assert.equal(info.freeBytes, info.totalBytes - info.usedBytes);
  const buffer = new bytes.ByteBuffer(1 << 20);
  assert.ok(memory.info().usedBytes >= info.usedBytes + (1n << 20n));
  assert.ok(memory.info().peakUsedBytes >= info.usedBytes + (1n << 20n));
  buffer[Symbol.dispose]();
  assert.equal(memory.info().usedBytes, info.usedBytes, 'Symbol.dispose releases the buffer');
});

test('a disposed handle refuses further calls with a TypeError', () => {
  const buffer = bytes.ByteBuffer.fromList(new Uint8Array([1, 2, 3]));
  buffer[Symbol.dispose]();
  assert.throws(() => buffer.len(), TypeError);
});

test('ten thousand create/append/dispose cycles leak nothing', () => {
  const start = memory.info().usedBytes;
  for (let i = 0; i < 10_000; i++) {
    const buffer = bytes.ByteBuffer.fromList(new Uint8Array(100).fill(i));
    buffer.append(new Uint8Array(300));
    buffer[Symbol.dispose]();
  }
  assert.equal(memory.info().usedBytes, start);
});
