import test from 'node:test';
import assert from 'node:assert/strict';
import { text } from 'memkit';

test('swap-case swaps ASCII letters only', () => {
  assert.equal(text.swapCase('Hello, WebAssembly!'), 'hELLO, wEBaSSEMBLY!');
  assert.equal(text.swapCase('Grüße 你好 ǅ Ω 🦀'), 'gRüßE 你好 ǅ Ω 🦀');
  assert.equal(text.swapCase(''), '');
});

test('swap-case of a megabyte round-trips', () => {
  const input = 'The quick brown Fox — jumps! '.repeat(40_000);
  const swapped = text.swapCase(input);
  assert.equal(swapped.length, input.length);
  assert.equal(text.swapCase(swapped), input);
});
