// The message of a memkit error value: the WIT case, then its values, the same text as the
// Rust core's `Display` (memkit-alloc/src/error.rs, src/records.rs, article/src/people.rs; test/errors.test.mjs
// checks every case of every error type against it). jco's `ComponentError` gets its message
// from here (the glue patch xtask/glue/component-error.js), and so does the demo page.
import { recordLayout } from './record-layout.js';

const hex = (n) => `0x${(Number(n) >>> 0).toString(16).padStart(8, '0')}`;

/** The values of the cases that carry a number, by case. */
const numbered = {
  'out-of-memory': (n) => `could not allocate ${n} bytes`,
  'too-short': (n) => `${n} bytes, a record needs at least ${recordLayout.overheadBytes}`,
  'trailing-bytes': (n) => `${n} bytes after the checksum`,
  'payload-too-large': (n) => `declared ${n} bytes, over the reader's max-payload`,
};

/** The values of a record, recognised by its fields. */
function describeRecord(v) {
  if ('offset' in v && 'len' in v && 'size' in v) return `offset ${v.offset}, len ${v.len}, buffer size ${v.size}`;
  if ('requested' in v && 'limit' in v) return `requested ${v.requested}, limit ${v.limit}`;
  if ('expected' in v && 'actual' in v) return `stored ${hex(v.expected)}, computed ${hex(v.actual)}`;
  if ('declared' in v && 'available' in v) return `declared ${v.declared} bytes, ${v.available} available`;
  if ('message' in v && 'line' in v && 'column' in v) return v.message;
  return Object.entries(v).map(([key, x]) => `${key} ${describe(x, key)}`).join(', ');
}

/** `value` as text; `tag` is the case it is the value of, if any. */
function describe(value, tag) {
  if (value === null || typeof value !== 'object') {
    return tag in numbered && typeof value === 'number' ? numbered[tag](value) : String(value);
  }
  if (typeof value.tag === 'string') {
    return value.val === undefined ? value.tag : `${value.tag}: ${describe(value.val, value.tag)}`;
  }
  return describeRecord(value);
}

/**
 * The message of a memkit error value (what a thrown `ComponentError` carries as `payload`):
 * `out-of-bounds: offset 4294967295, len 2, buffer size 1048576`. Records are recognised by
 * their fields, so the errors of components composed with memkit read as well.
 */
export function describeError(value) {
  try {
    return describe(value, '');
  } catch {
    return `${String(value)} (see error.payload)`;
  }
}
