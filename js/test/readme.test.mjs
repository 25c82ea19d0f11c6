// The README's Node snippet, run as written (an xtask test checks that the README's lines are
// still here).
import test from 'node:test';
import assert from 'node:assert/strict';
import { chunks } from 'memkit'; // npm i <path to memkit/js>

test('README: chunks in any order, then the bytes', () => {
  const assembler = chunks.ChunkAssembler.create(6);
  assembler.writeAt(3, new Uint8Array([4, 5, 6]));
  assembler.writeAt(0, new Uint8Array([1, 2, 3])); // any order
  const buffer = assembler.finish();
  assert.deepEqual(buffer.toList(), new Uint8Array([1, 2, 3, 4, 5, 6]));
  buffer[Symbol.dispose]();
  assembler[Symbol.dispose]();
});
