// Smoke test of the baseline bindings: each of the benchmark's 8 jobs once, with its result
// checked, plus the rest of the article's API. Build first (xtask's baseline::build), then:
//   node bench/baseline/smoke.mjs [pkg-dir]      (default: target/baseline/pkg)
// Exits non-zero when a check fails.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkgDir = process.argv[2]
  ? pathToFileURL(resolve(process.argv[2]) + '/')
  : new URL('../../target/baseline/pkg/', import.meta.url);
const wasm = await import(new URL('memkit_baseline.js', pkgDir));
// The web target's glue: synchronous instantiation from the bytes (the page uses `init()`).
wasm.initSync({ module: readFileSync(new URL('memkit_baseline_bg.wasm', pkgDir)) });
const {
  ByteBuffer, FloatBuffer, DataChunk, Person, Company, BinaryData, MemoryPool, Point3DPool,
  Point3D, process_string_zero_copy, get_memory_info,
} = wasm;

let passed = 0;
let failed = 0;
function check(name, body) {
  try {
    body();
    passed++;
    console.log(`ok - ${name}`);
  } catch (error) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(error?.stack ?? error).split('\n').join('\n  ')}`);
  }
}

const MiB = 1 << 20;

// 1. Bytes: 1 MiB in and out. `to_js_array` is a view into linear memory: copy it at once.
check('bytes: 1 MiB in, out', () => {
  const input = new Uint8Array(MiB);
  for (let i = 0; i < input.length; i++) input[i] = (i * 31 + 7) & 0xff;
  const buffer = new ByteBuffer(input.length);
  buffer.from_js_array(input);
  assert.equal(buffer.len(), MiB);
  const output = buffer.to_js_array().slice();
  assert.deepEqual(output, input);
  buffer.free();
});

// 2. Floats: 1M values in, tan(cos(sin(x))) in f32, read out, f32 running sum.
check('floats: 1M process, read out, sum', () => {
  const n = 1_000_000;
  const input = new Float32Array(n);
  for (let i = 0; i < n; i++) input[i] = Math.sin(i * 0.01) * 10;
  const buffer = new FloatBuffer(n);
  buffer.from_js_array(input);
  buffer.process_data();
  const output = buffer.to_js_array().slice();
  const sum = buffer.sum();
  assert.equal(output.length, n);
  let running = 0; // the article's sum: in order, rounded to f32 at every step
  for (let i = 0; i < n; i++) {
    const expected = Math.tan(Math.cos(Math.sin(input[i])));
    const tolerance = 4e-7 * Math.max(1, Math.abs(expected)); // libm f32 against f64
    if (Math.abs(output[i] - expected) > tolerance) {
      assert.fail(`process_data[${i}]: ${output[i]}, expected ${expected}`);
    }
    running = Math.fround(running + output[i]);
  }
  assert.equal(sum, running);
  buffer.free();
});

// 3. Records: a 64 KiB payload serialized and deserialized; the checksum is the byte sum.
check('records: 64 KiB serialize + deserialize', () => {
  const header = new Uint8Array(16).fill(0xaa);
  const payload = new Uint8Array(64 * 1024);
  for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
  const record = new BinaryData();
  record.set_header(header);
  record.set_payload(payload);
  const bytes = record.serialize();
  assert.ok(bytes instanceof Uint8Array);
  assert.equal(bytes.length, 16 + 4 + payload.length + 4);
  const restored = BinaryData.deserialize(bytes);
  assert.deepEqual(restored.get_header(), header);
  assert.deepEqual(restored.get_payload(), payload);
  const sum = [...header, ...payload].reduce((s, b) => (s + b) >>> 0, 0);
  assert.equal(restored.get_checksum(), sum);
  assert.equal(record.get_checksum(), sum);
  record.free();
  restored.free();
});

// 4. People: a company of 1000 built one call per person, to JSON, back.
check('people: company of 1000, to JSON, back', () => {
  const company = new Company('Tech Corp', 2020);
  for (let i = 0; i < 1000; i++) {
    company.add_employee(new Person(`Person ${i}`, 20 + (i % 40), `p${i}@example.com`));
  }
  assert.equal(company.employee_count(), 1000);
  const json = company.to_json();
  const parsed = JSON.parse(json);
  assert.equal(parsed.name, 'Tech Corp');
  assert.equal(parsed.founded_year, 2020);
  assert.equal(parsed.employees.length, 1000);
  assert.deepEqual(parsed.employees[999], { name: 'Person 999', age: 59, email: 'p999@example.com' });
  const restored = Company.from_json(json);
  assert.equal(restored.employee_count(), 1000);
  assert.equal(restored.to_json(), json);
  company.free();
  restored.free();
});

// 5. Pool: 1000 acquires, then 1000 releases, as the article's page does. As written the pool
// hands out empty arrays and never keeps one: the stats stay zero.
check('pool: 1000 acquire + release', () => {
  const pool = new MemoryPool();
  const buffers = [];
  for (let i = 0; i < 1000; i++) {
    const buffer = pool.get_buffer(1024);
    assert.ok(buffer instanceof Uint8Array);
    assert.equal(buffer.length, 0);
    buffers.push(buffer);
  }
  for (const buffer of buffers) pool.return_buffer(buffer);
  assert.deepEqual([...pool.get_pool_stats()], [0, 0, 0, 0, 0, 0]);
  pool.free();
});

// 6. Points: a path of 1000 points, per point get (from the pool), distance to the previous,
// put back; each put spends the JS object.
check('points: path of 1000, get / distance / put per point', () => {
  const pool = new Point3DPool(100);
  let previous = pool.get_point(0, 0, 0);
  let length = 0;
  for (let i = 1; i < 1000; i++) {
    const point = pool.get_point(i, 2 * i, 3 * i);
    length += point.distance_to(previous);
    pool.return_point(previous);
    previous = point;
  }
  pool.return_point(previous);
  assert.ok(Math.abs(length - 999 * Math.sqrt(14)) < 1e-9, `length ${length}`);
  assert.equal(pool.pool_size(), 2); // the last two points put back
  // Get all, put all (the article's page): the pool keeps at most 100.
  const points = [];
  for (let i = 0; i < 1000; i++) points.push(pool.get_point(i, i, i));
  for (const point of points) pool.return_point(point);
  assert.equal(pool.pool_size(), 100);
  pool.free();
});

// 7. Text: swap-case of 1 MiB.
check('text: swap-case 1 MiB', () => {
  const alphabet = 'abcXYZ 019-Hello, World!\n';
  let input = '';
  while (input.length < MiB) input += alphabet;
  input = input.slice(0, MiB);
  const output = process_string_zero_copy(input);
  const expected = input.replace(/[a-zA-Z]/g, (c) =>
    c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());
  assert.equal(output.length, MiB);
  assert.equal(output, expected);
  assert.equal(process_string_zero_copy('Grüße ÄÖ!'), 'gRüßE ÄÖ!'); // non-ASCII unchanged
});

// 8. One method call: a getter-like method on a live object.
check('call: one method call', () => {
  const buffer = new ByteBuffer(16);
  buffer.append(new Uint8Array([1, 2, 3]));
  assert.equal(buffer.len(), 3);
  buffer.free();
});

// The rest of the article's API.
check('memory info', () => {
  const info = get_memory_info();
  assert.ok(info.total_pages > 0);
  assert.equal(info.used_bytes, info.total_pages * 65536); // all counted as used, as written
  assert.equal(info.free_bytes, 0);
  info.free();
});

check('chunks: 1 MiB in 64 KiB chunks, progress; DataChunk(0)', () => {
  const data = new Uint8Array(MiB);
  for (let i = 0; i < data.length; i++) data[i] = (i >> 8) & 0xff;
  const chunk = new DataChunk(data.length);
  assert.equal(chunk.get_progress(), 0);
  for (let at = 0; at < data.length; at += 64 * 1024) {
    assert.equal(chunk.append_chunk(data.subarray(at, at + 64 * 1024)), true);
  }
  assert.equal(chunk.get_progress(), 1);
  assert.equal(chunk.is_complete(), true);
  assert.equal(chunk.append_chunk(new Uint8Array(1)), false);
  assert.deepEqual(chunk.get_data().slice(), data);
  chunk.free();
  const empty = new DataChunk(0);
  assert.equal(empty.is_complete(), true);
  assert.ok(Number.isNaN(empty.get_progress())); // as written; nothing crashes
  empty.free();
});

check('records: bad input throws, no trap', () => {
  const record = new BinaryData();
  record.set_payload(new Uint8Array([1, 2, 3]));
  const bytes = record.serialize();
  bytes[20] ^= 1;
  assert.throws(() => BinaryData.deserialize(bytes), (e) => e === 'Checksum mismatch');
  assert.throws(() => BinaryData.deserialize(new Uint8Array(23)), (e) => e === 'Data too short');
  const huge = new Uint8Array(24);
  new DataView(huge.buffer).setUint32(16, 0xfffffff0, true); // wrapped in the article: a trap
  assert.throws(() => BinaryData.deserialize(huge), (e) => e === 'Invalid payload length');
  record.set_header(new Uint8Array(15).fill(1)); // ignored, as written
  assert.deepEqual(record.get_header(), new Uint8Array(16));
  assert.throws(() => Person.from_json('{"name":1}'), (e) => typeof e === 'string');
  record.free();
  // The module still works after the errors.
  assert.equal(process_string_zero_copy('ok'), 'OK');
});

check('points: Point3D fields', () => {
  const a = new Point3D(1, 2, 3);
  const b = new Point3D(4, 6, 3);
  assert.equal(a.distance_to(b), 5);
  a.x = 10;
  assert.equal(a.x, 10);
  a.free();
  b.free();
});

// Why every view is copied with .slice() at once: a view taken before memory grows is
// detached afterwards (its length reads 0).
check('views: detached after memory grows, hence .slice()', () => {
  const buffer = new ByteBuffer(256);
  buffer.from_js_array(new Uint8Array(256).fill(7));
  const view = buffer.to_js_array();
  const copy = view.slice();
  const grow = new ByteBuffer(get_memory_info().used_bytes); // more than memory has: it grows
  assert.equal(view.length, 0);
  assert.equal(copy.length, 256);
  assert.equal(buffer.to_js_array().slice().length, 256);
  grow.free();
  buffer.free();
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
