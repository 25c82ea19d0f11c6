import test from 'node:test';
import assert from 'node:assert/strict';
import { memory, points } from 'memkit-article';
import { assertComponentError, withoutLeaks } from './helpers.mjs';

test('a point put back in the pool is handed out again, and a get then allocates nothing', () => withoutLeaks(() => {
  const pool = new points.PointPool(4);
  pool.put(pool.get(1, 2, 3));
  const before = memory.info().liveAllocations;
  const again = pool.get(4, 5, 6);
  assert.equal(memory.info().liveAllocations, before);
  assert.deepEqual(again.toRecord(), { x: 4, y: 5, z: 6 });
  assert.equal(pool.size(), 0);
  again[Symbol.dispose]();
  pool[Symbol.dispose]();
}));

test('points, the point pool and path-length', () => withoutLeaks(() => {
  const a = new points.Point(0, 0, 0);
  const pool = new points.PointPool(1);
  const b = pool.get(3, 4, 0);
  assert.equal(a.distanceTo(b), 5);
  a.reset(1, 2, 3);
  assert.deepEqual([a.x(), a.y(), a.z()], [1, 2, 3]);
  assert.deepEqual(a.toRecord(), { x: 1, y: 2, z: 3 });
  pool.put(b);
  pool.put(a);
  assert.equal(pool.size(), 1);
  const reused = pool.get(7, 8, 9);
  assert.deepEqual(reused.toRecord(), { x: 7, y: 8, z: 9 });
  reused[Symbol.dispose]();
  pool[Symbol.dispose]();
  const line = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: 0, z: 0 }));
  assert.equal(points.pathLength(line), 999);
  assert.equal(points.pathLength([]), 0);
  assert.ok(Number.isNaN(points.pathLength([{ x: NaN, y: 0, z: 0 }, { x: 0, y: 0, z: 0 }])));
}));

test('pathLengthXyz takes a Float64Array and agrees with pathLength', () => {
  const path = Array.from({ length: 1000 }, (_, i) => ({ x: Math.cos(i / 100), y: Math.sin(i / 100), z: i / 100 }));
  const coords = Float64Array.from(path.flatMap((p) => [p.x, p.y, p.z]));
  assert.equal(points.pathLengthXyz(coords), points.pathLength(path));
  assert.equal(points.pathLengthXyz(new Float64Array(0)), 0);
  assertComponentError(() => points.pathLengthXyz(new Float64Array(4)), 'invalid');
});
