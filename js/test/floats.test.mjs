import test from 'node:test';
import assert from 'node:assert/strict';
import { floats } from 'memkit-article';
import { assertComponentError, withoutLeaks } from './helpers.mjs';

test('every float-buffer method with Float32Array in and out', () => withoutLeaks(() => {
  const f = new floats.FloatBuffer(4);
  f.set(new Float32Array([1, -2, 3]));
  f.append(new Float32Array([4]));
  assert.equal(f.len(), 4);
  const part = f.read(1, 2);
  assert.ok(part instanceof Float32Array);
  assert.deepEqual(part, new Float32Array([-2, 3]));
  f.apply('abs');
  f.scale(2);
  assert.deepEqual(f.toList(), new Float32Array([2, 4, 6, 8]));
  assert.equal(f.sum(), 20);
  assert.deepEqual(f.stats(), { len: 4, min: 2, max: 8, mean: 5, sum: 20 });
  assert.equal(f.dot(f), 4 + 16 + 36 + 64);
  for (const [op, x, y] of [['sqrt', 16, 4], ['square', -3, 9], ['neg', 1, -1], ['sin', 0, 0], ['cos', 0, 1], ['tan', 0, 0]]) {
    f.set(new Float32Array([x]));
    f.apply(op);
    assert.deepEqual(f.toList(), new Float32Array([y]), op);
  }
  f[Symbol.dispose]();
}));

test('process is tan(cos(sin x)) in f32', () => withoutLeaks(() => {
  const input = Float32Array.from({ length: 1000 }, (_, i) => i * 0.01 - 5);
  const f = floats.FloatBuffer.fromList(input);
  f.process();
  const out = f.toList();
  input.forEach((x, i) => {
    const expected = Math.fround(Math.tan(Math.cos(Math.sin(x))));
    assert.ok(Math.abs(out[i] - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `${x}: ${out[i]} vs ${expected}`);
  });
  f[Symbol.dispose]();
}));

test('sum keeps precision a Float32 running sum loses', () => withoutLeaks(() => {
  const f = floats.FloatBuffer.fromList(new Float32Array(20 * 2 ** 20).fill(1));
  assert.equal(f.sum(), 20 * 2 ** 20);
  f[Symbol.dispose]();
}));

test('NaN and infinities are values, never errors', () => withoutLeaks(() => {
  const f = floats.FloatBuffer.fromList(new Float32Array([NaN, Infinity, -1, -Infinity]));
  assert.ok(Number.isNaN(f.sum()));
  const stats = f.stats();
  assert.equal(stats.min, -Infinity);
  assert.equal(stats.max, Infinity);
  f.process();
  f.scale(NaN);
  assert.ok(f.toList().every(Number.isNaN));
  f[Symbol.dispose]();
}));

test('empty buffer: sum 0, stats undefined', () => withoutLeaks(() => {
  const f = new floats.FloatBuffer(0);
  assert.equal(f.sum(), 0);
  assert.equal(f.stats(), undefined);
  f[Symbol.dispose]();
}));

test('dot of mismatched lengths is invalid; bad ranges are out-of-bounds', () => withoutLeaks(() => {
  const a = floats.FloatBuffer.fromList(new Float32Array([1, 2]));
  const b = floats.FloatBuffer.fromList(new Float32Array([1, 2, 3]));
  assertComponentError(() => a.dot(b), 'invalid');
  assertComponentError(() => a.read(1, 0xffff_ffff), 'out-of-bounds', { offset: 1, len: 0xffff_ffff, size: 2 });
  a[Symbol.dispose]();
  b[Symbol.dispose]();
}));

test('take moves the floats out and consumes the handle', () => withoutLeaks(() => {
  const buffer = floats.FloatBuffer.fromList(new Float32Array([1, 2, 3.5]));
  buffer.scale(2);
  assert.deepEqual(floats.FloatBuffer.take(buffer), new Float32Array([2, 4, 7]));
  assert.throws(() => buffer.len(), 'a taken handle is no longer usable');
}));
