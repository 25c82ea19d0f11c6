// What jco 1.12.0 writes to lower a string argument (the code below this comment, byte for
// byte): `TextEncoder.encode` into a new array, then a copy of that array into linear memory.
// `cargo xtask js` finds it once in the glue and puts utf8-encode.js in its place;
// js/test/glue.test.mjs runs both and compares what they write.
function utf8Encode(s, realloc, memory) {
  if (typeof s !== 'string') throw new TypeError('expected a string');
  if (s.length === 0) {
    utf8EncodedLen = 0;
    return 1;
  }
  let buf = utf8Encoder.encode(s);
  let ptr = realloc(0, 0, 1, buf.length);
  new Uint8Array(memory.buffer).set(buf, ptr);
  utf8EncodedLen = buf.length;
  return ptr;
}
