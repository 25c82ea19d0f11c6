// Replaces jco's ComponentError (component-error.jco.js) in the glue: an error value's message
// is the package's `describeError` of it (js/src/errors.js, which `cargo xtask js` imports at
// the top of the glue): the WIT case and its values, for example `out-of-bounds: offset
// 4294967295, len 2, buffer size 1048576`. `error.payload` keeps the typed value, as before;
// a string error keeps its string.
class ComponentError extends Error {
  constructor (value) {
    const enumerable = typeof value !== 'string';
    super(enumerable ? describeError(value) : value);
    Object.defineProperty(this, 'payload', { value, enumerable });
  }
}
