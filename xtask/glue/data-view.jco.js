// What jco 1.12.0 writes for the memory view every field read or write of a call goes
// through (the code below this comment, byte for byte): it compares the view's buffer with the
// memory's on every access, two getter calls (`WebAssembly.Memory.prototype.buffer` is not
// cheap). `cargo xtask js` finds it once in the glue and puts data-view.js in its place.
const dataView = mem => dv.buffer === mem.buffer ? dv : dv = new DataView(mem.buffer);
