// The composed record-check (memkit plugged into examples/record-check by `cargo xtask
// compose`, transpiled by the same jco into dist-composed/, its glue patched where the patches
// apply) called from Node: a composition works in JS like memkit itself. The records are made
// with the memkit package.
import test from 'node:test';
import assert from 'node:assert/strict';
import { recordLayout } from 'memkit/record-layout';
import { serializedRecords } from './helpers.mjs';
import { bytes, check } from '../dist-composed/record-check/record-check.js';

/** A stream of CRC-32C records with the given payloads (strings). */
const stream = (...payloads) => serializedRecords(payloads.map((p) => new TextEncoder().encode(p)));

test('the composed record-check counts a valid stream', () => {
  assert.deepEqual(check.check(stream('one', '', 'three'), 'crc32c'), { records: 3, payloadBytes: 8n });
  assert.deepEqual(check.check(new Uint8Array(), 'crc32c'), { records: 0, payloadBytes: 0n });
});

test('a corrupted checksum comes back as a typed error with its offset', () => {
  const bad = stream('one', 'two', 'three');
  const second = recordLayout.overheadBytes + 'one'.length; // where the second record starts
  bad[second + recordLayout.payloadOffset] ^= 0x20;
  assert.throws(
    () => check.check(bad, 'crc32c'),
    (error) => {
      assert.equal(error.payload.error.tag, 'checksum-mismatch');
      assert.equal(error.payload.offset, BigInt(second));
      assert.equal(error.payload.recordsBefore, 1);
      return true;
    },
  );
});

test('an upload in pieces, out of order, is assembled by memkit inside the composition', () => {
  const whole = stream('alpha', 'beta', 'gamma');
  const pieces = [];
  for (let offset = 0; offset < whole.length; offset += 10) {
    pieces.unshift({ offset, data: whole.slice(offset, offset + 10) });
  }
  assert.equal(check.checkUpload(pieces, whole.length, undefined, 'crc32c').records, 3);
  assert.throws(() => check.checkUpload(pieces.slice(1), whole.length, undefined, 'crc32c'), (error) => {
    assert.equal(error.payload.tag, 'transfer');
    assert.equal(error.payload.val.tag, 'invalid');
    return true;
  });
});

test('the composition\'s glue says what happened, and its handles are plain properties', () => {
  const bad = stream('one');
  bad[recordLayout.payloadOffset] ^= 0x20;
  assert.throws(() => check.check(bad, 'crc32c'), (error) => {
    assert.match(error.message, /^error checksum-mismatch: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}, offset 0, recordsBefore 0$/);
    return true;
  });
  const buffer = bytes.ByteBuffer.fromList(new Uint8Array([1]));
  assert.ok(Object.getOwnPropertyDescriptor(buffer, Symbol.dispose).enumerable);
  buffer[Symbol.dispose]();
});
