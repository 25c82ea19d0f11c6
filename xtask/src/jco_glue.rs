//! Patches to the JS glue that jco 1.12.0 generates (`js/dist/memkit.js`): faster calls
//! (string lowering, the memory view, resource handles), each measured, and readable
//! error messages. All are described in `js/README.md`. Each fails loudly when the code it
//! expects is not there, so a jco upgrade cannot silently drop them.

/// The glue after [`patch`].
pub struct Patched {
    pub text: String,
    /// How many resource handles are set as plain properties.
    pub resource_handles: usize,
}

/// Applies every patch.
pub fn patch(glue: &str) -> Result<Patched, String> {
    let text = fast_string_lowering(glue)?;
    let text = cached_memory_views(&text)?;
    let (text, resource_handles) = plain_resource_properties(&text)?;
    let text = readable_component_errors(&text)?;
    Ok(Patched {
        text,
        resource_handles,
    })
}

fn revisit(what: &str) -> String {
    format!("jco glue: {what}; revisit xtask/src/jco_glue.rs for this jco version")
}

/// jco 1.12.0's DataView accessor: every field read or write of a call compares the view's
/// buffer with the memory's, two getter calls (`Memory.prototype.buffer` is not cheap).
const DATA_VIEW: &str =
    "const dataView = mem => dv.buffer === mem.buffer ? dv : dv = new DataView(mem.buffer);\n";

/// The view is renewed only when the memory grew: growing detaches the old buffer, and a
/// typed array over a detached buffer has a `byteLength` of 0 (a cheap, inlined read, where
/// `DataView.prototype.byteLength` would throw). Valid for a glue with one memory, which is
/// checked. The company round trip of the benchmark: 763 → 682 µs (js/README.md).
const CACHED_VIEWS: &str = "let memoryBytes = new Uint8Array();
const dataView = mem => memoryBytes.byteLength !== 0 ? dv : (memoryBytes = new Uint8Array(mem.buffer), dv = new DataView(memoryBytes.buffer));
";

fn cached_memory_views(glue: &str) -> Result<String, String> {
    if glue.contains("memory1") {
        return Err(revisit(
            "the glue has more than one memory, the cached views assume one",
        ));
    }
    match glue.matches(DATA_VIEW).count() {
        1 => Ok(glue.replacen(DATA_VIEW, CACHED_VIEWS, 1)),
        n => Err(revisit(&format!(
            "expected the dataView accessor once, found it {n} times"
        ))),
    }
}

/// Every lifted resource gets its handle and its `Symbol.dispose` closure through
/// `Object.defineProperty`, which V8 makes far slower than a plain assignment; with the
/// finalizer's registration it was most of the cost of `buffer-pool.acquire` (a handle per
/// call). Plain properties keep the same values, the same closure and the same finalizer; the
/// only visible difference is that the two symbol-keyed properties are enumerable. 1000 pool
/// acquire + release: 596 → 320 µs (js/README.md).
fn plain_resource_properties(glue: &str) -> Result<(String, usize), String> {
    let mut text = String::with_capacity(glue.len());
    let mut patched = 0;
    // The indentation of each open `Symbol.dispose` function, awaiting its `}});`.
    let mut open: Vec<String> = Vec::new();
    for line in glue.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let trimmed = body.trim_end();
        if let Some(args) = trimmed
            .strip_prefix("Object.defineProperty(")
            .and_then(|rest| rest.strip_suffix("});"))
        {
            if let Some((rsc, handle)) =
                args.split_once(", symbolRscHandle, { writable: true, value: ")
            {
                text.push_str(&format!("{indent}{rsc}[symbolRscHandle] = {handle};\n"));
                patched += 1;
                continue;
            }
        }
        if let Some(rsc) = trimmed
            .strip_prefix("Object.defineProperty(")
            .and_then(|rest| {
                rest.strip_suffix(", symbolDispose, { writable: true, value: function () {")
            })
        {
            text.push_str(&format!("{indent}{rsc}[symbolDispose] = function () {{\n"));
            open.push(indent.to_string());
            continue;
        }
        if trimmed == "}});" && open.last().map(String::as_str) == Some(indent) {
            open.pop();
            text.push_str(&format!("{indent}}};\n"));
            continue;
        }
        text.push_str(line);
    }
    if !open.is_empty() {
        return Err(revisit(
            "a resource's Symbol.dispose definition without its end",
        ));
    }
    if patched == 0 {
        return Err(revisit(
            "found no resource handle defined with Object.defineProperty",
        ));
    }
    Ok((text, patched))
}

/// jco 1.12.0's string lowering after its empty-string case: `TextEncoder.encode` into a new
/// array, then a copy of that array into linear memory.
const ENCODE_TAIL: &str = "  let buf = utf8Encoder.encode(s);
  let ptr = realloc(0, 0, 1, buf.length);
  new Uint8Array(memory.buffer).set(buf, ptr);
  utf8EncodedLen = buf.length;
  return ptr;
}
";

/// The lowering after the patch, two fast paths and no intermediate array:
/// - short ASCII strings are written into linear memory directly: `TextEncoder` has a fixed
///   cost that dominates for short strings (lowering a company of 1000 people, 2001 strings,
///   took 1.0–2.0 ms in Node, 0.4 ms with this path). Every UTF-16 code unit up to 0x7f is one
///   UTF-8 byte of the same value, so the bytes are identical;
/// - every other string is encoded straight into linear memory with `encodeInto`, as
///   wasm-bindgen does: first into `s.length` bytes (enough for ASCII), growing by the
///   remaining units × 3 (the UTF-8 bound) when that was not enough, then shrunk to the bytes
///   written. Swap-case of 1 MB: 775 → 646 µs.
///
/// A refused allocation still fails the call with a `RangeError` before the component is
/// entered (`cabi_realloc` answers with an address past the memory's end), as before.
const PATCHED_ENCODE_TAIL: &str = "  if (s.length <= 64) {
    let ascii = true;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) { ascii = false; break; }
    if (ascii) {
      const ptr = realloc(0, 0, 1, s.length);
      const view = new Uint8Array(memory.buffer, ptr, s.length);
      for (let i = 0; i < s.length; i++) view[i] = s.charCodeAt(i);
      utf8EncodedLen = s.length;
      return ptr;
    }
  }
  let capacity = s.length;
  let ptr = realloc(0, 0, 1, capacity);
  let { read, written } = utf8Encoder.encodeInto(s, new Uint8Array(memory.buffer, ptr, capacity));
  while (read < s.length) {
    const more = (s.length - read) * 3;
    ptr = realloc(ptr, capacity, 1, written + more);
    capacity = written + more;
    const step = utf8Encoder.encodeInto(s.slice(read), new Uint8Array(memory.buffer, ptr + written, more));
    read += step.read;
    written += step.written;
  }
  if (written < capacity) ptr = realloc(ptr, capacity, 1, written);
  utf8EncodedLen = written;
  return ptr;
}
";

fn fast_string_lowering(glue: &str) -> Result<String, String> {
    match glue.matches(ENCODE_TAIL).count() {
        1 => Ok(glue.replacen(ENCODE_TAIL, PATCHED_ENCODE_TAIL, 1)),
        n => Err(revisit(&format!(
            "expected utf8Encode's TextEncoder.encode tail once, found it {n} times"
        ))),
    }
}

/// jco 1.12.0's message for an error value: `[object Object] (see error.payload)`.
const OPAQUE_MESSAGE: &str =
    "    super(enumerable ? `${String(value)} (see error.payload)` : value);\n";

/// The message memkit's errors get instead: the WIT case and its values, for example
/// `out-of-bounds: offset 4294967295, len 2, buffer size 1048576` or `checksum-mismatch:
/// stored 0x00000994, computed 0x000009b4`. `error.payload` keeps the typed value. Record
/// shapes are recognised by their fields, so errors of components composed with memkit
/// read as well.
const READABLE_MESSAGE: &str = "    super(enumerable ? describeComponentError(value) : value);\n";

const DESCRIBE_COMPONENT_ERROR: &str = r#"
/** A readable message for a memkit error value (a WIT variant, record or number). */
function describeComponentError(value) {
  const hex = (n) => `0x${(Number(n) >>> 0).toString(16).padStart(8, '0')}`;
  const numbered = {
    'out-of-memory': (n) => `could not allocate ${n} bytes`,
    'too-short': (n) => `${n} bytes, a record needs at least 24`,
    'trailing-bytes': (n) => `${n} bytes after the checksum`,
    'payload-too-large': (n) => `declared ${n} bytes, over the reader's max-payload`,
  };
  const describe = (v, tag) => {
    if (v === null || typeof v !== 'object') {
      return tag in numbered && typeof v === 'number' ? numbered[tag](v) : String(v);
    }
    if (typeof v.tag === 'string') return v.val === undefined ? v.tag : `${v.tag}: ${describe(v.val, v.tag)}`;
    if ('offset' in v && 'len' in v && 'size' in v) return `offset ${v.offset}, len ${v.len}, buffer size ${v.size}`;
    if ('requested' in v && 'limit' in v) return `requested ${v.requested}, limit ${v.limit}`;
    if ('expected' in v && 'actual' in v) return `stored ${hex(v.expected)}, computed ${hex(v.actual)}`;
    if ('declared' in v && 'available' in v) return `declared ${v.declared} bytes, ${v.available} available`;
    if ('message' in v && 'line' in v && 'column' in v) return `json-error: ${v.message}`;
    return Object.entries(v).map(([k, x]) => `${k} ${describe(x, k)}`).join(', ');
  };
  try {
    return describe(value, '');
  } catch {
    return `${String(value)} (see error.payload)`;
  }
}
"#;

fn readable_component_errors(glue: &str) -> Result<String, String> {
    match glue.matches(OPAQUE_MESSAGE).count() {
        1 => Ok(format!(
            "{}{DESCRIBE_COMPONENT_ERROR}",
            glue.replacen(OPAQUE_MESSAGE, READABLE_MESSAGE, 1)
        )),
        n => Err(format!(
            "jco glue: expected ComponentError's message once, found it {n} times; \
             revisit xtask/src/jco_glue.rs for this jco version"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESOURCE_LIFT: &str =
        "    var rsc0 = new.target === ByteBuffer ? this : Object.create(ByteBuffer.prototype);
    Object.defineProperty(rsc0, symbolRscHandle, { writable: true, value: handle1});
    finalizationRegistry0.register(rsc0, handle1, rsc0);
    Object.defineProperty(rsc0, symbolDispose, { writable: true, value: function () {
      finalizationRegistry0.unregister(rsc0);
      rsc0[symbolRscHandle] = undefined;
    }});
    return rsc0;
";

    #[test]
    fn resource_handles_become_plain_properties() {
        let (text, patched) = plain_resource_properties(RESOURCE_LIFT).unwrap();
        assert_eq!(patched, 1);
        assert!(text.contains("    rsc0[symbolRscHandle] = handle1;\n"));
        assert!(text.contains("    rsc0[symbolDispose] = function () {\n"));
        assert!(text.contains("      rsc0[symbolRscHandle] = undefined;\n    };\n    return rsc0;"));
        assert!(!text.contains("defineProperty"));
        assert!(plain_resource_properties("no resources").is_err());
    }

    #[test]
    fn the_data_view_is_renewed_only_after_growth() {
        let text = cached_memory_views(DATA_VIEW).unwrap();
        assert!(text.contains("memoryBytes.byteLength !== 0 ? dv"));
        assert!(cached_memory_views(&format!("{DATA_VIEW}memory1")).is_err());
        assert!(cached_memory_views("no accessor").is_err());
    }

    #[test]
    fn string_lowering_gets_both_fast_paths() {
        let glue = format!("function utf8Encode(s, realloc, memory) {{\n{ENCODE_TAIL}");
        let text = fast_string_lowering(&glue).unwrap();
        assert!(text.contains("if (s.length <= 64)"));
        assert!(text.contains("utf8Encoder.encodeInto(s, "));
        assert!(!text.contains("utf8Encoder.encode(s)"));
    }

    #[test]
    fn a_changed_glue_is_refused() {
        assert!(fast_string_lowering("no encoder here").is_err());
        assert!(readable_component_errors("no error class here").is_err());
    }

    #[test]
    fn component_errors_get_the_describing_message() {
        let glue = format!("class ComponentError extends Error {{\n  constructor (value) {{\n{OPAQUE_MESSAGE}  }}\n}}\n");
        let text = readable_component_errors(&glue).unwrap();
        assert!(text.contains(READABLE_MESSAGE));
        assert!(text.contains("function describeComponentError(value)"));
        assert!(!text.contains("(see error.payload)` : value"));
    }
}
