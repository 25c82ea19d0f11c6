import test from 'node:test';
import assert from 'node:assert/strict';
import { text } from 'memkit-article';

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

test('strings cross intact on both sides of the glue fast paths (64 code units, encodeInto growth)', () => {
  const swap = (s) => s.replace(/[a-zA-Z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
  const cases = [
    'a'.repeat(63), 'a'.repeat(64), 'a'.repeat(65), '\u007f'.repeat(64), `${'a'.repeat(63)}\u0080`,
    `${'b'.repeat(62)}🦀`, 'é', '\u0000nul\u0000', 'x'.repeat(1000), `Ünïcödé ${'y'.repeat(70)}`,
    // Past 64 units strings are encoded into linear memory in place, growing when non-ASCII
    // needs more than one byte a unit: at the start, in the middle, at the very end.
    'é'.repeat(1000), '🦀'.repeat(300), `${'a'.repeat(100)}你好`, `你${'a'.repeat(100)}`, `${'Ab'.repeat(5000)}€`,
  ];
  for (const s of cases) assert.equal(text.swapCase(s), swap(s), JSON.stringify(s.slice(0, 20)));
});
