// Memory pressure through jco: the component's linear memory filled to its last bytes (4 GiB
// of wasm32 address space; the pages are reserved, not touched, so this is quick), then calls
// that must answer, and an argument that cannot be placed.
import test from 'node:test';
import assert from 'node:assert/strict';
import { bytes, memory, records } from 'memkit';
import { floats, memory as articleMemory, people, text } from 'memkit-article';
import { recordLayout } from 'memkit/record-layout';
import { assertComponentError, withoutLeaks } from './helpers.mjs';

/**
 * Fills a component's heap with caller-sized reservations (which leave the reserve intact):
 * holders made by `make`, each then taking by `reserve(holder, units)` the largest power of two
 * that fits, down to one unit of `unitBytes`. The holders come first, while their handles fit.
 */
function fill(make, reserve, unitBytes) {
  const holders = Array.from({ length: 64 }, make);
  let next = 0;
  for (let bits = 31 - Math.log2(unitBytes); bits >= 0; bits--) {
    while (next < holders.length) {
      try {
        reserve(holders[next], 2 ** bits);
        next++;
      } catch (error) {
        if (error.payload?.tag !== 'out-of-memory') throw error;
        break;
      }
    }
  }
  return holders;
}

/** Fills both components' heaps: memkit's with byte buffers, the article's with float buffers. */
function squeeze() {
  return [
    ...fill(() => new bytes.ByteBuffer(0), (holder, n) => holder.reserve(n), 1),
    ...fill(() => new floats.FloatBuffer(0), (holder, n) => holder.reserve(n), 4),
  ];
}

test('with memory full, calls answer with values or out-of-memory, and the reserve stays', () => withoutLeaks(() => {
  const kept = bytes.ByteBuffer.fromList(new Uint8Array([1, 2, 3]));
  const record = new records.BinaryRecord('crc32c');
  const holders = squeeze();
  try {
    assert.equal(memory.info().reserveBytes, 65536n);
    assert.equal(articleMemory.info().reserveBytes, 65536n);
    assert.equal(text.swapCase('aB'), 'Ab');
    record.setHeader(new Uint8Array(recordLayout.headerBytes).fill(7));
    assertComponentError(() => record.setHeader(new Uint8Array(15)), 'invalid');
    assertComponentError(() => kept.reserve(1 << 20), 'out-of-memory', 1 << 20);
    // The document fits as an argument (from the reserve), a copy of its name does not:
    // json-error's own out-of-memory case, with the bytes of that copy.
    const document = `{"name":"${'n'.repeat(2048)}","age":1,"email":""}`;
    assertComponentError(() => people.personFromJson(document), 'out-of-memory', 2048);
    // A copy out needs memory: it is a typed error now, never an empty list.
    try {
      assert.deepEqual(kept.toList(), new Uint8Array([1, 2, 3]));
    } catch (error) {
      assert.equal(error.payload.tag, 'out-of-memory');
    }
  } finally {
    for (const holder of holders) holder[Symbol.dispose]();
  }
  assert.deepEqual(kept.toList(), new Uint8Array([1, 2, 3]));
  record[Symbol.dispose]();
  kept[Symbol.dispose]();
  assert.equal(memory.info().reserveBytes, 65536n);
  assert.equal(articleMemory.info().reserveBytes, 65536n);
}));

test('an argument that cannot be placed throws a RangeError and the instance keeps working', () => withoutLeaks(() => {
  const holders = squeeze();
  try {
    // memkit's cabi_realloc answers with an address where nothing fits; jco 1.12's glue then
    // fails to view it (RangeError) before the component is entered.
    assert.throws(() => bytes.ByteBuffer.fromList(new Uint8Array(8 << 20)), RangeError);
    assert.equal(text.swapCase('still here'), 'STILL HERE');
  } finally {
    for (const holder of holders) holder[Symbol.dispose]();
  }
  const big = bytes.ByteBuffer.fromList(new Uint8Array(8 << 20));
  assert.equal(big.len(), 8 << 20);
  big[Symbol.dispose]();
}));
