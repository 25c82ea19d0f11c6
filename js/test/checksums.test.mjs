// memkit's `checksums` from JS, against digests computed by code nobody here wrote
// (test/references.mjs), over random data cut at random places.
import test from 'node:test';
import assert from 'node:assert/strict';
import { checksums, memory } from 'memkit';
import { assertComponentError } from './helpers.mjs';
import { memkitAlgorithms, references, seed, seededRandom } from './references.mjs';

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const algorithms = memkitAlgorithms();
const crcs = ['crc32', 'crc32c', 'crc64-nvme'];
const random = seededRandom(seed);
const replay = `MEMKIT_SEED=${seed}`;

/** Runs `body` and asserts that memkit's live allocations are back where they started. */
function withoutLiveAllocations(body) {
  const before = memory.info().liveAllocations;
  body();
  assert.equal(memory.info().liveAllocations, before, 'a memkit allocation outlived the test');
}

test('every algorithm has a reference, and the references give the published check values', () => {
  assert.deepEqual(Object.keys(references).sort(), [...algorithms].sort());
  const digits = new TextEncoder().encode('123456789');
  // The CRC catalogue's check values; FIPS 180-4's and RFC 1321's digests of the same string.
  const published = {
    crc32: 'cbf43926',
    crc32c: 'e3069283',
    'crc64-nvme': 'ae8b14860a799888',
    sha256: '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225',
    md5: '25f9e794323b453885f5181f1b624d0b',
  };
  for (const algorithm of algorithms) assert.equal(hex(references[algorithm](digits)), published[algorithm], algorithm);
});

test('the one-call digest equals the reference for random data of many lengths', () => withoutLiveAllocations(() => {
  const lengths = [0, 1, 3, 15, 16, 63, 64, 65, 127, 128, 1000, 65537, random.below(1 << 20)];
  for (const length of lengths) {
    const data = random.bytes(length);
    for (const algorithm of algorithms) {
      assert.equal(hex(checksums.digest(algorithm, data)), hex(references[algorithm](data)), `${algorithm} of ${length} bytes (${replay})`);
    }
  }
}));

test('a hasher fed random pieces gives the reference digest, at every step', () => withoutLiveAllocations(() => {
  const data = random.bytes(300_000 + random.below(300_000));
  for (const algorithm of algorithms) {
    const hasher = new checksums.Hasher(algorithm);
    let hashed = 0;
    for (const piece of random.pieces(data, 70_000)) {
      hasher.update(piece);
      hashed += piece.length;
      // digest() is the digest so far, and hashing goes on after it.
      assert.equal(hex(hasher.digest()), hex(references[algorithm](data.subarray(0, hashed))), `${algorithm} after ${hashed} bytes (${replay})`);
    }
    assert.equal(hasher.bytesHashed(), BigInt(data.length));
    hasher.reset();
    assert.equal(hasher.bytesHashed(), 0n);
    assert.equal(hex(hasher.digest()), hex(references[algorithm](new Uint8Array(0))));
    hasher[Symbol.dispose]();
  }
}));

test('combine gives the reference CRC of A‖B from the CRCs of A and B; hashes do not combine', () => withoutLiveAllocations(() => {
  const data = random.bytes(200_000);
  for (const cut of [0, 1, random.below(data.length), data.length - 1, data.length]) {
    const [first, second] = [data.subarray(0, cut), data.subarray(cut)];
    for (const algorithm of crcs) {
      const combined = checksums.combine(algorithm, references[algorithm](first), references[algorithm](second), BigInt(second.length));
      assert.equal(hex(combined), hex(references[algorithm](data)), `${algorithm} cut at ${cut} (${replay})`);
    }
  }
  for (const algorithm of algorithms.filter((name) => !crcs.includes(name))) {
    const digest = references[algorithm](data);
    assertComponentError(() => checksums.combine(algorithm, digest, digest, 1n), 'invalid');
  }
  assertComponentError(() => checksums.combine('crc32c', new Uint8Array(3), new Uint8Array(4), 0n), 'invalid');
}));

test('a state saved by a hasher goes on in a second memkit instance to the same digest', async () => {
  // The same glue under another URL is another module, with its own component instance and
  // its own linear memory: as a page reloaded, or another worker.
  const second = await import(new URL('../dist/memkit.js?second-instance', import.meta.url));
  assert.notEqual(second.checksums, checksums, 'a second instance');
  const data = random.bytes(150_000);
  const cut = random.below(data.length);
  for (const algorithm of algorithms) {
    const liveHere = memory.info().liveAllocations;
    const liveThere = second.memory.info().liveAllocations;
    const first = new checksums.Hasher(algorithm);
    first.update(data.subarray(0, cut));
    const state = first.save();
    first[Symbol.dispose]();
    assert.equal(memory.info().liveAllocations, liveHere);
    const resumed = second.checksums.Hasher.restore(state);
    assert.equal(resumed.bytesHashed(), BigInt(cut));
    resumed.update(data.subarray(cut));
    assert.equal(hex(resumed.digest()), hex(references[algorithm](data)), `${algorithm} resumed at ${cut} (${replay})`);
    resumed[Symbol.dispose]();
    assert.equal(second.memory.info().liveAllocations, liveThere);
  }
});

test('a state that is cut short or altered is refused as invalid, never a wrong digest', () => withoutLiveAllocations(() => {
  const hasher = new checksums.Hasher('sha256');
  hasher.update(random.bytes(1000));
  const state = hasher.save();
  hasher[Symbol.dispose]();
  assertComponentError(() => checksums.Hasher.restore(state.subarray(0, state.length - 1)), 'invalid');
  const altered = state.slice();
  altered[random.below(altered.length)] ^= 1 << random.below(8);
  assertComponentError(() => checksums.Hasher.restore(altered), 'invalid');
  assertComponentError(() => checksums.Hasher.restore(new Uint8Array(0)), 'invalid');
}));
