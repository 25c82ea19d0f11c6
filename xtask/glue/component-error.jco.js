// What jco 1.12.0 writes for the error a call throws (the code below this comment, byte for
// byte): for an error value, the message is `[object Object] (see error.payload)`.
// `cargo xtask js` finds it once in the glue and puts component-error.js in its place.
class ComponentError extends Error {
  constructor (value) {
    const enumerable = typeof value !== 'string';
    super(enumerable ? `${String(value)} (see error.payload)` : value);
    Object.defineProperty(this, 'payload', { value, enumerable });
  }
}
