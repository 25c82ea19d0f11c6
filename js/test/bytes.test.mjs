import test from 'node:test';
import assert from 'node:assert/strict';
import { bytes } from 'memkit';
import { assertComponentError, withoutLeaks } from './helpers.mjs';

const U32_MAX = 0xffff_ffff;

test('every byte-buffer method with Uint8Array in and out', () => withoutLeaks(() => {
  const b = new bytes.ByteBuffer(16);
  assert.equal(b.len(), 0);
  assert.ok(b.capacity() >= 16);
  b.append(new TextEncoder().encode('hello world'));
  const read = b.read(6, 5);
  assert.ok(read instanceof Uint8Array);
  assert.equal(new TextDecoder().decode(read), 'world');
  b.writeAt(6, new TextEncoder().encode('WASM!!'));
  b.fill(0, 5, 42);
  b.copyWithin(6, 0, 4);
  assert.equal(new TextDecoder().decode(b.toList()), 'WASM* WASM!!');
  b.truncate(4);
  assert.equal(b.len(), 4);
  b.reserve(4096);
  assert.ok(b.capacity() >= 4100);
  b.clear();
  assert.equal(b.len(), 0);
  b[Symbol.dispose]();
}));

test('a mebibyte round-trips unchanged', () => withoutLeaks(() => {
  const data = new Uint8Array(1 << 20).map((_, i) => (i * 31) % 251);
  const b = bytes.ByteBuffer.fromList(data);
  assert.deepEqual(b.toList(), data);
  b[Symbol.dispose]();
}));

test('ranges past the end or overflowing u32 are out-of-bounds errors', () => withoutLeaks(() => {
  const b = bytes.ByteBuffer.fromList(new Uint8Array([1, 2, 3, 4, 5, 6]));
  assertComponentError(() => b.read(2, 5), 'out-of-bounds', { offset: 2, len: 5, size: 6 });
  assertComponentError(() => b.read(U32_MAX, 2), 'out-of-bounds', { offset: U32_MAX, len: 2, size: 6 });
  assertComponentError(() => b.read(2, U32_MAX), 'out-of-bounds');
  assertComponentError(() => b.fill(U32_MAX, U32_MAX, 0), 'out-of-bounds');
  assertComponentError(() => b.copyWithin(0, U32_MAX, 2), 'out-of-bounds');
  assertComponentError(() => b.writeAt(7, new Uint8Array(1)), 'out-of-bounds', { offset: 7, len: 1, size: 6 });
  assert.deepEqual(b.toList(), new Uint8Array([1, 2, 3, 4, 5, 6]), 'failed calls change nothing');
  b[Symbol.dispose]();
}));

test('an empty buffer answers every call', () => withoutLeaks(() => {
  const b = bytes.ByteBuffer.fromList(new Uint8Array(0));
  assert.deepEqual(b.toList(), new Uint8Array(0));
  assert.deepEqual(b.read(0, 0), new Uint8Array(0));
  assertComponentError(() => b.read(0, 1), 'out-of-bounds');
  b.truncate(U32_MAX);
  b.clear();
  b[Symbol.dispose]();
}));

test('reserve past u32 is too-large; a huge capacity hint never throws', () => withoutLeaks(() => {
  const b = bytes.ByteBuffer.fromList(new Uint8Array(3));
  assertComponentError(() => b.reserve(U32_MAX), 'too-large', { requested: U32_MAX, limit: U32_MAX - 3 });
  const hinted = new bytes.ByteBuffer(U32_MAX);
  assert.equal(hinted.len(), 0);
  hinted[Symbol.dispose]();
  b[Symbol.dispose]();
}));

test('reserve of 3 GiB is out-of-memory and the instance keeps working', () => withoutLeaks(() => {
  const b = bytes.ByteBuffer.fromList(new Uint8Array([9]));
  assertComponentError(() => b.reserve(3 * 2 ** 30), 'out-of-memory', 3 * 2 ** 30);
  b.append(new Uint8Array([8]));
  assert.deepEqual(b.toList(), new Uint8Array([9, 8]));
  b[Symbol.dispose]();
}));

test('take moves the bytes out and consumes the handle', () => withoutLeaks(() => {
  const data = new Uint8Array(1 << 20).map((_, i) => (i * 7) % 253);
  const buffer = bytes.ByteBuffer.fromList(data);
  assert.deepEqual(bytes.ByteBuffer.take(buffer), data);
  assert.throws(() => buffer.len(), 'a taken handle is no longer usable');
}));
