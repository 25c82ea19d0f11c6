import test from 'node:test';
import assert from 'node:assert/strict';
import { records } from 'memkit';
import { recordLayout } from 'memkit/record-layout';
import { assertComponentError, withoutLeaks } from './helpers.mjs';

const { headerBytes, payloadOffset, overheadBytes } = recordLayout;

const encode = (s) => new TextEncoder().encode(s);

/** The article's layout, built in JS: header | u32 LE length | payload | u32 LE sum. */
function frame(header, payload, checksum) {
  const out = new Uint8Array(overheadBytes + payload.length);
  const view = new DataView(out.buffer);
  out.set(header, 0);
  view.setUint32(headerBytes, payload.length, true);
  out.set(payload, payloadOffset);
  view.setUint32(payloadOffset + payload.length, checksum ?? sum32(header, payload), true);
  return out;
}

const sum32 = (...parts) => parts.reduce((acc, p) => p.reduce((a, b) => (a + b) >>> 0, acc), 0);

test("the article's trap input is a length-mismatch", () => {
  const input = new Uint8Array(overheadBytes);
  new DataView(input.buffer).setUint32(headerBytes, 0xfffffff0, true);
  assertComponentError(() => records.BinaryRecord.deserialize(input, 'sum32'), 'length-mismatch', { declared: 0xfffffff0, available: 0 });
});

test('serialize is the article layout and round-trips', () => withoutLeaks(() => {
  const header = encode('memkit-record-01');
  const r = new records.BinaryRecord('sum32');
  r.setHeader(header);
  r.setPayload(encode('payload'));
  const bytes = r.serialize();
  assert.deepEqual(bytes, frame(header, encode('payload')));
  const back = records.BinaryRecord.deserialize(bytes, 'sum32');
  assert.deepEqual(back.header(), header);
  assert.deepEqual(back.payload(), encode('payload'));
  assert.equal(back.checksum(), r.checksum());
  back[Symbol.dispose]();
  r[Symbol.dispose]();
}));

test('crc32c records of 1 MiB round-trip; the wrong kind is a checksum-mismatch', () => withoutLeaks(() => {
  const r = new records.BinaryRecord('crc32c');
  const payload = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7) & 0xff);
  r.setPayload(payload);
  const bytes = r.serialize();
  const back = records.BinaryRecord.deserialize(bytes, 'crc32c');
  assert.deepEqual(back.payload(), payload);
  assertComponentError(() => records.BinaryRecord.deserialize(bytes, 'sum32'), 'checksum-mismatch');
  back[Symbol.dispose]();
  r[Symbol.dispose]();
}));

test('headers of the wrong length are invalid', () => withoutLeaks(() => {
  const r = new records.BinaryRecord('sum32');
  for (const len of [0, 15, 17, 64]) assertComponentError(() => r.setHeader(new Uint8Array(len)), 'invalid');
  assert.deepEqual(r.header(), new Uint8Array(headerBytes));
  r[Symbol.dispose]();
}));

test('truncated, trailing and corrupt data get precise errors', () => {
  const good = frame(new Uint8Array(headerBytes).fill(2), encode('abc'));
  assertComponentError(() => records.BinaryRecord.deserialize(new Uint8Array(0), 'sum32'), 'too-short', 0);
  assertComponentError(() => records.BinaryRecord.deserialize(good.subarray(0, overheadBytes - 1), 'sum32'), 'too-short', overheadBytes - 1);
  assertComponentError(() => records.BinaryRecord.deserialize(good.subarray(0, overheadBytes + 1), 'sum32'), 'length-mismatch', { declared: 3, available: 1 });
  assertComponentError(() => records.BinaryRecord.deserialize(new Uint8Array([...good, 1, 2, 3]), 'sum32'), 'trailing-bytes', 3);
  const corrupt = good.slice();
  corrupt[0] = 3;
  const stored = sum32(new Uint8Array(headerBytes).fill(2), encode('abc'));
  assertComponentError(() => records.BinaryRecord.deserialize(corrupt, 'sum32'), 'checksum-mismatch', { expected: stored, actual: stored + 1 });
});

test('a reader frames a stream fed one byte, then one mebibyte, at a time', () => withoutLeaks(() => {
  const payloads = Array.from({ length: 30 }, (_, i) => new Uint8Array(i * 997).fill(i));
  const header = new Uint8Array(headerBytes).fill(9);
  const stream = new Uint8Array(payloads.reduce((n, p) => n + overheadBytes + p.length, 0));
  let at = 0;
  for (const p of payloads) { stream.set(frame(header, p), at); at += overheadBytes + p.length; }
  for (const piece of [1, 1 << 20]) {
    const reader = new records.RecordReader('sum32', 64 * 1024);
    const got = [];
    for (let start = 0; start < stream.length; start += piece) {
      for (const frame of reader.feed(stream.subarray(start, start + piece))) {
        assert.deepEqual(frame.header, header);
        got.push(frame.payload);
      }
    }
    assert.deepEqual(got, payloads, `pieces of ${piece}`);
    assert.equal(reader.buffered(), 0);
    reader.finish();
    reader[Symbol.dispose]();
  }
}));

test('a reader refuses an oversized payload before buffering it, and reports a partial tail', () => withoutLeaks(() => {
  const reader = new records.RecordReader('sum32', 1024);
  const head = new Uint8Array(payloadOffset);
  new DataView(head.buffer).setUint32(headerBytes, 0xffffffff, true);
  assertComponentError(() => reader.feed(head), 'payload-too-large', 0xffffffff);
  assert.equal(reader.buffered(), 0);
  reader[Symbol.dispose]();
  const partial = new records.RecordReader('sum32', 1024);
  const partFrame = frame(new Uint8Array(headerBytes), encode('abcdef')).subarray(0, overheadBytes + 3);
  assert.deepEqual(partial.feed(partFrame), []);
  assertComponentError(() => partial.finish(), 'length-mismatch', { declared: 6, available: 3 });
  partial[Symbol.dispose]();
}));
