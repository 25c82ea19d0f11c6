import test from 'node:test';
import assert from 'node:assert/strict';
import { bytes, chunks } from 'memkit';
import { assertComponentError, withoutLeaks } from './helpers.mjs';
import { crc32c } from '@aws-crypto/crc32c';

test('out-of-order chunks complete and finish hands over a byte-buffer', () => withoutLeaks(() => {
  const data = Uint8Array.from({ length: 100_000 }, (_, i) => i % 241);
  const a = chunks.ChunkAssembler.create(data.length, crc32c(data));
  for (let start = 98_000; start >= 0; start -= 7000) {
    a.writeAt(start, data.subarray(start, start + 7000));
  }
  assert.ok(a.isComplete());
  assert.equal(a.progress(), 1);
  const buffer = a.finish();
  assert.ok(buffer instanceof bytes.ByteBuffer);
  assert.deepEqual(buffer.toList(), data);
  buffer[Symbol.dispose]();
  a[Symbol.dispose]();
}));

test('progress of an empty transfer is 1, not NaN', () => withoutLeaks(() => {
  const a = new chunks.ChunkAssembler(0);
  assert.equal(a.progress(), 1);
  assert.ok(a.isComplete());
  a[Symbol.dispose]();
}));

test('missing spans are coalesced gaps', () => withoutLeaks(() => {
  const a = new chunks.ChunkAssembler(100);
  a.writeAt(10, new Uint8Array(10));
  a.writeAt(20, new Uint8Array(10));
  a.writeAt(50, new Uint8Array(5));
  assert.deepEqual(a.missing(), [{ offset: 0, len: 10 }, { offset: 30, len: 20 }, { offset: 55, len: 45 }]);
  assert.equal(a.received(), 25);
  assert.equal(a.totalSize(), 100);
  a[Symbol.dispose]();
}));

test('a differing overlap is invalid; an identical retry is accepted', () => withoutLeaks(() => {
  const a = new chunks.ChunkAssembler(8);
  a.append(new TextEncoder().encode('abcd'));
  a.writeAt(0, new TextEncoder().encode('abcd'));
  assertComponentError(() => a.writeAt(0, new TextEncoder().encode('abXd')), 'invalid');
  assert.equal(a.received(), 4);
  a[Symbol.dispose]();
}));

test('u32::MAX offsets and sizes are refused with typed errors', () => withoutLeaks(() => {
  const a = new chunks.ChunkAssembler(16);
  assertComponentError(() => a.writeAt(0xffff_ffff, new Uint8Array(1)), 'out-of-bounds', { offset: 0xffff_ffff, len: 1, size: 16 });
  assertComponentError(() => chunks.ChunkAssembler.create(0xffff_ffff), 'too-large', { requested: 0xffff_ffff, limit: 2 ** 30 });
  const refusing = new chunks.ChunkAssembler(0xffff_ffff);
  assertComponentError(() => refusing.append(new Uint8Array(1)), 'too-large');
  assertComponentError(() => refusing.finish(), 'too-large');
  refusing[Symbol.dispose]();
  a[Symbol.dispose]();
}));

test('finish refuses an incomplete transfer and a wrong CRC', () => withoutLeaks(() => {
  const digits = new TextEncoder().encode('123456789');
  const a = chunks.ChunkAssembler.create(9, 0);
  a.append(digits.subarray(0, 4));
  assertComponentError(() => a.finish(), 'invalid');
  a.append(digits.subarray(4));
  assertComponentError(() => a.finish(), 'invalid');
  a[Symbol.dispose]();
}));
