// Shared by the Node tests: error assertions and a leak guard over memory.info().
import assert from 'node:assert/strict';
import { memory } from 'memkit';

/** Asserts that `fn` throws jco's ComponentError whose payload has `tag` (and `val`, if given). */
export function assertComponentError(fn, tag, val) {
  assert.throws(fn, (error) => {
    assert.equal(error.constructor.name, 'ComponentError', `expected ComponentError, got ${error}`);
    assert.equal(error.payload.tag, tag);
    if (val !== undefined) assert.deepEqual(error.payload.val, val);
    return true;
  });
}

/** Runs `body` and asserts that the component's used bytes are back where they started. */
export function withoutLeaks(body) {
  const before = memory.info().usedBytes;
  body();
  assert.equal(memory.info().usedBytes, before, 'component memory leaked');
}
