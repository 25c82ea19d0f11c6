// Every error memkit throws in JS reads as what happened, with its values, while
// `error.payload` keeps the typed WIT value (the glue patch xtask/glue/component-error.js, with
// the package's describeError). The text is the Rust core's Display, case for case.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bytes, chunks, records } from 'memkit';
import { people } from 'memkit-article';
import { describeError } from 'memkit/errors';
import { recordLayout } from 'memkit/record-layout';
import { withoutLeaks } from './helpers.mjs';

/**
 * What the Rust core says, written by `cargo test -p memkit --test js_fixture` (which
 * `cargo xtask test` runs before these tests): every case of every WIT error type, as jco
 * lifts it, with its Display; and the record layout.
 */
function rustFixture() {
  const path = new URL('../../target/js-fixture.json', import.meta.url);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path.pathname}: ${error.message}; run \`cargo test -p memkit --test js_fixture\` first`);
  }
}

test('describeError writes what the Rust Display writes, for every case of every error type', () => {
  const { errors } = rustFixture();
  const types = new Set(errors.map((error) => error.type));
  assert.deepEqual([...types].sort(), ['people.json-error', 'records.decode-error', 'types.error']);
  for (const { type, value, display } of errors) {
    assert.equal(describeError(value), display, `${type} ${value.tag}`);
  }
});

test('the record layout is the Rust core\'s', () => {
  assert.deepEqual({ ...recordLayout }, rustFixture().recordLayout);
  assert.ok(Object.isFrozen(recordLayout));
});

test('values of other shapes read as their fields', () => {
  const composed = { error: { tag: 'too-short', val: 3 }, offset: 27n, recordsBefore: 1 };
  assert.equal(describeError(composed), 'error too-short: 3 bytes, a record needs at least 24, offset 27, recordsBefore 1');
  assert.equal(describeError({ tag: 'closed' }), 'closed');
  assert.equal(describeError(7), '7');
});

/** The error `fn` throws. */
function thrown(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail('expected a throw');
}

test('types.error cases read with their values', () => withoutLeaks(() => {
  const buffer = bytes.ByteBuffer.fromList(new Uint8Array(1 << 20));
  const outOfBounds = thrown(() => buffer.read(0xffff_ffff, 2));
  assert.equal(outOfBounds.message, 'out-of-bounds: offset 4294967295, len 2, buffer size 1048576');
  assert.deepEqual(outOfBounds.payload, { tag: 'out-of-bounds', val: { offset: 0xffff_ffff, len: 2, size: 1 << 20 } });
  assert.equal(thrown(() => buffer.reserve(3 * 2 ** 30)).message, 'out-of-memory: could not allocate 3221225472 bytes');
  buffer[Symbol.dispose]();
  assert.equal(
    thrown(() => chunks.ChunkAssembler.create(2 ** 31)).message,
    'too-large: requested 2147483648, limit 1073741824',
  );
}));

test('decode errors and JSON errors read with their values', () => withoutLeaks(() => {
  const record = new records.BinaryRecord('sum32');
  record.setPayload(new Uint8Array([1, 2, 3]));
  const frame = record.serialize();
  frame[recordLayout.payloadOffset] ^= 0xff;
  const mismatch = thrown(() => records.BinaryRecord.deserialize(frame, 'sum32'));
  assert.equal(mismatch.message, 'checksum-mismatch: stored 0x00000006, computed 0x00000103');
  assert.equal(mismatch.payload.tag, 'checksum-mismatch');
  assert.equal(thrown(() => record.setHeader(new Uint8Array(15))).message, 'invalid: header: must be exactly 16 bytes, got 15');
  record[Symbol.dispose]();
  assert.equal(
    thrown(() => records.BinaryRecord.deserialize(new Uint8Array(10), 'sum32')).message,
    'too-short: 10 bytes, a record needs at least 24',
  );
  const json = thrown(() => people.personFromJson('{"name":"Ada","age":36}'));
  assert.equal(json.message, 'invalid: missing field `email` at line 1 column 23');
  assert.deepEqual(json.payload, {
    tag: 'invalid',
    val: { message: 'missing field `email` at line 1 column 23', line: 1, column: 23 },
  });
}));

test('a thrown error shows its reason in a stack trace', () => {
  const error = thrown(() => bytes.ByteBuffer.fromList(new Uint8Array(4)).read(3, 2));
  assert.match(error.stack, /^Error: out-of-bounds: offset 3, len 2, buffer size 4\n/);
});
