// Shared by the Node tests: error assertions and a leak guard over memory.info().
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { memory, records } from 'memkit';
import { memory as articleMemory } from 'memkit-article';

/** Asserts that `fn` throws jco's ComponentError whose payload has `tag` (and `val`, if given). */
export function assertComponentError(fn, tag, val) {
  assert.throws(fn, (error) => {
    assert.equal(error.constructor.name, 'ComponentError', `expected ComponentError, got ${error}`);
    assert.equal(error.payload.tag, tag);
    if (val !== undefined) assert.deepEqual(error.payload.val, val);
    return true;
  });
}

/** Runs `body` and asserts that each component's used bytes are back where they started. */
export function withoutLeaks(body) {
  const before = [memory.info().usedBytes, articleMemory.info().usedBytes];
  body();
  assert.equal(memory.info().usedBytes, before[0], "memkit's memory leaked");
  assert.equal(articleMemory.info().usedBytes, before[1], "the article's memory leaked");
}

/** `parts` (Uint8Arrays) one after the other in a new Uint8Array. */
export function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A stream of records made by memkit: each payload (a Uint8Array) serialized as a record of
 * `kind`, with the header `header(index, payload)` gives (zeros by default).
 */
export function serializedRecords(payloads, { kind = 'crc32c', header } = {}) {
  return concat(payloads.map((payload, index) => {
    const record = new records.BinaryRecord(kind);
    if (header) record.setHeader(header(index, payload));
    record.setPayload(payload);
    const frame = record.serialize();
    record[Symbol.dispose]();
    return frame;
  }));
}

/** CRC-32C records of the given payload sizes, record `i` filled with byte `i`. */
export const recordsOfSizes = (...sizes) => serializedRecords(sizes.map((size, i) => new Uint8Array(size).fill(i)));

/**
 * POSTs `body` to the record service at `base` (`/records?checksum=crc32c` unless `path` says
 * otherwise) and gives what a client sees of the answer: the status, the headers the service
 * sets and the JSON.
 */
export async function postRecords(base, body, { path = '/records?checksum=crc32c', method = 'POST', ...init } = {}) {
  const response = await fetch(`${base}${path}`, { method, body, ...init });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    crc32c: response.headers.get('x-amz-checksum-crc32c'),
    json: await response.json(),
  };
}

/** Runs a command in `cwd`; a failure's message carries what it printed. */
export function run(command, args, cwd) {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    error.message += `\n${error.stdout}${error.stderr}`;
    throw error;
  }
}
