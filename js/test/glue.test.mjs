// The patches `cargo xtask js` makes to jco's glue (xtask/glue/: `<name>.jco.js` is what jco
// writes, `<name>.js` what replaces it), run on their own: each patched function against the
// one jco wrote, in a scope holding what the glue around them declares. And in the package
// as built, what the patches change that a caller can see.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bytes } from 'memkit';
import { describeError } from 'memkit/errors';

/**
 * The code of `xtask/glue/<file>` run in a function whose parameters are `scope`'s names (so
 * the code may assign them, as it assigns the glue's `let`s); returns a getter for each name
 * of `names`, read after the calls.
 */
function load(file, scope, names) {
  const code = readFileSync(new URL(`../../xtask/glue/${file}`, import.meta.url), 'utf8');
  const getters = names.map((name) => `get ${name}() { return ${name}; }`).join(', ');
  const run = new Function(...Object.keys(scope), `${code}\nreturn { ${getters} };`);
  return run(...Object.values(scope));
}

/** jco's utf8Encode or the patched one, each with its own `utf8EncodedLen`. */
const encoders = Object.fromEntries(['utf8-encode.jco.js', 'utf8-encode.js'].map((file) => [
  file,
  load(file, { utf8Encoder: new TextEncoder(), utf8EncodedLen: 0 }, ['utf8Encode', 'utf8EncodedLen']),
]));

/**
 * A memory with a bump allocator that behaves as `cabi_realloc` does (a new block, the old
 * contents copied), growing the memory when needed so that views detach as they do in the
 * component; `refuse` answers with an address past the end, as memkit does when full.
 */
function heap({ refuse = false } = {}) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  let top = 8;
  const realloc = (old, oldSize, align, size) => {
    if (refuse) return memory.buffer.byteLength + 1;
    const at = top;
    top += size;
    if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
    new Uint8Array(memory.buffer).copyWithin(at, old, old + Math.min(oldSize, size));
    return at;
  };
  return { memory, realloc };
}

/** The bytes `file`'s utf8Encode writes for `s`, as the caller reads them. */
function encoded(file, s) {
  const { memory, realloc } = heap();
  const encoder = encoders[file];
  const ptr = encoder.utf8Encode(s, realloc, memory);
  return new Uint8Array(memory.buffer, ptr, encoder.utf8EncodedLen).slice();
}

test('the patched utf8Encode writes what jco\'s writes, on both sides of each fast path', () => {
  const strings = [
    '', 'a', 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(100_000),
    '\u007f', '\u0080', 'é'.repeat(64), `${'a'.repeat(63)}é`, '😀', `a\u0000b`, 'ü😀€'.repeat(5000),
    `${'x'.repeat(70)}😀`, '\ud800 lone surrogate',
  ];
  for (const s of strings) {
    assert.deepEqual(encoded('utf8-encode.js', s), encoded('utf8-encode.jco.js', s), JSON.stringify(s.slice(0, 20)));
  }
  assert.deepEqual(encoded('utf8-encode.js', 'ü😀'), new TextEncoder().encode('ü😀'));
});

test('the patched utf8Encode refuses what jco\'s refuses, the same way', () => {
  for (const encoder of Object.values(encoders)) {
    const { memory, realloc } = heap({ refuse: true });
    for (const s of ['short', 'é'.repeat(100)]) assert.throws(() => encoder.utf8Encode(s, realloc, memory), RangeError);
    assert.throws(() => encoder.utf8Encode(7, realloc, memory), TypeError);
  }
});

test('the patched dataView is renewed only when the memory grew', () => {
  const scope = () => ({ dv: new DataView(new ArrayBuffer()) });
  const jco = load('data-view.jco.js', scope(), ['dataView']);
  const patched = load('data-view.js', scope(), ['dataView']);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const first = patched.dataView(memory);
  assert.equal(first.buffer, memory.buffer);
  assert.equal(patched.dataView(memory), first, 'the same view while the memory is unchanged');
  first.setUint32(8, 0xfeedbeef, true);
  memory.grow(1);
  const grown = patched.dataView(memory);
  assert.notEqual(grown, first);
  assert.equal(grown.buffer, memory.buffer);
  assert.equal(grown.byteLength, 2 * 65536);
  assert.equal(grown.getUint32(8, true), jco.dataView(memory).getUint32(8, true));
});

test('the patched ComponentError says what happened and keeps the payload as jco does', () => {
  const jco = load('component-error.jco.js', {}, ['ComponentError']).ComponentError;
  const patched = load('component-error.js', { describeError }, ['ComponentError']).ComponentError;
  const value = { tag: 'out-of-bounds', val: { offset: 4, len: 2, size: 5 } };
  const error = new patched(value);
  assert.equal(error.message, 'out-of-bounds: offset 4, len 2, buffer size 5');
  assert.match(new jco(value).message, /\(see error\.payload\)$/);
  assert.ok(error instanceof Error);
  for (const payload of [value, 'a string error']) {
    assert.deepEqual(Object.getOwnPropertyDescriptor(new patched(payload), 'payload'), Object.getOwnPropertyDescriptor(new jco(payload), 'payload'));
  }
  assert.equal(new patched('a string error').message, 'a string error');
});

test('resource handles are plain properties, and dispose still ends the handle once', () => {
  const buffer = bytes.ByteBuffer.fromList(new Uint8Array([1, 2]));
  const dispose = Object.getOwnPropertyDescriptor(buffer, Symbol.dispose);
  assert.ok(dispose.enumerable && dispose.writable, 'assigned, not defined with defineProperty');
  assert.equal(buffer.len(), 2);
  buffer[Symbol.dispose]();
  buffer[Symbol.dispose]();
  assert.throws(() => buffer.len());
});
