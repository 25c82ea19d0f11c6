// Every error memkit throws in JS reads as what happened, with its values, while
// `error.payload` keeps the typed WIT value (the glue patch in xtask/src/jco_glue.rs).
import test from 'node:test';
import assert from 'node:assert/strict';
import { bytes, chunks, people, records } from 'memkit';
import { withoutLeaks } from './helpers.mjs';

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
  frame[20] ^= 0xff;
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
  assert.equal(json.message, 'json-error: missing field `email` at line 1 column 23');
  assert.deepEqual(json.payload, { message: 'missing field `email` at line 1 column 23', line: 1, column: 23 });
}));

test('a thrown error shows its reason in a stack trace', () => {
  const error = thrown(() => bytes.ByteBuffer.fromList(new Uint8Array(4)).read(3, 2));
  assert.match(error.stack, /^Error: out-of-bounds: offset 3, len 2, buffer size 4\n/);
});
