// Replaces jco's dataView accessor (data-view.jco.js) in the glue: the view is renewed only
// when the memory grew. Growing detaches the old buffer, and a typed array over a detached
// buffer has a `byteLength` of 0 (a cheap, inlined read, where
// `DataView.prototype.byteLength` would throw). Valid for a glue with one memory, which
// `cargo xtask js` checks. The company round trip of the benchmark: 763 → 682 µs
// (js/README.md). From the glue around it: `dv`, the view jco keeps.
let memoryBytes = new Uint8Array();
const dataView = mem => memoryBytes.byteLength !== 0 ? dv : (memoryBytes = new Uint8Array(mem.buffer), dv = new DataView(memoryBytes.buffer));
